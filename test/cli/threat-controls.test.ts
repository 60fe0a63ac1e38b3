/**
 * The threat report's control recognition: one compliant stack in which every scenario is
 * defended, then one mutation per control showing the scenario turns exposed and names it.
 */
import { assessScenarios } from "../../cli/threat-controls";
import type { PlannedResource } from "../../cli/resources";
import type { PolicyViolation } from "../../policy-pack/evaluate";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fixtures are edited as free-form JSON
type Json = any;

const STACK = "urn:pulumi:dev::aks-hardening::pulumi:pulumi:Stack::aks-hardening-dev";
const IDENTITY_NS = "aad-pod-identity";
const SUB = "/subscriptions/00000000-0000-0000-0000-000000000000";
const TEAM_RG = `${SUB}/resourceGroups/rg-team-a`;

function k8s(type: string, name: string, inputs: Record<string, unknown>): PlannedResource {
  return {
    urn: `urn:pulumi:dev::aks-hardening::${type}::${name}`,
    type,
    custom: true,
    parent: STACK,
    dependencies: [],
    inputs,
  };
}

function psa(level: string): Record<string, string> {
  return {
    "pod-security.kubernetes.io/enforce": level,
    "pod-security.kubernetes.io/audit": level,
    "pod-security.kubernetes.io/warn": level,
  };
}

function workload(kind: "Deployment" | "DaemonSet", name: string, args: string[], volumes: unknown[] = []) {
  return k8s(`kubernetes:apps/v1:${kind}`, name, {
    metadata: { name, namespace: IDENTITY_NS },
    spec: { template: { spec: { containers: [{ name, args }], volumes } } },
  });
}

function admission(name: string, resources: string[], expression: string): PlannedResource[] {
  return [
    k8s("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy", name, {
      metadata: { name },
      spec: {
        matchConstraints: {
          resourceRules: [
            { apiGroups: ["*"], apiVersions: ["*"], operations: ["CREATE", "UPDATE"], resources },
          ],
        },
        validations: [{ expression }],
      },
    }),
    k8s("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding", `${name}-binding`, {
      metadata: { name: `${name}-binding` },
      spec: { policyName: name, validationActions: ["Deny"] },
    }),
  ];
}

function roleAssignment(name: string, scope: string, roleGuid: string): PlannedResource {
  return k8s("azure-native:authorization:RoleAssignment", name, {
    scope,
    roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`,
    principalType: "ServicePrincipal",
  });
}

/** A stack in which every control of S1-S6 is present. */
function compliant(): PlannedResource[] {
  return [
    { urn: STACK, type: "pulumi:pulumi:Stack", custom: false, dependencies: [], inputs: {} },
    k8s("azure-native:containerservice:ManagedCluster", "aks", {
      identity: { type: "UserAssigned" },
      networkProfile: { networkPlugin: "azure", networkPolicy: "azure" },
    }),
    k8s("azure-native:insights:DiagnosticSetting", "aks-audit", {
      logs: [{ category: "kube-audit-admin", enabled: true }],
    }),
    k8s("azure-native:insights:ScheduledQueryRule", "exec-alert", {
      criteria: { allOf: [{ query: 'AKSAuditAdmin | where ObjectRef.subresource == "exec"' }] },
    }),
    roleAssignment(
      "mic-mio-app",
      `${TEAM_RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/app`,
      "f1a07417-d97a-45cb-824c-7a7467783830",
    ),
    roleAssignment("app-blob-reader", TEAM_RG, "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"),
    k8s("kubernetes:core/v1:Namespace", IDENTITY_NS, {
      metadata: { name: IDENTITY_NS, labels: psa("privileged") },
    }),
    k8s("kubernetes:core/v1:Namespace", "team-a", {
      metadata: { name: "team-a", labels: { ...psa("restricted"), "aks-hardening.io/team": "a" } },
    }),
    workload("DaemonSet", "nmi", ["--forceNamespaced=true", `--MICNamespace=${IDENTITY_NS}`]),
    workload("Deployment", "mic", ["--forceNamespaced", `--leader-election-namespace=${IDENTITY_NS}`]),
    k8s("kubernetes:aadpodidentity.k8s.io/v1:AzureIdentity", "app", {
      metadata: { name: "app", namespace: "team-a" },
      spec: {
        type: 0,
        resourceID: `${TEAM_RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/app`,
      },
    }),
    k8s("kubernetes:aadpodidentity.k8s.io/v1:AzureIdentityBinding", "app-binding", {
      metadata: { name: "app-binding", namespace: "team-a" },
      spec: { azureIdentity: "app", selector: "team-a.app" },
    }),
    k8s("kubernetes:rbac.authorization.k8s.io/v1:Role", "team-a-developer", {
      metadata: { name: "developer", namespace: "team-a" },
      rules: [
        { apiGroups: [""], resources: ["pods"], verbs: ["create", "get"] },
        { apiGroups: ["aadpodidentity.k8s.io"], resources: ["azureidentities"], verbs: ["get", "list"] },
      ],
    }),
    k8s("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "team-a-developer", {
      metadata: { name: "developer", namespace: "team-a" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "developer" },
      subjects: [{ kind: "Group", name: "group-team-a" }],
    }),
    ...admission(
      "aks-hardening-pod-binding",
      ["pods"],
      "object.metadata.labels['aadpodidbinding'].startsWith(object.metadata.namespace + '.')",
    ),
    ...admission(
      "aks-hardening-binding",
      ["azureidentitybindings"],
      "object.spec.selector.startsWith(namespaceObject.metadata.name + '.')",
    ),
    ...admission("aks-hardening-identity", ["azureidentities"], "object.spec.resourceID.startsWith(rg)"),
    ...admission("aks-hardening-exceptions", ["azurepodidentityexceptions"], "false"),
    ...admission(
      "aks-hardening-namespaces",
      ["namespaces"],
      "has(object.metadata.labels) && 'pod-security.kubernetes.io/enforce' in object.metadata.labels",
    ),
  ];
}

/** Applies `change` to the inputs of the resource named `name` in a fresh compliant stack. */
function mutate(name: string, change: (inputs: Json) => void): PlannedResource[] {
  const resources = compliant();
  const target = resources.find((r) => r.urn.endsWith(`::${name}`));
  if (!target) throw new Error(`no resource ${name}`);
  change(target.inputs);
  return resources;
}

function verdictOf(resources: PlannedResource[], violations: PolicyViolation[] = []) {
  return Object.fromEntries(
    assessScenarios(resources, violations).map((s) => [
      s.id,
      s.verdict === "defended"
        ? "defended"
        : s.controls
            .filter((c) => c.state === "missing")
            .map((c) => c.id)
            .join(",") || "violation",
    ]),
  );
}

const ALL_DEFENDED = {
  S1: "defended",
  S2: "defended",
  S3: "defended",
  S4: "defended",
  S5: "defended",
  S6: "defended",
};

describe("threat report controls", () => {
  it("finds every control in the compliant stack, naming the resources that carry them", () => {
    expect(verdictOf(compliant())).toEqual(ALL_DEFENDED);
    const s1 = assessScenarios(compliant(), []).find((s) => s.id === "S1")!;
    expect(s1.controls.find((c) => c.id === "nmi-force-namespaced")?.resources).toEqual([
      `DaemonSet ${IDENTITY_NS}/nmi`,
    ]);
  });

  it.each([
    [
      "NMI without forceNamespaced",
      "nmi",
      (i: Json) => (i.spec.template.spec.containers[0].args = [`--MICNamespace=${IDENTITY_NS}`]),
      { S1: "nmi-force-namespaced" },
    ],
    [
      "MIC without forceNamespaced",
      "mic",
      (i: Json) => (i.spec.template.spec.containers[0].args = [`--leader-election-namespace=${IDENTITY_NS}`]),
      { S1: "mic-force-namespaced" },
    ],
    [
      "NMI's MICNamespace left at default",
      "nmi",
      (i: Json) => (i.spec.template.spec.containers[0].args = ["--forceNamespaced=true"]),
      { S6: "nmi-mic-namespace" },
    ],
    [
      "MIC mounting azure.json",
      "mic",
      (i: Json) =>
        (i.spec.template.spec.volumes = [{ name: "cfg", hostPath: { path: "/etc/kubernetes/azure.json" } }]),
      { S5: "mic-no-azure-json" },
    ],
    [
      "a binding selector outside its namespace",
      "app-binding",
      (i: Json) => (i.spec.selector = "team-b.app"),
      { S1: "selectors-namespace-scoped" },
    ],
    [
      "an identity object in default",
      "app",
      (i: Json) => (i.metadata.namespace = "default"),
      { S1: "no-identity-objects-in-default", S2: "no-identity-objects-in-default" },
    ],
    [
      "a service-principal AzureIdentity",
      "app",
      (i: Json) => (i.spec.type = 1),
      { S3: "identity-type-user-assigned" },
    ],
    [
      "a team role writing identity bindings",
      "team-a-developer",
      (i: Json) =>
        i.rules?.push({
          apiGroups: ["aadpodidentity.k8s.io"],
          resources: ["azureidentitybindings"],
          verbs: ["create"],
        }),
      {
        S2: "team-rbac-no-identity-write",
        S3: "team-rbac-no-identity-write",
        S6: "team-rbac-no-identity-write",
      },
    ],
    [
      "a team namespace at baseline",
      "team-a",
      (i: Json) => (i.metadata.labels["pod-security.kubernetes.io/enforce"] = "baseline"),
      { S4: "psa-restricted-namespaces" },
    ],
    ["kubenet", "aks", (i: Json) => (i.networkProfile.networkPlugin = "kubenet"), { S4: "azure-cni" }],
    [
      "a service-principal cluster",
      "aks",
      (i: Json) => (i.identity = { type: "None" }),
      { S5: "managed-identity-cluster" },
    ],
    [
      "Managed Identity Operator on the resource group",
      "mic-mio-app",
      (i: Json) => (i.scope = TEAM_RG),
      { S3: "mio-per-identity-scope" },
    ],
    [
      "a role at subscription scope",
      "app-blob-reader",
      (i: Json) => (i.scope = SUB),
      { S3: "azure-roles-within-resource-groups" },
    ],
    [
      "no exec alert",
      "exec-alert",
      (i: Json) => (i.criteria = { allOf: [{ query: "AKSAuditAdmin | take 1" }] }),
      { S5: "exec-audit-alert" },
    ],
    [
      "an admission binding that only warns",
      "aks-hardening-identity-binding",
      (i: Json) => (i.spec.validationActions = ["Warn"]),
      { S3: "admission-identity-resource-scope" },
    ],
  ])("%s exposes the scenario and names the missing control", (_case, name, change, exposed) => {
    expect(verdictOf(mutate(name, change))).toEqual({ ...ALL_DEFENDED, ...exposed });
  });

  it("a team group bound in the identity namespace exposes S4 and S5", () => {
    const resources = compliant();
    resources.push(
      k8s("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "team-a-in-identity-ns", {
        metadata: { name: "oops", namespace: IDENTITY_NS },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "edit" },
        subjects: [{ kind: "Group", name: "group-team-a" }],
      }),
    );
    expect(verdictOf(resources)).toEqual({
      ...ALL_DEFENDED,
      S4: "no-team-rights-in-identity-namespace",
      S5: "no-team-rights-in-identity-namespace",
    });
  });

  it("a mandatory violation tagged with a scenario exposes it even when every control is found", () => {
    const violation: PolicyViolation = {
      policyName: "some-policy",
      description: "d",
      enforcementLevel: "mandatory",
      severity: "high",
      message: "m",
      tags: ["S3"],
    };
    expect(verdictOf(compliant(), [violation])).toEqual({ ...ALL_DEFENDED, S3: "violation" });
    expect(verdictOf(compliant(), [{ ...violation, enforcementLevel: "advisory" }])).toEqual(ALL_DEFENDED);
  });

  it("without aad-pod-identity the pod-identity controls do not apply", () => {
    const resources = compliant().filter(
      (r) => !/::(nmi|mic)$/.test(r.urn) && !r.type.includes("aadpodidentity"),
    );
    const s1 = assessScenarios(resources, []).find((s) => s.id === "S1")!;
    expect(s1.verdict).toBe("defended");
    expect(s1.controls.find((c) => c.id === "nmi-force-namespaced")?.state).toBe("not-applicable");
  });
});

describe("threat report controls: rights reaching the identity namespace", () => {
  it("a read-only cluster-wide team binding is not a way into the identity namespace", () => {
    const resources = compliant();
    resources.push(
      k8s("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "discovery", {
        metadata: { name: "discovery" },
        rules: [{ apiGroups: [""], resources: ["namespaces"], verbs: ["get", "list"] }],
      }),
      k8s("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "team-discovery", {
        metadata: { name: "team-discovery" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "discovery" },
        subjects: [{ kind: "Group", name: "group-team-a" }],
      }),
    );
    expect(verdictOf(resources)).toEqual(ALL_DEFENDED);
    // The same binding to a role that reads secrets cluster-wide is one.
    (resources[resources.length - 2].inputs as Json).rules.push({
      apiGroups: [""],
      resources: ["secrets"],
      verbs: ["get"],
    });
    expect(verdictOf(resources)).toEqual({
      ...ALL_DEFENDED,
      S4: "no-team-rights-in-identity-namespace",
      S5: "no-team-rights-in-identity-namespace",
    });
  });
});
