/**
 * The threat report's verdicts on the recorded dev stack, judged by the real pack with the stack's
 * own policy config: every scenario defended as recorded; one weakening per control turns the
 * control missing and exposes exactly the scenarios the registry gives it; a disabled guard makes
 * its control unchecked, never present.
 */
import { readFileSync } from "fs";
import { join } from "path";
import type { PlannedResource } from "../../cli/resources";
import { toEvaluated } from "../../cli/resources";
import { assessScenarios, type ScenarioVerdict } from "../../cli/threat-assessment";
import { scenariosOfControl, THREAT_SCENARIOS, type ControlId } from "../../conventions/threats";
import { evaluatePolicies, resolvePolicyConfig } from "../../policy-pack/evaluate";
import { policies } from "../../policy-pack/policies";
import { runStack } from "../stacks/whole-program";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the weakenings edit inputs as free-form JSON
type Json = any;

const devConfig = JSON.parse(
  readFileSync(join(__dirname, "..", "..", "policy-pack", "config", "dev.json"), "utf8"),
) as Record<string, unknown>;

let recorded: PlannedResource[];
beforeAll(async () => {
  recorded = (await runStack("dev")).resources;
}, 120_000);

async function assess(resources: PlannedResource[], config = devConfig): Promise<ScenarioVerdict[]> {
  const violations = await evaluatePolicies(toEvaluated(resources), { config });
  const enabled = new Set(resolvePolicyConfig(policies, config).map((r) => r.policy.name));
  return assessScenarios(resources, violations, enabled);
}

/** A copy of the dev stack with `change` applied to the inputs of the resource of `kind` named `name`. */
function weakened(kind: string, name: string, change: (inputs: Json) => void): PlannedResource[] {
  const copy = structuredClone(recorded);
  const target = copy.find(
    (r) =>
      r.type.endsWith(`:${kind}`) &&
      ((r.inputs as Json).metadata?.name === name || r.urn.endsWith(`::${name}`)),
  );
  if (!target) throw new Error(`the dev stack has no ${kind} ${name}`);
  change(target.inputs);
  return copy;
}

const verdicts = (vs: ScenarioVerdict[]) => Object.fromEntries(vs.map((v) => [v.id, v.verdict]));
const missing = (vs: ScenarioVerdict[]) =>
  [...new Set(vs.flatMap((v) => v.controls.filter((c) => c.state === "missing").map((c) => c.id)))].sort();

const containerArgs = (i: Json): string[] => i.spec.template.spec.containers[0].args;

describe("threat assessment from the pack's verdicts", () => {
  it("defends every scenario of the recorded dev stack, naming what carries each control", async () => {
    const vs = await assess(recorded);
    expect(verdicts(vs)).toEqual(Object.fromEntries(THREAT_SCENARIOS.map((s) => [s.id, "defended"])));
    const s1 = vs.find((v) => v.id === "S1")!;
    const hardened = s1.controls.find((c) => c.id === "pod-identity-components-hardened")!;
    expect(hardened.state).toBe("present");
    expect(hardened.resources).toEqual(
      expect.arrayContaining(["DaemonSet aad-pod-identity/nmi", "Deployment aad-pod-identity/mic"]),
    );
  });

  /** Name, kind, resource, weakening, the control it removes, and controls whose guard it also trips. */
  const cases: [string, string, string, (i: Json) => void, ControlId, ControlId[]?][] = [
    [
      "NMI without forceNamespaced",
      "DaemonSet",
      "nmi",
      (i) => {
        const args = containerArgs(i);
        args.splice(
          args.findIndex((a) => a.startsWith("--forceNamespaced")),
          1,
        );
        i.spec.template.spec.containers[0].env = (i.spec.template.spec.containers[0].env ?? []).filter(
          (e: Json) => e.name !== "FORCENAMESPACED",
        );
      },
      "pod-identity-components-hardened",
    ],
    [
      "MIC mounting azure.json",
      "Deployment",
      "mic",
      (i) => {
        i.spec.template.spec.volumes = [{ name: "cfg", hostPath: { path: "/etc/kubernetes/azure.json" } }];
      },
      "pod-identity-components-hardened",
    ],
    [
      "a binding selector outside its namespace",
      "AzureIdentityBinding",
      "ingest-binding",
      (i) => (i.spec.selector = "catalog.catalog-reader"),
      "selectors-namespaced",
    ],
    [
      "an identity object in default",
      "AzureIdentity",
      "export",
      (i) => (i.metadata.namespace = "default"),
      "identity-objects-in-team-namespaces",
      // The binding's selector, `<namespace>.<identity>`, then names a namespace it is not in.
      ["selectors-namespaced"],
    ],
    [
      "a service-principal AzureIdentity",
      "AzureIdentity",
      "export",
      (i) => (i.spec.type = 1),
      "identity-in-team-group",
    ],
    [
      "a team role writing identity bindings",
      "Role",
      "aks-hardening-team-developer",
      (i) => {
        i.rules.push({
          apiGroups: ["aadpodidentity.k8s.io"],
          resources: ["azureidentitybindings"],
          verbs: ["create"],
        });
      },
      "identity-objects-platform-only",
      // k8s-rbac-identity-protection guards both: the same rule also grants writes reaching MIC's objects.
      ["identity-namespace-closed"],
    ],
    [
      "a team namespace at baseline",
      "Namespace",
      "catalog",
      (i) => (i.metadata.labels["pod-security.kubernetes.io/enforce"] = "baseline"),
      "namespace-pod-security",
    ],
    [
      "kubenet",
      "ManagedCluster",
      "aksh-dev-aks",
      (i) => (i.networkProfile.networkPlugin = "kubenet"),
      "azure-cni-network-policy",
    ],
    [
      "a service-principal cluster",
      "ManagedCluster",
      "aksh-dev-aks",
      (i) => (i.identity = { type: "None" }),
      "managed-identity-cluster",
    ],
    [
      "Managed Identity Operator on a resource group",
      "RoleAssignment",
      "aksh-dev-analytics-ingest-mic-mio",
      (i) => (i.scope = i.scope.replace(/\/providers\/Microsoft\.ManagedIdentity\/.*$/i, "")),
      "azure-role-scopes",
    ],
    [
      "a role at subscription scope",
      "RoleAssignment",
      "aksh-dev-analytics-export-storage-blob-data-contributor",
      (i) => (i.scope = i.scope.replace(/\/resourceGroups\/.*$/i, "")),
      "azure-role-scopes",
    ],
    ["no audit logs", "DiagnosticSetting", "aksh-dev-audit-logs", (i) => (i.logs = []), "audit-logs-alerts"],
    [
      "an admission binding that only warns",
      "ValidatingAdmissionPolicyBinding",
      "aks-hardening-azure-identity-team-scope",
      (i) => (i.spec.validationActions = ["Warn"]),
      "admission-policies-present",
    ],
    [
      "a default-deny policy removed",
      "NetworkPolicy",
      "default-deny-all",
      (i) => (i.spec = { podSelector: {}, policyTypes: [] }),
      "team-default-deny",
    ],
  ];
  it.each(cases)(
    "%s: the control is missing and exactly its scenarios' verdicts change",
    async (_case, kind, name, change, control, also = []) => {
      const vs = await assess(weakened(kind, name, change));
      expect(missing(vs)).toEqual([control, ...also].sort());
      const expected = new Set([control, ...also].flatMap((c) => scenariosOfControl(c)));
      const exposed = vs.filter((v) => v.verdict === "exposed").map((v) => v.id);
      expect(exposed).toEqual(THREAT_SCENARIOS.map((s) => s.id).filter((id) => expected.has(id)));
    },
  );

  it("a guard disabled by the policy config leaves its control unchecked and its scenarios unverified", async () => {
    const config = { ...devConfig, "aks-azure-cni-network-policy": "disabled" };
    const vs = await assess(
      weakened("ManagedCluster", "aksh-dev-aks", (i) => (i.networkProfile.networkPlugin = "kubenet")),
      config,
    );
    const finding = vs.flatMap((v) => v.controls).find((c) => c.id === "azure-cni-network-policy")!;
    expect(finding.state).toBe("unchecked");
    expect(verdicts(vs)).toEqual({
      S1: "defended",
      S2: "defended",
      S3: "defended",
      S4: "unverified",
      S5: "defended",
      S6: "defended",
    });
  });

  it("an advisory guard's violation still counts: the control is missing, not present", async () => {
    const config = { ...devConfig, "aks-azure-cni-network-policy": "advisory" };
    const vs = await assess(
      weakened("ManagedCluster", "aksh-dev-aks", (i) => (i.networkProfile.networkPlugin = "kubenet")),
      config,
    );
    expect(missing(vs)).toContain("azure-cni-network-policy");
  });

  it("a stack without aad-pod-identity: its controls do not apply", async () => {
    const withoutPodIdentity = recorded.filter(
      (r) => !r.type.includes("aadpodidentity") && !/:(DaemonSet|Deployment)$/.test(r.type),
    );
    const vs = await assess(withoutPodIdentity);
    const finding = vs.flatMap((v) => v.controls).find((c) => c.id === "pod-identity-components-hardened")!;
    expect([finding.state, finding.detail]).toEqual([
      "not-applicable",
      "this stack declares no DaemonSet, Deployment, AzureIdentity, AzureIdentityBinding",
    ]);
  });

  it("a stack with no Azure resources (an existing cluster): the cluster's Azure controls do not apply", async () => {
    const vs = await assess(recorded.filter((r) => !r.type.startsWith("azure-native:")));
    const finding = vs.flatMap((v) => v.controls).find((c) => c.id === "managed-identity-cluster")!;
    expect([finding.state, finding.detail]).toEqual([
      "not-applicable",
      "this stack declares no ManagedCluster",
    ]);
    expect(verdicts(vs)).toEqual(Object.fromEntries(THREAT_SCENARIOS.map((s) => [s.id, "defended"])));
  });
  it("an empty stack proves nothing: every scenario unverified, none defended", async () => {
    const vs = await assess([]);
    expect(vs.map((v) => v.verdict)).toEqual(THREAT_SCENARIOS.map(() => "unverified"));
  });

  it("an Azure resource named like a Kubernetes kind carries no Kubernetes control", async () => {
    const onlyAzure = recorded.filter(
      (r) => r.type.startsWith("azure-native:") || r.type.startsWith("pulumi:"),
    );
    const withServiceBus: PlannedResource[] = [
      ...onlyAzure,
      {
        urn: "urn:pulumi:dev::aks-hardening::azure-native:servicebus:Namespace::bus",
        type: "azure-native:servicebus:Namespace",
        custom: true,
        dependencies: [],
        inputs: { resourceGroupName: "rg" },
      },
    ];
    const finding = (await assess(withServiceBus))
      .flatMap((v) => v.controls)
      .find((c) => c.id === "namespace-pod-security")!;
    expect(finding.state).toBe("not-applicable");
  });

  it("a guard that could not decide at preview leaves its control unchecked, not missing", () => {
    const deferral = {
      policyName: "aks-azure-cni-network-policy",
      description: "",
      enforcementLevel: "advisory" as const,
      severity: "critical",
      message: "can't run policy 'aks-azure-cni-network-policy' during preview: unknown value",
      tags: [],
    };
    const all = new Set(policies.map((p) => p.name));
    const vs = assessScenarios(recorded, [deferral], all);
    const finding = vs.flatMap((v) => v.controls).find((c) => c.id === "azure-cni-network-policy")!;
    expect([finding.state, vs.find((v) => v.id === "S4")!.verdict]).toEqual(["unchecked", "unverified"]);
  });
});
