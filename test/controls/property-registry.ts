/**
 * The control registry for declared properties: every leaf of the inputs the components declare on
 * the resource kinds below, each either guarded (the pack policy that refuses its weakening, and
 * the weakenings that prove it) or listed as not hardening, with the reason. `registry.test.ts`
 * requires an entry for every leaf of the recorded dev stack and runs every weakening.
 *
 * Paths: `a.b[].c` (`[]` = every element), keys that are not identifiers as `["aks-hardening.io/team"]`.
 */

import {
  APPROVED_IDENTITIES_ANNOTATION,
  PSA_LABEL_PREFIX,
  RESOURCE_GROUP_ANNOTATION,
  TEAM_LABEL,
  GUARDRAIL_SETTINGS_ANNOTATION,
  THREATS_ANNOTATION,
} from "../../conventions/kubernetes";

type Props = Record<string, unknown>;

export interface PropertyWeakening {
  name: string;
  apply: (props: Props) => void;
}

export interface GuardedProperty {
  /** `<Kind> <path>`, e.g. `ManagedCluster aadProfile.enableAzureRBAC`. */
  setting: string;
  guard: string;
  weakenings: PropertyWeakening[];
  /** Which declared resource of the kind the weakenings edit; default: the first that has the path. */
  target?: (props: Props) => boolean;
}

export interface FunctionalProperty {
  setting: string;
  notHardening: string;
}

export type PropertyEntry = GuardedProperty | FunctionalProperty;

/** The kinds whose every declared leaf must have an entry. */
export const REGISTERED_KINDS = [
  "ManagedCluster",
  "AgentPool",
  "RoleAssignment",
  "Namespace",
  "NamespacePatch",
  "ValidatingAdmissionPolicyBinding",
  "NetworkPolicy",
  "ResourceQuota",
  "LimitRange",
  "Role",
  "ClusterRole",
  "RoleBinding",
  "ClusterRoleBinding",
  "DaemonSet",
  "Deployment",
  "ServiceAccount",
  "PodDisruptionBudget",
  "ValidatingAdmissionPolicy",
] as const;

/** Leaves registered elsewhere: the MIC/NMI command-line flags and environment (`registry.ts`). */
export const REGISTERED_ELSEWHERE =
  /^(DaemonSet|Deployment) spec\.template\.spec\.containers\[\]\.(args\[\]|env\[\]\.)/;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** The registry's path of each leaf of `value` (arrays folded to `[]`). */
export function leafPaths(value: unknown, prefix = ""): string[] {
  if (Array.isArray(value)) {
    const inner = [...new Set(value.flatMap((v) => leafPaths(v, `${prefix}[]`)))];
    return inner.length > 0 ? inner : [`${prefix}[]`];
  }
  if (value !== null && typeof value === "object") {
    return Object.entries(value as Props).flatMap(([k, v]) =>
      leafPaths(v, IDENTIFIER.test(k) ? (prefix ? `${prefix}.${k}` : k) : `${prefix}[${JSON.stringify(k)}]`),
    );
  }
  return [prefix];
}

/** The objects that hold the last segment of `path`, and that segment's key. */
function holders(props: Props, path: string): { holder: Props; key: string }[] {
  const segments = path.match(/\[\]|\["[^"]*"\]|[^.[\]]+/g) ?? [];
  let current: unknown[] = [props];
  for (const segment of segments.slice(0, -1)) {
    current = current.flatMap((c) => {
      if (segment === "[]") return Array.isArray(c) ? c : [];
      const key = segment.startsWith('["') ? (JSON.parse(segment.slice(1, -1)) as string) : segment;
      const next = (c as Props | undefined)?.[key];
      return next === undefined ? [] : [next];
    });
  }
  const last = segments[segments.length - 1];
  const key = last.startsWith('["') ? (JSON.parse(last.slice(1, -1)) as string) : last;
  return current
    .filter((c): c is Props => c !== null && typeof c === "object")
    .map((holder) => ({ holder, key }));
}

/** Sets (or, with `undefined`, removes) the leaf at `path` in every element the path reaches. */
export function setPath(props: Props, path: string, value: unknown): void {
  const found = holders(props, path);
  if (found.length === 0) throw new Error(`nothing at ${path} to weaken`);
  for (const { holder, key } of found) {
    if (value === undefined) delete holder[key];
    else holder[key] = structuredClone(value);
  }
}

/** Whether `props` holds the setting at `path` (an array setting, `x[]`, as the array `x`). */
export function hasPath(props: Props, path: string): boolean {
  return holders(props, path.replace(/\[\]$/, "")).some(({ holder, key }) => key in holder);
}

const set = (path: string, value: unknown, name = JSON.stringify(value)): PropertyWeakening => ({
  name,
  apply: (p) => setPath(p, path, value),
});
const removed = (path: string): PropertyWeakening => ({
  name: "removed",
  apply: (p) => setPath(p, path, undefined),
});

/** A boolean that must stay `expected`: removed (its default is the insecure value) or flipped. */
function mustStay(kind: string, path: string, expected: boolean, guard: string): GuardedProperty {
  return { setting: `${kind} ${path}`, guard, weakenings: [removed(path), set(path, !expected)] };
}

const functional = (kind: string, paths: string[], notHardening: string): FunctionalProperty[] =>
  paths.map((p) => ({ setting: `${kind} ${p}`, notHardening }));

const MC = "ManagedCluster";
const T = "spec.template.spec.";

const TEAM = TEAM_LABEL;
const RG = RESOURCE_GROUP_ANNOTATION;
const APPROVED = APPROVED_IDENTITIES_ANNOTATION;
const PSA = PSA_LABEL_PREFIX;
const THREATS = THREATS_ANNOTATION;

/** The catalog team's namespace: a team namespace whose AzureIdentities the guards compare against it. */
const isTeamNamespaceWithPodIdentity = (p: Props) => (p.metadata as Props).name === "catalog";
/** Kinds without a namespace. */
const CLUSTER_SCOPED: string[] = [
  "ValidatingAdmissionPolicy",
  "Namespace",
  "NamespacePatch",
  "ValidatingAdmissionPolicyBinding",
  "ClusterRole",
  "ClusterRoleBinding",
];
const isTeamDeveloper = (p: Props) => (p.metadata as Props).name === "aks-hardening-team-developer";
const isTeamDiscovery = (p: Props) => (p.metadata as Props).name === "aks-hardening-team-discovery";
const isSystemPriorityQuota = (p: Props) => (p.metadata as Props).name === "no-system-priority";
const POOL = "agentPoolProfiles[]";

export const PROPERTY_REGISTRY: PropertyEntry[] = [
  // --- ManagedCluster: identity and authentication
  {
    setting: `${MC} identity.type`,
    guard: "aks-managed-identity",
    weakenings: [removed("identity.type"), set("identity.type", "None")],
  },
  ...functional(
    MC,
    [
      "identity.userAssignedIdentities[]",
      "identityProfile.kubeletidentity.clientId",
      "identityProfile.kubeletidentity.objectId",
      "identityProfile.kubeletidentity.resourceId",
    ],
    "which managed identities the cluster and its kubelet use (that they are managed identities is `identity.type`)",
  ),
  mustStay(MC, "disableLocalAccounts", true, "aks-local-accounts-disabled"),
  mustStay(MC, "enableRBAC", true, "aks-kubernetes-rbac"),
  mustStay(MC, "aadProfile.managed", true, "aks-entra-azure-rbac"),
  mustStay(MC, "aadProfile.enableAzureRBAC", true, "aks-entra-azure-rbac"),
  {
    setting: `${MC} aadProfile.adminGroupObjectIDs[]`,
    notHardening: "who administers the cluster: the platform's Entra groups (config validation requires one)",
  },
  // --- API server access
  {
    setting: `${MC} apiServerAccessProfile.authorizedIPRanges[]`,
    guard: "aks-api-server-access",
    weakenings: [
      removed("apiServerAccessProfile.authorizedIPRanges"),
      set("apiServerAccessProfile.authorizedIPRanges", ["0.0.0.0/0"], "opened to the internet"),
    ],
  },
  {
    setting: `${MC} apiServerAccessProfile.enablePrivateCluster`,
    notHardening: "a public API server is allowed when authorized IP ranges restrict it (guarded with them)",
  },
  // --- network
  {
    setting: `${MC} networkProfile.networkPlugin`,
    guard: "aks-azure-cni-network-policy",
    weakenings: [removed("networkProfile.networkPlugin"), set("networkProfile.networkPlugin", "kubenet")],
  },
  {
    setting: `${MC} networkProfile.networkPolicy`,
    guard: "aks-azure-cni-network-policy",
    weakenings: [removed("networkProfile.networkPolicy"), set("networkProfile.networkPolicy", "none")],
  },
  ...functional(
    MC,
    [
      "networkProfile.networkPluginMode",
      "networkProfile.networkDataplane",
      "networkProfile.dnsServiceIP",
      "networkProfile.loadBalancerSku",
      "networkProfile.outboundType",
      "networkProfile.podCidr",
      "networkProfile.serviceCidr",
    ],
    "addressing and data-plane choices of Azure CNI; none changes who can reach NMI or IMDS",
  ),
  // --- identity features
  mustStay(MC, "oidcIssuerProfile.enabled", true, "aks-workload-identity"),
  mustStay(MC, "securityProfile.workloadIdentity.enabled", true, "aks-workload-identity"),
  {
    // Absent is off (the AKS default), so only turning it on weakens it.
    setting: `${MC} podIdentityProfile.enabled`,
    guard: "aks-pod-identity-addon-disabled",
    weakenings: [set("podIdentityProfile.enabled", true)],
  },
  {
    setting: `${MC} podIdentityProfile.allowNetworkPluginKubenet`,
    guard: "aks-pod-identity-addon-disabled",
    weakenings: [set("podIdentityProfile.allowNetworkPluginKubenet", true)],
  },
  // --- upkeep
  {
    setting: `${MC} autoUpgradeProfile.upgradeChannel`,
    guard: "aks-auto-upgrade",
    weakenings: [
      removed("autoUpgradeProfile.upgradeChannel"),
      set("autoUpgradeProfile.upgradeChannel", "none"),
    ],
  },
  {
    setting: `${MC} autoUpgradeProfile.nodeOSUpgradeChannel`,
    guard: "aks-auto-upgrade",
    // Absent is NodeImage, the AKS default for new clusters, so only `None` weakens it.
    weakenings: [set("autoUpgradeProfile.nodeOSUpgradeChannel", "None")],
  },
  mustStay(MC, "securityProfile.defender.securityMonitoring.enabled", true, "aks-defender"),
  {
    setting: `${MC} securityProfile.defender.logAnalyticsWorkspaceResourceId`,
    notHardening: "where Defender writes; that it runs is `securityMonitoring.enabled`",
  },
  mustStay(MC, "addonProfiles.azurepolicy.enabled", true, "aks-azure-policy-addon"),
  {
    setting: `${MC} kubernetesVersion`,
    notHardening: "config validation bounds it; patches arrive through `autoUpgradeProfile`",
  },
  // --- the system pool
  {
    setting: `${MC} ${POOL}.enableNodePublicIP`,
    guard: "aks-no-node-public-ip",
    weakenings: [set(`${POOL}.enableNodePublicIP`, true)],
  },
  {
    setting: `${MC} ${POOL}.nodeTaints[]`,
    guard: "aks-system-pool-reserved",
    weakenings: [removed(`${POOL}.nodeTaints`), set(`${POOL}.nodeTaints`, [], "emptied")],
  },
  {
    setting: `${MC} ${POOL}.mode`,
    guard: "aks-system-pool-reserved",
    weakenings: [set(`${POOL}.mode`, "User")],
  },
  ...functional(
    MC,
    [
      `${POOL}.name`,
      `${POOL}.availabilityZones[]`,
      `${POOL}.count`,
      `${POOL}.enableAutoScaling`,
      `${POOL}.minCount`,
      `${POOL}.maxCount`,
      `${POOL}.osType`,
      `${POOL}.type`,
      `${POOL}.vmSize`,
    ],
    "the system pool's size, placement and machine type",
  ),
  ...functional(
    MC,
    [
      "dnsPrefix",
      "location",
      "nodeResourceGroup",
      "resourceGroupName",
      "resourceName",
      "sku.name",
      "sku.tier",
      'tags["aks-hardening.io/environment"]',
    ],
    "names, placement, billing tier and tags",
  ),

  // --- AgentPool (user and team pools)
  {
    setting: "AgentPool enableNodePublicIP",
    guard: "aks-no-node-public-ip",
    weakenings: [set("enableNodePublicIP", true)],
  },
  {
    setting: 'AgentPool nodeLabels["aks-hardening.io/team-pool"]',
    guard: "aks-pod-identity-team-pools",
    weakenings: [removed('nodeLabels["aks-hardening.io/team-pool"]')],
  },
  {
    setting: "AgentPool nodeTaints[]",
    guard: "aks-team-node-pool",
    weakenings: [
      removed("nodeTaints"),
      set("nodeTaints", ["aks-hardening.io/team-pool=catalog:PreferNoSchedule"], "PreferNoSchedule"),
    ],
  },
  ...functional(
    "AgentPool",
    [
      "agentPoolName",
      "availabilityZones[]",
      "count",
      "enableAutoScaling",
      "minCount",
      "maxCount",
      "osType",
      "type",
      "vmSize",
      "orchestratorVersion",
      "resourceGroupName",
      "resourceName",
    ],
    "the pool's name, size, placement, machine type and version",
  ),
  {
    setting: "AgentPool mode",
    guard: "aks-team-node-pool",
    weakenings: [set("mode", "System")],
    target: (p) => p.nodeLabels !== undefined,
  },

  // --- RoleAssignment
  {
    setting: "RoleAssignment scope",
    guard: "azure-role-assignment-scope",
    weakenings: [
      {
        name: "the subscription",
        apply: (p) => setPath(p, "scope", String(p.scope).replace(/\/resourceGroups\/.*$/i, "")),
      },
    ],
    target: (p) => !/userAssignedIdentities|virtualMachineScaleSets/i.test(String(p.scope)),
  },
  {
    setting: "RoleAssignment roleDefinitionId",
    guard: "azure-role-assignment-privileged-roles",
    weakenings: [
      {
        name: "Owner",
        apply: (p) =>
          setPath(
            p,
            "roleDefinitionId",
            String(p.roleDefinitionId).replace(/[^/]+$/, "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"),
          ),
      },
    ],
  },
  ...functional(
    "RoleAssignment",
    ["principalId", "principalType", "roleAssignmentName"],
    "whom the role is granted to (its identity)",
  ),

  // --- Kubernetes objects: what every object declares about itself
  ...REGISTERED_KINDS.filter((k) => !["ManagedCluster", "AgentPool", "RoleAssignment"].includes(k)).flatMap(
    (kind) =>
      functional(
        kind,
        [
          "apiVersion",
          "kind",
          "metadata.name",
          ...(CLUSTER_SCOPED.includes(kind) ? [] : ["metadata.namespace"]),
        ],
        "the object's identity (which object, where)",
      ),
  ),

  // --- Namespace: the trust anchors and Pod Security
  {
    setting: `Namespace metadata.labels["${TEAM}"]`,
    guard: "pod-identity-resource-in-team-group",
    // Which team owns a namespace is the platform's own assignment; relabelling one is refused in
    // the cluster by aks-hardening-namespace-trust-anchors. Removing it drops the team's guards.
    weakenings: [removed(`metadata.labels["${TEAM}"]`)],
    target: isTeamNamespaceWithPodIdentity,
  },
  {
    setting: `Namespace metadata.annotations["${RG}"]`,
    guard: "pod-identity-resource-in-team-group",
    weakenings: [
      removed(`metadata.annotations["${RG}"]`),
      set(
        `metadata.annotations["${RG}"]`,
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-aksh-dev-analytics",
        "another team's resource group",
      ),
    ],
    target: isTeamNamespaceWithPodIdentity,
  },
  {
    setting: `Namespace metadata.annotations["${APPROVED}"]`,
    guard: "pod-identity-client-id-pairs",
    weakenings: [removed(`metadata.annotations["${APPROVED}"]`)],
    target: isTeamNamespaceWithPodIdentity,
  },
  ...(["Namespace", "NamespacePatch"] as const).flatMap((kind): PropertyEntry[] => [
    {
      setting: `${kind} metadata.labels["${PSA}enforce"]`,
      guard: "k8s-namespace-pod-security",
      weakenings: [
        removed(`metadata.labels["${PSA}enforce"]`),
        set(`metadata.labels["${PSA}enforce"]`, "privileged"),
      ],
      target: (p) => (p.metadata as Props).name !== "aad-pod-identity",
    },
    {
      setting: `${kind} metadata.labels["${PSA}enforce-version"]`,
      guard: "k8s-namespace-pod-security",
      weakenings: [set(`metadata.labels["${PSA}enforce-version"]`, "v1.22")],
    },
    ...functional(
      kind,
      ["audit", "audit-version", "warn", "warn-version"].map((m) => `metadata.labels["${PSA}${m}"]`),
      "audit and warn only report; what is admitted is decided by enforce (guarded)",
    ),
  ]),
  { setting: 'Namespace metadata.labels["app.kubernetes.io/part-of"]', notHardening: "a descriptive label" },
  {
    setting: 'NamespacePatch metadata.annotations["pulumi.com/patchForce"]',
    notHardening:
      "server-side apply takes the labels over from whoever set them before (AKS creates `default`)",
  },

  // --- admission bindings
  {
    setting: "ValidatingAdmissionPolicyBinding spec.validationActions[]",
    guard: "k8s-admission-policies-present",
    weakenings: [set("spec.validationActions", ["Warn"]), set("spec.validationActions", ["Audit"])],
  },
  {
    setting: "ValidatingAdmissionPolicyBinding spec.policyName",
    guard: "k8s-admission-policies-present",
    weakenings: [set("spec.policyName", "aks-hardening-nothing", "a policy that does not exist")],
  },
  ...functional(
    "ValidatingAdmissionPolicyBinding",
    [`metadata.annotations["${THREATS}"]`, 'metadata.annotations["aks-hardening.io/description"]'],
    "documentation for whoever reads the cluster",
  ),

  // --- network policies
  {
    setting: "NetworkPolicy spec.policyTypes[]",
    guard: "team-namespace-default-deny",
    weakenings: [
      set("spec.policyTypes", ["Ingress"], "egress no longer denied"),
      set("spec.policyTypes", ["Egress"], "ingress no longer denied"),
    ],
    target: (p) => (p.metadata as Props).name === "default-deny-all",
  },
  {
    setting: "NetworkPolicy spec.egress[].to[].ipBlock.cidr",
    guard: "team-namespace-default-deny",
    weakenings: [
      {
        name: "every address on every port",
        apply: (p) => setPath(p, "spec.egress", [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }]),
      },
    ],
  },
  ...functional(
    "NetworkPolicy",
    [
      "spec.egress[].ports[].port",
      "spec.egress[].ports[].protocol",
      'spec.egress[].to[].namespaceSelector.matchLabels["kubernetes.io/metadata.name"]',
      'spec.egress[].to[].podSelector.matchLabels["k8s-app"]',
      'spec.podSelector.matchLabels["azure.workload.identity/use"]',
    ],
    "which flows the team's pods may use (DNS, their token endpoint); a rule that opens everything is refused (`spec.egress[].to[].ipBlock.cidr`)",
  ),

  // --- quotas and limits
  {
    setting: "ResourceQuota spec.hard.pods",
    guard: "team-namespace-system-priority-quota",
    weakenings: [set("spec.hard.pods", "100")],
    target: isSystemPriorityQuota,
  },
  {
    setting: "ResourceQuota spec.scopeSelector.matchExpressions[].values[]",
    guard: "team-namespace-system-priority-quota",
    weakenings: [
      set(
        "spec.scopeSelector.matchExpressions[].values",
        ["system-cluster-critical"],
        "system-node-critical left out",
      ),
    ],
  },
  {
    setting: "ResourceQuota spec.scopeSelector.matchExpressions[].operator",
    guard: "team-namespace-system-priority-quota",
    weakenings: [set("spec.scopeSelector.matchExpressions[].operator", "NotIn")],
  },
  {
    setting: "ResourceQuota spec.scopeSelector.matchExpressions[].scopeName",
    guard: "team-namespace-system-priority-quota",
    weakenings: [set("spec.scopeSelector.matchExpressions[].scopeName", "BestEffort")],
  },
  ...functional(
    "ResourceQuota",
    [
      "limits.cpu",
      "limits.memory",
      "requests.cpu",
      "requests.memory",
      "persistentvolumeclaims",
      "services",
      "services.loadbalancers",
      "services.nodeports",
    ].map((k) => (IDENTIFIER.test(k) ? `spec.hard.${k}` : `spec.hard[${JSON.stringify(k)}]`)),
    "the team's capacity, not its isolation",
  ),
  ...functional(
    "LimitRange",
    [
      "spec.limits[].type",
      "spec.limits[].default.cpu",
      "spec.limits[].default.memory",
      "spec.limits[].defaultRequest.cpu",
      "spec.limits[].defaultRequest.memory",
    ],
    "default requests and limits for containers that set none (capacity)",
  ),

  // --- RBAC: the team developer Role, the platform's ClusterRoles and their bindings
  {
    setting: "Role rules[].verbs[]",
    guard: "k8s-rbac-role-least-privilege",
    weakenings: [set("rules[].verbs", ["*"], "every verb")],
    target: isTeamDeveloper,
  },
  {
    setting: "Role rules[].resources[]",
    guard: "k8s-rbac-role-least-privilege",
    weakenings: [set("rules[].resources", ["*"], "every resource")],
    target: isTeamDeveloper,
  },
  {
    setting: "Role rules[].apiGroups[]",
    guard: "k8s-rbac-identity-roles-platform-only",
    weakenings: [
      {
        name: "a rule writing identity bindings added",
        apply: (p) =>
          void (p.rules as Props[]).push({
            apiGroups: ["aadpodidentity.k8s.io"],
            resources: ["azureidentitybindings"],
            verbs: ["create"],
          }),
      },
    ],
    target: isTeamDeveloper,
  },
  {
    setting: "ClusterRole rules[].verbs[]",
    guard: "k8s-rbac-role-least-privilege",
    weakenings: [set("rules[].verbs", ["*"], "every verb")],
    target: isTeamDiscovery,
  },
  {
    setting: "ClusterRole rules[].resources[]",
    guard: "k8s-rbac-role-least-privilege",
    weakenings: [set("rules[].resources", ["*"], "every resource")],
    target: (p) => (p.metadata as Props).name === "aks-hardening-aad-pod-identity-mic",
  },
  {
    setting: "ClusterRole rules[].apiGroups[]",
    guard: "k8s-rbac-role-least-privilege",
    weakenings: [set("rules[].apiGroups", ["*"], "every API group")],
    target: (p) => (p.metadata as Props).name === "aks-hardening-aad-pod-identity-mic",
  },
  {
    setting: "ClusterRole rules[].nonResourceURLs[]",
    notHardening: "the discovery URLs every authenticated user may read (`/api`, `/apis`, `/version`...)",
  },
  {
    setting: "RoleBinding subjects[].name",
    guard: "k8s-rbac-team-subjects",
    weakenings: [set("subjects[].name", "everyone", "another group")],
    target: (p) => (p.metadata as Props).namespace === "catalog",
  },
  {
    setting: "RoleBinding roleRef.name",
    guard: "k8s-rbac-privileged-bindings",
    weakenings: [
      {
        name: "cluster-admin",
        apply: (p) =>
          void (p.roleRef = {
            apiGroup: "rbac.authorization.k8s.io",
            kind: "ClusterRole",
            name: "cluster-admin",
          }),
      },
    ],
    target: (p) => (p.metadata as Props).namespace === "catalog",
  },
  {
    setting: "ClusterRoleBinding roleRef.name",
    guard: "k8s-rbac-privileged-bindings",
    weakenings: [set("roleRef.name", "cluster-admin")],
    target: isTeamDiscovery,
  },
  {
    setting: "ClusterRoleBinding subjects[].name",
    guard: "k8s-rbac-privileged-bindings",
    weakenings: [set("subjects[].name", "everyone", "a group that is not the platform's")],
    target: (p) => (p.metadata as Props).name === "aks-hardening-platform-admins",
  },
  {
    // A ServiceAccount subject is picked by namespace and name: moving MIC's to a team namespace
    // hands that team's account MIC's rights over the identity objects.
    setting: "ClusterRoleBinding subjects[].namespace",
    guard: "k8s-rbac-identity-protection",
    weakenings: [set("subjects[].namespace", "catalog", "MIC's account moved to a team namespace")],
    target: (p) => (p.metadata as Props).name === "aks-hardening-aad-pod-identity-mic",
  },
  {
    setting: "RoleBinding subjects[].namespace",
    notHardening:
      "the one ServiceAccount subject of a RoleBinding is MIC's, for its leader-election lock in the identity namespace: another account holding it can stall MIC (which then assigns nothing: fails closed), not obtain a token",
  },

  ...(["RoleBinding", "ClusterRoleBinding"] as const).flatMap((kind) =>
    functional(
      kind,
      ["roleRef.apiGroup", "roleRef.kind", "subjects[].kind", "subjects[].apiGroup"],
      "the shape of the reference (which role and subject the name points to is guarded by name)",
    ),
  ),

  // --- MIC (Deployment) and NMI (DaemonSet): the pod around the flags
  ...(["DaemonSet", "Deployment"] as const).flatMap((kind): PropertyEntry[] => {
    const c = `${T}containers[]`;
    return [
      {
        setting: `${kind} ${c}.image`,
        guard: "pod-identity-components-hardened",
        weakenings: [
          {
            name: "a release older than v1.8.13",
            apply: (p) =>
              setPath(
                p,
                `${c}.image`,
                String(holders(p, `${c}.image`)[0].holder.image).replace(/:v[\d.]+$/, ":v1.8.12"),
              ),
          },
          {
            name: "another registry",
            apply: (p) => setPath(p, `${c}.image`, "docker.io/attacker/aad-pod-identity-lookalike:v1.8.17"),
          },
        ],
      },
      {
        setting: `${kind} ${T}priorityClassName`,
        guard: "pod-identity-components-priority",
        weakenings: [removed(`${T}priorityClassName`), set(`${T}priorityClassName`, "team-default")],
      },
      {
        // Absent is unprivileged, so only turning it on weakens it.
        setting: `${kind} ${c}.securityContext.privileged`,
        guard: "pod-identity-components-hardened",
        weakenings: [set(`${c}.securityContext.privileged`, true)],
      },
      mustStay(
        kind,
        `${c}.securityContext.allowPrivilegeEscalation`,
        false,
        "pod-identity-components-hardened",
      ),
      mustStay(kind, `${c}.securityContext.readOnlyRootFilesystem`, true, "pod-identity-components-hardened"),
      {
        setting: `${kind} ${c}.securityContext.capabilities.drop[]`,
        guard: "pod-identity-components-hardened",
        // `add` stacks on the runtime's default set; only dropping ALL removes it.
        weakenings: [
          set(`${c}.securityContext.capabilities.drop`, [], "emptied (the runtime's defaults kept)"),
        ],
      },

      ...functional(
        kind,
        [
          'metadata.labels["app.kubernetes.io/component"]',
          'metadata.labels["app.kubernetes.io/name"]',
          'spec.selector.matchLabels["app.kubernetes.io/component"]',
          'spec.selector.matchLabels["app.kubernetes.io/name"]',
          'spec.template.metadata.labels["app.kubernetes.io/component"]',
          'spec.template.metadata.labels["app.kubernetes.io/name"]',
          `${c}.name`,
          `${c}.imagePullPolicy`,
          `${c}.livenessProbe.httpGet.path`,
          `${c}.livenessProbe.httpGet.port`,
          `${c}.livenessProbe.initialDelaySeconds`,
          `${c}.livenessProbe.periodSeconds`,
          `${c}.resources.limits.cpu`,
          `${c}.resources.limits.memory`,
          `${c}.resources.requests.cpu`,
          `${c}.resources.requests.memory`,
          `${c}.securityContext.runAsUser`,
          `${c}.securityContext.seccompProfile.type`,
        ],
        "labels, probes and sizing of the component; the identity namespace's PSA level is privileged by design, so seccomp and the user are the component's choice",
      ),
      {
        setting: `${kind} ${T}serviceAccountName`,
        notHardening:
          "another account has none of the component's RBAC: the component stops (fails closed); the identity namespace admits only its own accounts (aks-hardening-identity-namespace-workloads)",
      },
      {
        setting: `${kind} ${T}automountServiceAccountToken`,
        notHardening: "the component needs its token to watch the API server",
      },
    ];
  }),
  {
    setting: `DaemonSet ${T}containers[].securityContext.capabilities.add[]`,
    guard: "pod-identity-components-hardened",
    weakenings: [
      set(`${T}containers[].securityContext.capabilities.add`, ["NET_ADMIN", "SYS_ADMIN"], "SYS_ADMIN added"),
    ],
  },
  {
    // Where NMI does not run, its iptables rules are gone and every pod on the node reaches IMDS.
    setting: `DaemonSet ${T}tolerations[].key`,
    guard: "pod-identity-components-hardened",
    weakenings: [
      set(
        `${T}tolerations`,
        [{ key: "CriticalAddonsOnly", operator: "Exists" }],
        "the team pools no longer tolerated",
      ),
    ],
  },
  {
    setting: `DaemonSet ${T}tolerations[].operator`,
    guard: "pod-identity-components-hardened",
    weakenings: [set(`${T}tolerations[].operator`, "Equal", "Equal (a key's other values untolerated)")],
  },
  {
    setting: `DaemonSet ${T}nodeSelector["kubernetes.io/os"]`,
    guard: "pod-identity-components-hardened",
    weakenings: [set(`${T}nodeSelector["kubernetes.io/os"]`, "windows")],
  },
  {
    setting: `DaemonSet ${T}containers[].volumeMounts[].readOnly`,
    guard: "pod-identity-components-hardened",
    weakenings: [
      set(`${T}containers[].volumeMounts[].readOnly`, false, "the kubelet configuration writable"),
    ],
  },
  ...functional(
    "Deployment",
    [`${T}tolerations[].key`, `${T}tolerations[].operator`, `${T}nodeSelector["kubernetes.io/os"]`],
    "where MIC runs: availability only (MIC down assigns nothing new: fails closed)",
  ),
  {
    setting: `DaemonSet ${T}hostNetwork`,
    guard: "pod-identity-components-hardened",
    weakenings: [
      set(`${T}hostNetwork`, false, "off (NMI's iptables rules no longer the node's)"),
      removed(`${T}hostNetwork`),
    ],
  },
  {
    setting: `DaemonSet ${T}volumes[].hostPath.path`,
    guard: "pod-identity-components-hardened",
    weakenings: [set(`${T}volumes[].hostPath.path`, "/etc/kubernetes", "the node's /etc/kubernetes")],
  },
  ...functional(
    "DaemonSet",
    [
      `${T}volumes[].hostPath.type`,
      `${T}volumes[].name`,
      `${T}volumes[].emptyDir.medium`,
      `${T}volumes[].emptyDir.sizeLimit`,
      `${T}containers[].volumeMounts[].mountPath`,
      `${T}containers[].volumeMounts[].name`,
      `${T}dnsPolicy`,
      "spec.updateStrategy.rollingUpdate.maxUnavailable",
      "spec.updateStrategy.type",
    ],
    "how NMI's volumes are mounted and rolled out (which host paths is guarded: `volumes[].hostPath.path`)",
  ),
  {
    setting: `Deployment ${T}containers[].securityContext.runAsNonRoot`,
    guard: "pod-identity-components-hardened",
    weakenings: [set(`${T}containers[].securityContext.runAsNonRoot`, false)],
  },
  {
    setting: `Deployment ${T}securityContext.runAsNonRoot`,
    notHardening: "the container's own runAsNonRoot (guarded) takes precedence",
  },
  ...functional(
    "Deployment",
    [
      `${T}containers[].securityContext.runAsGroup`,
      `${T}securityContext.seccompProfile.type`,
      `${T}nodeSelector["kubernetes.azure.com/mode"]`,
      "spec.replicas",
      `${T}affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[].podAffinityTerm.labelSelector.matchLabels["app.kubernetes.io/component"]`,
      `${T}affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[].podAffinityTerm.labelSelector.matchLabels["app.kubernetes.io/name"]`,
      `${T}affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[].podAffinityTerm.topologyKey`,
      `${T}affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[].weight`,
    ],
    "MIC's placement, replicas and group: availability (MIC down assigns nothing new: fails closed)",
  ),

  // --- service accounts and MIC's disruption budget
  ...functional(
    "ServiceAccount",
    [
      'metadata.labels["app.kubernetes.io/component"]',
      'metadata.labels["app.kubernetes.io/name"]',
      `metadata.labels["${TEAM}"]`,
      "automountServiceAccountToken",
    ],
    "labels and token mounting of an account; what it may do is its RBAC (guarded)",
  ),
  {
    setting: 'ServiceAccount metadata.annotations["azure.workload.identity/client-id"]',
    notHardening:
      "which identity a workload-identity pod asks for; Entra issues a token only if that identity has a federated credential for this account (guarded: azure-federated-credential-subject)",
  },
  ...functional(
    "PodDisruptionBudget",
    [
      'metadata.labels["app.kubernetes.io/component"]',
      'metadata.labels["app.kubernetes.io/name"]',
      "spec.minAvailable",
      'spec.selector.matchLabels["app.kubernetes.io/component"]',
      'spec.selector.matchLabels["app.kubernetes.io/name"]',
    ],
    "MIC's availability during node drains",
  ),

  // --- admission policies: the settings the pack can judge, and the logic it cannot
  {
    setting: "ValidatingAdmissionPolicy spec.failurePolicy",
    guard: "k8s-admission-policies-present",
    weakenings: [set("spec.failurePolicy", "Ignore", "Ignore (fails open)")],
  },
  // What a policy matches and checks: the pack rebuilds each policy from the settings it records
  // and refuses any difference (the CEL itself is proved by the CEL and attack suites).
  ...(
    [
      ["spec.matchConstraints.resourceRules[].apiGroups[]", ["example.com"], "another API group"],
      ["spec.matchConstraints.resourceRules[].apiVersions[]", ["v0"], "a version that does not exist"],
      ["spec.matchConstraints.resourceRules[].operations[]", ["DELETE"], "DELETE only"],
      ["spec.matchConstraints.resourceRules[].resources[]", ["configmaps"], "another resource"],
      ["spec.matchConstraints.namespaceSelector.matchExpressions[].key", "example.com/none", "another label"],
      ["spec.matchConstraints.namespaceSelector.matchExpressions[].operator", "DoesNotExist", "DoesNotExist"],
      [
        'spec.matchConstraints.namespaceSelector.matchLabels["kubernetes.io/metadata.name"]',
        "elsewhere",
        "another namespace",
      ],
      ["spec.validations[].expression", "true", "true (admits everything)"],
      ["spec.variables[].expression", "true", "true"],
      ["spec.variables[].name", "renamed", "renamed (every use fails)"],
    ] as const
  ).map(
    ([path, value, name]): GuardedProperty => ({
      setting: `ValidatingAdmissionPolicy ${path}`,
      guard: "k8s-admission-policies-present",
      weakenings: [set(path.replace(/\[\]$/, ""), value, name)],
    }),
  ),
  {
    setting: `ValidatingAdmissionPolicy metadata.annotations["${GUARDRAIL_SETTINGS_ANNOTATION}"]`,
    guard: "k8s-admission-policies-present",
    weakenings: [
      removed(`metadata.annotations["${GUARDRAIL_SETTINGS_ANNOTATION}"]`),
      set(`metadata.annotations["${GUARDRAIL_SETTINGS_ANNOTATION}"]`, "{}", "settings that are not complete"),
    ],
  },
  ...functional(
    "ValidatingAdmissionPolicy",
    [
      "spec.validations[].message",
      "spec.validations[].messageExpression",
      "spec.validations[].reason",
      `metadata.annotations["${THREATS}"]`,
      'metadata.annotations["aks-hardening.io/description"]',
    ],
    "the wording of a refusal and documentation for whoever reads the cluster",
  ),
];

export function isGuardedProperty(entry: PropertyEntry): entry is GuardedProperty {
  return "guard" in entry;
}
