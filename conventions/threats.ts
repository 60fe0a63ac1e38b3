/**
 * The threat registry: the one place that says which scenario of the threat model (S1-S6) each
 * control answers, and for each control the component that declares it, the in-cluster admission
 * policies that enforce it and the pack policies that refuse its absence or weakening at preview.
 *
 * Everything else is derived from it: the pack's scenario tags, the admission policies'
 * `aks-hardening.io/threats` annotation, the README's threat tables and the threat report of
 * `plan`/`audit` (which reads the pack's verdicts through this map; it has no rules of its own).
 * Names are plain strings so that this package stays dependency-free; `test/threats/registry.test.ts`
 * checks each against the pack, the components and the attack suite, and fails when a scenario
 * lacks a control in any layer.
 */

export const SCENARIO_IDS = ["S1", "S2", "S3", "S4", "S5", "S6"] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

/** What the stack must declare for a control to apply (kind: last segment of the type token). */
export interface Carrier {
  /** The provider package of the type token: a servicebus `Namespace` is no Kubernetes `Namespace`. */
  provider: "kubernetes" | "azure-native";
  /** `*`: any kind of that provider. */
  kind: string;
  /** `metadata.name` for Kubernetes objects, else the resource name. Any when absent. */
  name?: string;
}

export interface ThreatControl {
  title: string;
  /** The component that declares the control, as `<path under components/> <exported class or function>`. */
  component: string;
  /** ValidatingAdmissionPolicies that enforce it on the cluster (the API server's own layer). */
  admission: string[];
  /** Why there is no admission policy, when `admission` is empty. */
  noAdmission?: string;
  /** Pack policies that refuse its absence or weakening at preview. */
  pack: string[];
  /** Why there is no pack policy, when `pack` is empty. */
  noPack?: string;
  /** The control applies when the stack declares any of these; otherwise it is "not applicable". */
  carriers: Carrier[];
}

const CLUSTER: Carrier[] = [{ provider: "azure-native", kind: "ManagedCluster" }];
const POD_IDENTITY: Carrier[] = [
  { provider: "kubernetes", kind: "DaemonSet", name: "nmi" },
  { provider: "kubernetes", kind: "Deployment", name: "mic" },
  { provider: "kubernetes", kind: "AzureIdentity" },
  { provider: "kubernetes", kind: "AzureIdentityBinding" },
];
const NAMESPACES: Carrier[] = [
  { provider: "kubernetes", kind: "Namespace" },
  { provider: "kubernetes", kind: "NamespacePatch" },
];
const RBAC: Carrier[] = [
  { provider: "kubernetes", kind: "Role" },
  { provider: "kubernetes", kind: "ClusterRole" },
  { provider: "kubernetes", kind: "RoleBinding" },
  { provider: "kubernetes", kind: "ClusterRoleBinding" },
];
const POD_TEMPLATES: Carrier[] = [
  "Pod",
  "Deployment",
  "DaemonSet",
  "StatefulSet",
  "ReplicaSet",
  "Job",
  "CronJob",
  "ReplicationController",
  "PodTemplate",
].map((kind): Carrier => ({ provider: "kubernetes", kind }));
const ADMISSION_ONLY_AT_REQUEST =
  "who writes a subresource or which principal sends a request is known only at request time";

export const THREAT_CONTROLS = {
  "managed-identity-cluster": {
    title: "user-assigned control-plane and kubelet identities: no service-principal secret exists anywhere",
    component: "azure/cluster.ts Cluster",
    admission: [],
    noAdmission: "an Azure setting: the API server never sees it",
    pack: ["aks-managed-identity"],
    carriers: CLUSTER,
  },
  "entra-azure-rbac": {
    title: "Entra ID with Azure RBAC and Kubernetes RBAC on, local accounts disabled",
    component: "azure/cluster.ts Cluster",
    admission: [],
    noAdmission: "an Azure setting: the API server never sees it",
    pack: ["aks-local-accounts-disabled", "aks-entra-azure-rbac", "aks-kubernetes-rbac"],
    carriers: CLUSTER,
  },
  "api-server-access": {
    title: "API server private or limited to authorized IP ranges",
    component: "azure/cluster.ts Cluster",
    admission: [],
    noAdmission: "an Azure setting: the API server never sees it",
    pack: ["aks-api-server-access"],
    carriers: CLUSTER,
  },
  "azure-cni-network-policy": {
    title: "Azure CNI with a network policy engine, never kubenet (no ARP spoofing towards NMI)",
    component: "azure/cluster.ts Cluster",
    admission: [],
    noAdmission: "an Azure setting: the API server never sees it",
    pack: ["aks-azure-cni-network-policy"],
    carriers: CLUSTER,
  },
  "pod-identity-addon-disabled": {
    title: "the AKS pod-identity add-on (and its kubenet fallback) off",
    component: "azure/cluster.ts Cluster",
    admission: [],
    noAdmission: "an Azure setting: the API server never sees it",
    pack: ["aks-pod-identity-addon-disabled"],
    carriers: CLUSTER,
  },
  "workload-identity": {
    title: "OIDC issuer and Entra Workload Identity on: the migration path away from pod identity",
    component: "azure/cluster.ts Cluster",
    admission: [],
    noAdmission: "an Azure setting: the API server never sees it",
    pack: ["aks-workload-identity"],
    carriers: CLUSTER,
  },
  "federated-credential-subject": {
    title:
      "federated credentials trust one team ServiceAccount (`system:serviceaccount:<ns>:<sa>`) with the Entra audience",
    component: "azure/team-footprint.ts TeamFootprint",
    admission: [],
    noAdmission: "an Azure object: the API server never sees it",
    pack: ["azure-federated-credential-subject"],
    carriers: [{ provider: "azure-native", kind: "FederatedIdentityCredential" }],
  },
  "cluster-upkeep": {
    title: "automatic control-plane and node OS upgrades, Defender for Containers, the Azure Policy add-on",
    component: "azure/cluster.ts Cluster",
    admission: [],
    noAdmission: "an Azure setting: the API server never sees it",
    pack: ["aks-auto-upgrade", "aks-defender", "aks-azure-policy-addon"],
    carriers: CLUSTER,
  },
  "no-node-public-ip": {
    title: "no node has a public IP",
    component: "azure/cluster.ts Cluster",
    admission: [],
    noAdmission: "an Azure setting: the API server never sees it",
    pack: ["aks-no-node-public-ip"],
    carriers: [...CLUSTER, { provider: "azure-native", kind: "AgentPool" }],
  },
  "audit-logs-alerts": {
    title: "control-plane audit logs to Log Analytics, with alerts on exec, identity-object and RBAC changes",
    component: "azure/monitoring.ts Monitoring",
    admission: [],
    noAdmission: "detection, not prevention: nothing to refuse",
    pack: ["aks-audit-logs"],
    carriers: CLUSTER,
  },
  "azure-role-scopes": {
    title:
      "Azure roles within the team's resource group, never privileged roles; Managed Identity Operator per identity only",
    component: "azure/role-grant.ts grantRole",
    admission: [],
    noAdmission: "an Azure object: the API server never sees it",
    pack: [
      "azure-role-assignment-privileged-roles",
      "azure-role-assignment-scope",
      "azure-managed-identity-operator-scope",
    ],
    carriers: [{ provider: "azure-native", kind: "RoleAssignment" }],
  },
  "pod-identity-components-hardened": {
    title:
      "MIC and NMI in namespaced mode (`forceNamespaced`), `--MICNamespace` and leader election in the identity namespace, no kubenet override, no `azure.json` or hostPath on MIC, a pinned release",
    component: "kubernetes/pod-identity.ts PodIdentityInstall",
    admission: ["aks-hardening-identity-namespace-workloads"],
    pack: ["pod-identity-components-hardened"],
    carriers: POD_IDENTITY,
  },
  "pod-identity-components-priority": {
    title:
      "NMI at `system-node-critical`, MIC at `system-cluster-critical`, and a zero-pod quota for those classes in every team namespace: no team pod can preempt them",
    component: "kubernetes/pod-identity.ts PodIdentityInstall",
    admission: ["aks-hardening-team-pod-placement"],
    pack: ["pod-identity-components-priority", "team-namespace-system-priority-quota"],
    carriers: POD_IDENTITY,
  },
  "identity-objects-in-team-namespaces": {
    title:
      "identity objects live in their team's namespace, never in `default` or the identity namespace; no declared AzureAssignedIdentity",
    component: "kubernetes/team-namespace.ts TeamNamespaces",
    admission: ["aks-hardening-azure-identity-team-scope"],
    pack: [
      "pod-identity-objects-placement",
      "k8s-no-default-namespace",
      "pod-identity-no-assigned-identity-objects",
    ],
    carriers: POD_IDENTITY,
  },
  "selectors-namespaced": {
    title:
      "binding selectors `<namespace>.<identity>` and pod labels owned by their namespace: a label copied from another namespace matches nothing",
    component: "kubernetes/team-namespace.ts TeamNamespaces",
    admission: ["aks-hardening-pod-identity-label-owner", "aks-hardening-azure-identity-binding-selector"],
    pack: ["pod-identity-selectors-namespaced", "pod-identity-binding-target-in-namespace"],
    carriers: POD_IDENTITY,
  },
  "identity-in-team-group": {
    title:
      "an AzureIdentity is `type: 0` and names a managed identity in its namespace's own team resource group",
    component: "kubernetes/team-namespace.ts TeamNamespaces",
    admission: ["aks-hardening-azure-identity-team-scope"],
    pack: ["pod-identity-resource-in-team-group", "pod-identity-azure-identity-type"],
    carriers: POD_IDENTITY,
  },
  "client-id-pairs": {
    title:
      "an identity's client ID is the client ID of the managed identity it names (NMI asks IMDS by client ID)",
    component: "kubernetes/team-namespace.ts TeamNamespaces",
    admission: ["aks-hardening-azure-identity-approved-pair"],
    pack: ["pod-identity-client-id-pairs", "identity-client-id-consistency"],
    carriers: [...POD_IDENTITY, { provider: "kubernetes", kind: "ServiceAccount" }],
  },
  "identity-objects-platform-only": {
    title: "only the platform writes identity objects, exceptions included (RBAC and admission)",
    component: "kubernetes/guardrails.ts ClusterGuardrails",
    admission: ["aks-hardening-identity-objects-platform-only"],
    pack: [
      "pod-identity-exception-platform-only",
      "k8s-rbac-identity-roles-platform-only",
      "k8s-rbac-identity-protection",
    ],
    carriers: [...POD_IDENTITY, ...RBAC],
  },
  "identity-namespace-closed": {
    title:
      "no team may exec, create pods or workloads, or read secrets in the identity namespace; it runs only MIC and NMI",
    component: "kubernetes/guardrails.ts ClusterGuardrails",
    admission: ["aks-hardening-identity-namespace-workloads"],
    pack: ["k8s-rbac-identity-protection"],
    carriers: [...POD_IDENTITY, ...RBAC],
  },
  "team-rbac-least-privilege": {
    title:
      "team roles grant no wildcards, escalation verbs or secrets beyond their namespace; privileged roles bound to platform subjects only",
    component: "kubernetes/team-namespace.ts TeamNamespaces",
    admission: ["aks-hardening-cluster-admin-binding"],
    pack: ["k8s-rbac-role-least-privilege", "k8s-rbac-privileged-bindings"],
    carriers: RBAC,
  },
  "team-binding-subjects": {
    title:
      "a team namespace's RoleBindings name only that team's groups, its own service accounts and the platform",
    component: "kubernetes/guardrails.ts ClusterGuardrails",
    admission: ["aks-hardening-team-rolebinding-subjects"],
    pack: ["k8s-rbac-team-subjects"],
    carriers: [{ provider: "kubernetes", kind: "RoleBinding" }],
  },
  "namespace-pod-security": {
    title:
      "Pod Security `restricted` enforced on every team namespace and `default`; only the identity namespace privileged",
    component: "kubernetes/team-namespace.ts TeamNamespaces",
    admission: ["aks-hardening-namespace-pod-security"],
    pack: ["k8s-namespace-pod-security"],
    carriers: NAMESPACES,
  },
  "namespace-trust-anchors": {
    title:
      "the team label, the resource-group annotation and (after creation) the Pod Security labels are written by the platform only, subresources included",
    component: "kubernetes/guardrails.ts ClusterGuardrails",
    admission: ["aks-hardening-namespace-trust-anchors"],
    pack: [],
    noPack: `the values a stack declares are judged by the namespace and identity policies; ${ADMISSION_ONLY_AT_REQUEST}`,
    carriers: [],
  },
  "workload-pod-security": {
    title: "every workload meets its namespace's Pod Security level at preview, as PSA will at `up`",
    component: "team/workload.ts TeamWorkload",
    admission: [],
    noAdmission: "Pod Security Admission itself enforces it on the cluster (the namespace labels)",
    pack: ["k8s-workload-pod-security"],
    carriers: POD_TEMPLATES,
  },
  "team-default-deny": {
    title: "every team namespace denies traffic by default (network policy)",
    component: "kubernetes/network-policies.ts teamNetworkPolicies",
    admission: [],
    noAdmission: "the network policy engine enforces it, not admission",
    pack: ["team-namespace-default-deny"],
    carriers: NAMESPACES,
  },
  "team-pod-placement": {
    title:
      "the system pool is tainted for critical add-ons; team pods use no system priority class, reserved-taint toleration or `nodeName`; bindings by the scheduler only",
    component: "kubernetes/guardrails.ts ClusterGuardrails",
    admission: ["aks-hardening-team-pod-placement", "aks-hardening-pod-binding-scheduler-only"],
    pack: ["k8s-workload-placement", "aks-system-pool-reserved"],
    carriers: [...CLUSTER, ...POD_TEMPLATES],
  },
  "service-external-ips": {
    title: "Service `externalIPs` set by the platform only (CVE-2020-8554)",
    component: "kubernetes/guardrails.ts ClusterGuardrails",
    admission: ["aks-hardening-service-external-ips"],
    pack: ["k8s-service-no-external-ips"],
    carriers: [{ provider: "kubernetes", kind: "Service" }],
  },
  "status-writers": {
    title: "`pods/status` and `services/status` written by the control plane and the platform only",
    component: "kubernetes/guardrails.ts ClusterGuardrails",
    admission: ["aks-hardening-status-writers"],
    pack: [],
    noPack: `a stack never declares status; ${ADMISSION_ONLY_AT_REQUEST}`,
    carriers: [],
  },
  "team-node-pools": {
    title:
      "a node pool per pod-identity team, its pods bound there: one node's IMDS reaches one team's identities",
    component: "azure/cluster.ts Cluster",
    admission: ["aks-hardening-team-node-pool"],
    pack: ["k8s-team-node-pool", "aks-team-node-pool", "aks-pod-identity-team-pools"],
    carriers: [{ provider: "azure-native", kind: "AgentPool" }, ...POD_TEMPLATES],
  },
  "admission-policies-present": {
    title: "the blueprint's admission policies are declared and bound with `Deny` wherever teams live",
    component: "kubernetes/guardrails.ts ClusterGuardrails",
    admission: [],
    noAdmission: "this is the admission layer itself",
    pack: ["k8s-admission-policies-present"],
    carriers: NAMESPACES,
  },
  "content-visible-at-preview": {
    title: "every Kubernetes object is visible to the pack at preview (no opaque chart or YAML content)",
    component: "kubernetes/hardening.ts KubernetesHardening",
    admission: [],
    noAdmission: "the API server sees every object anyway; this is about the pack seeing them",
    pack: ["k8s-content-visible-at-preview"],
    carriers: [{ provider: "kubernetes", kind: "*" }],
  },
} as const satisfies Record<string, ThreatControl>;

export type ControlId = keyof typeof THREAT_CONTROLS;

export interface ThreatScenario {
  id: ScenarioId;
  /** The attack, in short (README table, threat report). */
  attack: string;
  controls: ControlId[];
}

export const THREAT_SCENARIOS: ThreatScenario[] = [
  {
    id: "S1",
    attack: "A pod copies another app's `aadpodidbinding` label and is served that app's token",
    controls: [
      "pod-identity-components-hardened",
      "selectors-namespaced",
      "identity-objects-in-team-namespaces",
      "client-id-pairs",
      "team-binding-subjects",
      "status-writers",
      "workload-identity",
      "federated-credential-subject",
      "entra-azure-rbac",
      "admission-policies-present",
      "content-visible-at-preview",
    ],
  },
  {
    id: "S2",
    attack: "A new AzureIdentityBinding is pointed at an AzureIdentity that already exists",
    controls: [
      "identity-objects-platform-only",
      "identity-objects-in-team-namespaces",
      "selectors-namespaced",
      "team-rbac-least-privilege",
      "team-binding-subjects",
      "entra-azure-rbac",
      "api-server-access",
      "namespace-trust-anchors",
      "admission-policies-present",
      "content-visible-at-preview",
    ],
  },
  {
    id: "S3",
    attack: "A new AzureIdentity + binding is pointed at another team's managed identity",
    controls: [
      "identity-objects-platform-only",
      "identity-in-team-group",
      "client-id-pairs",
      "azure-role-scopes",
      "federated-credential-subject",
      "team-rbac-least-privilege",
      "team-binding-subjects",
      "entra-azure-rbac",
      "api-server-access",
      "namespace-trust-anchors",
      "admission-policies-present",
      "content-visible-at-preview",
    ],
  },
  {
    id: "S4",
    attack: "A privileged or host-network pod sniffs or bypasses NMI and reads raw node tokens",
    controls: [
      "namespace-pod-security",
      "namespace-trust-anchors",
      "workload-pod-security",
      "azure-cni-network-policy",
      "pod-identity-addon-disabled",
      "no-node-public-ip",
      "team-default-deny",
      "team-pod-placement",
      "pod-identity-components-priority",
      "pod-identity-components-hardened",
      "service-external-ips",
      "status-writers",
      "team-node-pools",
      "cluster-upkeep",
      "identity-namespace-closed",
      "content-visible-at-preview",
    ],
  },
  {
    id: "S5",
    attack: "`kubectl exec` into MIC to read the cluster credential in `/etc/kubernetes/azure.json`",
    controls: [
      "managed-identity-cluster",
      "pod-identity-components-hardened",
      "identity-namespace-closed",
      "team-rbac-least-privilege",
      "team-binding-subjects",
      "entra-azure-rbac",
      "api-server-access",
      "no-node-public-ip",
      "audit-logs-alerts",
      "workload-pod-security",
      "content-visible-at-preview",
    ],
  },
  {
    id: "S6",
    attack:
      "NMI bypasses: an AzurePodIdentityException, or a `mic*` ReplicaSet in NMI's `--MICNamespace` (default `default`)",
    controls: [
      "pod-identity-components-hardened",
      "identity-objects-platform-only",
      "identity-namespace-closed",
      "identity-objects-in-team-namespaces",
      "team-rbac-least-privilege",
      "pod-identity-addon-disabled",
      "entra-azure-rbac",
      "audit-logs-alerts",
      "admission-policies-present",
      "content-visible-at-preview",
    ],
  },
];

/**
 * Pack policies that guard no control: by design advisory reminders, so their violations never
 * expose a scenario.
 */
export const PACK_REMINDERS: Record<string, string> = {
  "pod-identity-deprecated":
    "aad-pod-identity is archived upstream: a reminder to move each team to workload identity",
};

/** The scenarios a control answers, in registry order. */
export function scenariosOfControl(control: string): ScenarioId[] {
  return THREAT_SCENARIOS.filter((s) => (s.controls as string[]).includes(control)).map((s) => s.id);
}

function scenariosWhere(uses: (c: ThreatControl) => readonly string[], name: string): ScenarioId[] {
  const controls = Object.entries(THREAT_CONTROLS as Record<string, ThreatControl>)
    .filter(([, c]) => uses(c).includes(name))
    .map(([id]) => id);
  return THREAT_SCENARIOS.filter((s) => s.controls.some((c) => controls.includes(c))).map((s) => s.id);
}

/** The scenarios a pack policy guards (its tags); every scenario for a reminder. */
export function scenariosOfPackPolicy(policy: string): ScenarioId[] {
  if (policy in PACK_REMINDERS) return [...SCENARIO_IDS];
  return scenariosWhere((c) => c.pack, policy);
}

/** The scenarios an admission policy answers (its `aks-hardening.io/threats` annotation). */
export function scenariosOfAdmissionPolicy(policy: string): ScenarioId[] {
  return scenariosWhere((c) => c.admission, policy);
}
