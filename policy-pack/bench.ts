/**
 * Benchmark: how many resources per second the whole pack judges in-process.
 *
 *   npx ts-node --transpile-only policy-pack/bench.ts [--resources 10000] [--runs 5]
 *
 * Builds a synthetic multi-team stack (per team: namespace, default-deny policy, identity, binding,
 * workload, RBAC, Azure identity, federated credential, role assignment; plus one hardened cluster),
 * runs every policy of the pack over it several times and prints the best and median run.
 */
import { evaluatePolicies, EvaluatedResource } from "./evaluate";

const SUB = "/subscriptions/00000000-0000-0000-0000-000000000000";

function teamResources(i: number): EvaluatedResource[] {
  const ns = `team-${i}`;
  const rg = `${SUB}/resourceGroups/rg-${ns}`;
  const k = (
    groupVersion: string,
    kind: string,
    name: string,
    props: Record<string, unknown>,
  ): EvaluatedResource => ({
    urn: `urn:pulumi:bench::aks-hardening::kubernetes:${groupVersion}:${kind}::${ns}-${name}`,
    type: `kubernetes:${groupVersion}:${kind}`,
    name: `${ns}-${name}`,
    props: { apiVersion: groupVersion, kind, ...props },
  });
  const az = (type: string, name: string, props: Record<string, unknown>): EvaluatedResource => ({
    urn: `urn:pulumi:bench::aks-hardening::${type}::${ns}-${name}`,
    type,
    name: `${ns}-${name}`,
    props,
  });
  const labels = {
    "pod-security.kubernetes.io/enforce": "restricted",
    "pod-security.kubernetes.io/enforce-version": "v1.33",
    "aks-hardening.io/team": ns,
  };
  return [
    k("core/v1", "Namespace", "ns", {
      metadata: { name: ns, labels, annotations: { "aks-hardening.io/azure-resource-group-id": rg } },
    }),
    k("networking.k8s.io/v1", "NetworkPolicy", "deny", {
      metadata: { name: "default-deny", namespace: ns },
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    }),
    k("aadpodidentity.k8s.io/v1", "AzureIdentity", "id", {
      metadata: { name: "app", namespace: ns },
      spec: { type: 0, resourceID: `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/app` },
    }),
    k("aadpodidentity.k8s.io/v1", "AzureIdentityBinding", "binding", {
      metadata: { name: "app", namespace: ns },
      spec: { azureIdentity: "app", selector: `${ns}.app` },
    }),
    k("apps/v1", "Deployment", "app", {
      metadata: { name: "app", namespace: ns },
      spec: {
        template: {
          metadata: { labels: { app: "app", aadpodidbinding: `${ns}.app` } },
          spec: {
            securityContext: { runAsNonRoot: true },
            containers: [
              {
                name: "app",
                image: "app:1",
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
              },
            ],
          },
        },
      },
    }),
    k("core/v1", "ServiceAccount", "sa", { metadata: { name: "app", namespace: ns } }),
    k("core/v1", "ConfigMap", "cm", { metadata: { name: "app", namespace: ns }, data: { a: "b" } }),
    k("rbac.authorization.k8s.io/v1", "Role", "role", {
      metadata: { name: "dev", namespace: ns },
      rules: [{ apiGroups: [""], resources: ["pods", "pods/exec"], verbs: ["get", "list", "create"] }],
    }),
    k("rbac.authorization.k8s.io/v1", "RoleBinding", "rb", {
      metadata: { name: "dev", namespace: ns },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "dev" },
      subjects: [{ kind: "Group", name: `group-${i}` }],
    }),
    az("azure-native:managedidentity:UserAssignedIdentity", "uami", { resourceGroupName: `rg-${ns}` }),
    az("azure-native:managedidentity:FederatedIdentityCredential", "fic", {
      subject: `system:serviceaccount:${ns}:app`,
      issuer: "https://oidc.example.com/x/",
      audiences: ["api://AzureADTokenExchange"],
    }),
    az("azure-native:authorization:RoleAssignment", "ra", {
      principalType: "ServicePrincipal",
      roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1`,
      scope: rg,
    }),
  ];
}

/** A synthetic multi-team stack of `count` resources (exported for profiling). */
export function syntheticStack(count: number): EvaluatedResource[] {
  const admission = (kind: string, spec: Record<string, unknown>): EvaluatedResource => ({
    urn: `urn:pulumi:bench::aks-hardening::kubernetes:admissionregistration.k8s.io/v1:${kind}::guard`,
    type: `kubernetes:admissionregistration.k8s.io/v1:${kind}`,
    name: "guard",
    props: { metadata: { name: "aks-hardening-guard" }, spec },
  });
  const resources: EvaluatedResource[] = [
    admission("ValidatingAdmissionPolicy", { validations: [{ expression: "true" }] }),
    admission("ValidatingAdmissionPolicyBinding", {
      policyName: "aks-hardening-guard",
      validationActions: ["Deny"],
    }),
  ];
  for (let i = 0; resources.length < count; i++) resources.push(...teamResources(i));
  return resources.slice(0, count);
}

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`--${name} must be a positive integer, got ${process.argv[i + 1]}`);
  return value;
}

async function main(): Promise<void> {
  const count = option("resources", 10_000);
  const runs = option("runs", 5);
  const resources = syntheticStack(count);
  // Wall time, and the process's own CPU time: on a shared machine the second is the steadier figure.
  const wall: number[] = [];
  const cpu: number[] = [];
  let violations = 0;
  for (let r = 0; r < runs + 1; r++) {
    const start = process.hrtime.bigint();
    const startCpu = process.cpuUsage();
    const result = await evaluatePolicies(resources);
    const used = process.cpuUsage(startCpu);
    if (r > 0) {
      // The first run warms up the JIT and is not counted.
      wall.push(Number(process.hrtime.bigint() - start) / 1e6);
      cpu.push((used.user + used.system) / 1000);
    }
    violations = result.length;
  }
  const perSecond = (ms: number) => Math.round(count / (ms / 1000)).toLocaleString("en-US");
  const line = (label: string, values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const best = sorted[0];
    const median = sorted[Math.floor(sorted.length / 2)];
    console.log(
      `${label}: best ${best.toFixed(1)} ms (${perSecond(best)} resources/second), median ${median.toFixed(1)} ms (${perSecond(median)} resources/second)`,
    );
  };
  console.log(
    `resources: ${count}, policies: every policy of the pack, runs: ${runs} (+1 warm-up), violations per run: ${violations}`,
  );
  line("wall", wall);
  line("cpu ", cpu);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
