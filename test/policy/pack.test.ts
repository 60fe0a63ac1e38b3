/**
 * Pack-wide guarantees: every policy's metadata and test coverage (checked mechanically), the
 * evaluator's server semantics (levels, config, not-applicable, stack tags, crashes), the checked-in
 * policy config files, and the pack judging raw resources a team writes without our components.
 */
import { readdirSync, readFileSync } from "fs";
import * as path from "path";
import type { PolicyResource, ResourceValidationArgs } from "@pulumi/policy";
import { validateResourceOfType } from "@pulumi/policy";
import { Deployment } from "@pulumi/kubernetes/apps/v1/deployment";
import { evaluatePolicies, PolicyConfigError, resolvePolicyConfig } from "../../policy-pack/evaluate";
import { packEnforcementLevel, policies } from "../../policy-pack/policies";
import type { PackPolicy } from "../../policy-pack/policies";
import { UnknownValueError } from "../../policy-pack/policies/lib/policy-runtime";
import { k8s, resource, UNKNOWN } from "./harness";

const PACK_DIR = path.join(__dirname, "../../policy-pack");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

describe("every policy", () => {
  const testSources = sourceFiles(__dirname)
    .filter((f) => f.endsWith(".test.ts"))
    .map((f) => readFileSync(f, "utf8"))
    .join("\n");

  it("has a unique kebab-case name", () => {
    const names = policies.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
  });

  it.each(policies.map((p) => [p.name, p] as const))(
    "%s has description, severity, remediation, tags, config defaults and a test",
    (name, p) => {
      expect(p.description.length).toBeGreaterThan(40);
      expect(["low", "medium", "high", "critical"]).toContain(p.severity);
      expect(p.remediationSteps.length).toBeGreaterThan(20);
      expect(p.tags.some((t) => /^S[1-6]$/.test(t))).toBe(true);
      for (const tag of p.tags) expect(tag).toMatch(/^(S[1-6]|cis-aks-1\.7:\d+\.\d+\.\d+)$/);
      for (const [key, property] of Object.entries(p.configSchema?.properties ?? {})) {
        expect([key, property.default]).not.toEqual([key, undefined]);
        expect([key, typeof property.description]).toEqual([key, "string"]);
      }
      expect(testSources).toContain(`policy: "${name}"`);
    },
  );

  it("blocks by default: the pack level is mandatory and only the deprecation notice is advisory", () => {
    expect(packEnforcementLevel).toBe("mandatory");
    expect(
      policies.filter((p) => p.enforcementLevel !== undefined).map((p) => [p.name, p.enforcementLevel]),
    ).toEqual([["pod-identity-deprecated", "advisory"]]);
  });

  it("is served only by index.ts (the one file that calls new PolicyPack)", () => {
    const callers = sourceFiles(PACK_DIR).filter((f) => /^new PolicyPack\(/m.test(readFileSync(f, "utf8")));
    expect(callers.map((f) => path.relative(PACK_DIR, f))).toEqual(["index.ts"]);
    for (const file of sourceFiles(path.join(PACK_DIR, "policies"))) {
      expect([file, readFileSync(file, "utf8")]).not.toEqual([
        file,
        expect.stringMatching(/from "(\.\.\/)+(infra|components|testing)\//),
      ]);
    }
  });
});

describe("policy config files", () => {
  it.each(["dev", "prod", "local"])("config/%s.json is valid for the pack", (env) => {
    const config = JSON.parse(readFileSync(path.join(PACK_DIR, "config", `${env}.json`), "utf8")) as Record<
      string,
      unknown
    >;
    expect(() => resolvePolicyConfig(policies, config)).not.toThrow();
  });

  it("refuses a bad file with every problem, naming the key and the value", () => {
    const bad = {
      "no-such-policy": "mandatory",
      "aks-api-server-access": { enforcementLevel: "blocking", requirePrivateCluster: "yes" },
      "aks-azure-cni-network-policy": { allowedNetworkPolicies: ["weave"] },
      "k8s-rbac-privileged-bindings": { platformGroup: ["x"] },
    };
    let error: unknown;
    try {
      resolvePolicyConfig(policies, bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicyConfigError);
    expect((error as PolicyConfigError).problems).toEqual([
      'no-such-policy: no policy of that name in the pack (got "mandatory")',
      'aks-api-server-access.enforcementLevel: must be one of advisory, mandatory, remediate, disabled (got "blocking")',
      'aks-api-server-access.requirePrivateCluster: must be of type boolean (got "yes")',
      'aks-azure-cni-network-policy.allowedNetworkPolicies[0]: must be one of ["azure","calico","cilium"] (got "weave")',
      'k8s-rbac-privileged-bindings.platformGroup: is not a known setting (got ["x"])',
    ]);
  });
});

/** A test-only policy that records what the evaluator hands it. */
function probe(seen: ResourceValidationArgs[]): PackPolicy {
  return {
    name: "probe-policy",
    description: "Records its arguments for the evaluator tests (never part of the pack).",
    severity: "low",
    remediationSteps: "Nothing to remediate: test probe.",
    tags: ["S1"],
    configSchema: { properties: { threshold: { type: "number", default: 3, description: "test" } } },
    validateResource: validateResourceOfType(Deployment, (_props, args, report) => {
      seen.push(args);
      report(`threshold ${args.getConfig<{ threshold: number }>().threshold}`);
    }),
  };
}

describe("evaluatePolicies mirrors the policy server", () => {
  const deployment = () =>
    k8s("apps/v1", "Deployment", "web", { metadata: { namespace: "payments" }, spec: { replicas: UNKNOWN } });

  it("calls a typed validation only for its type, with config defaults, stack tags, isType/asType", async () => {
    const seen: ResourceValidationArgs[] = [];
    const violations = await evaluatePolicies([deployment(), k8s("core/v1", "ConfigMap", "cfg", {})], {
      policies: [probe(seen)],
      stackTags: { team: "payments" },
    });
    expect(seen).toHaveLength(1);
    expect(violations.map((v) => [v.policyName, v.message, v.enforcementLevel, v.resourceName])).toEqual([
      ["probe-policy", "threshold 3", "mandatory", "web"],
    ]);
    const args = seen[0];
    expect(args.stackTags.get("team")).toBe("payments");
    expect(args.isType(Deployment)).toBe(true);
    expect(args.asType(Deployment)).toBe(args.props);
    // The props are behind @pulumi/policy's own proxy: an unknown read throws its UnknownValueError.
    expect(() => args.props.spec.replicas).toThrow(UnknownValueError);
  });

  it("applies policy-specific levels over `all`, and skips disabled policies", async () => {
    const run = (config: Record<string, unknown>) =>
      evaluatePolicies([deployment()], { policies: [probe([])], config });
    expect((await run({ all: "advisory" })).map((v) => v.enforcementLevel)).toEqual(["advisory"]);
    expect(
      (await run({ all: "advisory", "probe-policy": { enforcementLevel: "mandatory", threshold: 7 } })).map(
        (v) => [v.enforcementLevel, v.message],
      ),
    ).toEqual([["mandatory", "threshold 7"]]);
    expect(await run({ "probe-policy": "disabled" })).toEqual([]);
    // Nothing in the pack remediates, so `remediate` reports like the server does after remediation.
    expect((await run({ "probe-policy": "remediate" })).map((v) => v.enforcementLevel)).toEqual([
      "mandatory",
    ]);
  });

  it("keeps notApplicable silent, and names policy and resource when a policy crashes", async () => {
    const quiet: PackPolicy = { ...probe([]), validateResource: (args) => args.notApplicable("not mine") };
    expect(await evaluatePolicies([deployment()], { policies: [quiet] })).toEqual([]);
    const crashing: PackPolicy = {
      ...probe([]),
      validateResource: () => {
        throw new TypeError("boom");
      },
    };
    await expect(evaluatePolicies([deployment()], { policies: [crashing] })).rejects.toThrow(
      /policy 'probe-policy' failed on urn:pulumi:test::aks-hardening::kubernetes:apps\/v1:Deployment::web: boom/,
    );
  });

  it("gives stack policies parents and dependencies as resource objects", async () => {
    let seen: PolicyResource[] = [];
    const stackProbe: PackPolicy = {
      ...probe([]),
      validateResource: undefined,
      validateStack: (args) => void (seen = args.resources),
    } as PackPolicy;
    const parent = resource("aks-hardening:kubernetes:TeamNamespaces", "team", {});
    const child = k8s("core/v1", "Namespace", "ns", {}, { parent: parent.urn, dependencies: [parent.urn] });
    await evaluatePolicies([parent, child], { policies: [stackProbe] });
    expect(seen[1].parent).toBe(seen[0]);
    expect(seen[1].dependencies).toEqual([seen[0]]);
  });
});

describe("raw resources a team writes without our components", () => {
  const DEV_CONFIG = JSON.parse(readFileSync(path.join(PACK_DIR, "config", "dev.json"), "utf8")) as Record<
    string,
    unknown
  >;
  const mandatory = async (resources: ReturnType<typeof resource>[]) =>
    (await evaluatePolicies(resources, { config: DEV_CONFIG }))
      .filter((v) => v.enforcementLevel === "mandatory")
      .map((v) => v.policyName);

  const rawDeployment = (
    namespace: string | undefined,
    pod: Record<string, unknown>,
    labels: Record<string, string> = {},
  ) =>
    k8s("apps/v1", "Deployment", "sniffer", {
      metadata: namespace ? { name: "sniffer", namespace } : { name: "sniffer" },
      spec: {
        selector: { matchLabels: { app: "x" } },
        template: { metadata: { labels: { app: "x", ...labels } }, spec: pod },
      },
    });

  it("refuses an insecure Deployment (S4 sniffer in default, borrowing another namespace's identity label)", async () => {
    const insecure = rawDeployment(
      undefined,
      {
        hostNetwork: true,
        containers: [
          {
            name: "c",
            image: "nicolaka/netshoot",
            securityContext: { capabilities: { add: ["NET_ADMIN", "NET_RAW"] } },
          },
        ],
      },
      { aadpodidbinding: "payments.payments-api" },
    );
    expect(new Set(await mandatory([insecure]))).toEqual(
      new Set(["k8s-workload-pod-security", "k8s-no-default-namespace", "pod-identity-selectors-namespaced"]),
    );
  });

  it("accepts the same Deployment written securely in the team's namespace", async () => {
    const secure = rawDeployment(
      "payments",
      {
        securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
        containers: [
          {
            name: "c",
            image: "app",
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
          },
        ],
      },
      { aadpodidbinding: "payments.payments-api" },
    );
    expect(await mandatory([secure])).toEqual([]);
  });

  it("refuses a raw AKS cluster with the portal's permissive defaults", async () => {
    const cluster = resource("azure-native:containerservice:ManagedCluster", "aks", {
      resourceGroupName: "rg",
      agentPoolProfiles: [{ name: "pool", enableNodePublicIP: true }],
    });
    expect(new Set(await mandatory([cluster]))).toEqual(
      new Set([
        "aks-managed-identity",
        "aks-local-accounts-disabled",
        "aks-entra-azure-rbac",
        "aks-kubernetes-rbac",
        "aks-azure-cni-network-policy",
        "aks-api-server-access",
        "aks-workload-identity",
        "aks-auto-upgrade",
        "aks-defender",
        "aks-azure-policy-addon",
        "aks-no-node-public-ip",
        "aks-system-pool-reserved",
        "aks-audit-logs",
      ]),
    );
  });
});
