/**
 * The names, labels and annotations that the in-cluster layer, its admission policies, the policy
 * pack and the tests all agree on (see the cross-team conventions). One place, so a rename cannot
 * leave a CEL expression checking a key that nothing sets any more.
 */

/** The namespace the aad-pod-identity install lives in unless the stack names another. */
export const DEFAULT_IDENTITY_NAMESPACE = "aad-pod-identity";

/** API group of the aad-pod-identity custom resources. */
export const AAD_POD_IDENTITY_GROUP = "aadpodidentity.k8s.io";

/** The plural resource names of the four kinds (what RBAC rules and admission policies match). */
export const POD_IDENTITY_RESOURCES = {
  azureIdentities: "azureidentities",
  azureIdentityBindings: "azureidentitybindings",
  azureAssignedIdentities: "azureassignedidentities",
  azurePodIdentityExceptions: "azurepodidentityexceptions",
} as const;

/** The pod label NMI and MIC match against `AzureIdentityBinding.spec.selector`. */
export const POD_IDENTITY_LABEL = "aadpodidbinding";

/** Registry path of the aad-pod-identity images (moved to MCR `oss/azure` with the 1.8 line). */
export const POD_IDENTITY_IMAGE_REPOSITORY = "mcr.microsoft.com/oss/azure/aad-pod-identity";

/** Name of the MIC Deployment. NMI treats pods of a `mic-*` ReplicaSet in `--MICNamespace` as MIC. */
export const MIC_NAME = "mic";

/** Where NMI reads the kubelet flags to detect kubenet (it then refuses to start): one of its two hostPaths. */
export const KUBELET_CONFIG_PATH = "/etc/default/kubelet";

/** iptables' lock file, shared with kube-proxy on the node: NMI's other hostPath. */
export const XTABLES_LOCK_PATH = "/run/xtables.lock";

/** The capabilities NMI needs (iptables rules, conntrack, the kubelet config); every other is dropped. */
export const NMI_CAPABILITIES: readonly string[] = ["DAC_READ_SEARCH", "NET_ADMIN", "NET_RAW"];

/** A node taint as AKS writes it, `key[=value]:effect`; undefined when it is not one. */
export function parseTaint(taint: unknown): { key: string; value?: string; effect: string } | undefined {
  const match = typeof taint === "string" ? /^([^=:]+)(?:=([^:]*))?:(\w+)$/.exec(taint) : null;
  return match ? { key: match[1], value: match[2], effect: match[3] } : undefined;
}

/** Name of the NMI DaemonSet. */
export const NMI_NAME = "nmi";

/** Label on every team namespace naming the owning team (a trust anchor: platform writes only). */
export const TEAM_LABEL = "aks-hardening.io/team";

/**
 * Annotation on every team namespace holding the full ID of the team's Azure resource group
 * (a trust anchor: the AzureIdentity admission policy reads it).
 */
export const RESOURCE_GROUP_ANNOTATION = "aks-hardening.io/azure-resource-group-id";

/** Annotation on each admission policy: the threat scenarios it answers (from the threat registry). */
export const THREATS_ANNOTATION = "aks-hardening.io/threats";

/** Annotation on each admission policy: the settings it was built from (`recordGuardrailSettings`). */
export const GUARDRAIL_SETTINGS_ANNOTATION = "aks-hardening.io/guardrail-settings";

/** Prefix of the Pod Security Admission namespace labels. */
export const PSA_LABEL_PREFIX = "pod-security.kubernetes.io/";

/** The three PSA modes; every namespace carries all three plus their pinned versions. */
export const PSA_MODES = ["enforce", "audit", "warn"] as const;

/** PSA levels, from most to least permissive. */
export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

/** Workload identity: the ServiceAccount annotation carrying the managed identity's client ID. */
export const WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION = "azure.workload.identity/client-id";

/** Workload identity: the pod label that opts a pod into the webhook's token injection. */
export const WORKLOAD_IDENTITY_USE_LABEL = "azure.workload.identity/use";

/** Prefix of every admission policy and binding the blueprint creates. */
export const ADMISSION_POLICY_PREFIX = "aks-hardening-";

/** The label `kubernetes.io/metadata.name` that the API server sets on every namespace. */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/** Suffix an AzureIdentity `resourceID` must carry after its resource group ID (case-insensitive). */
export const USER_ASSIGNED_IDENTITY_PATH = "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/";

/**
 * The pod-identity selector of one identity: `<namespace>.<identity>`. Namespaces are DNS-1123
 * labels (no dots), so the part before the first dot names the owning namespace and the value is
 * unique across the cluster; the admission policy checks exactly that prefix.
 */
export function podIdentitySelector(namespace: string, identity: string): string {
  return `${namespace}.${identity}`;
}

/** The full image reference of an aad-pod-identity component at a version tag. */
export function podIdentityImage(component: typeof MIC_NAME | typeof NMI_NAME, version: string): string {
  return `${POD_IDENTITY_IMAGE_REPOSITORY}/${component}:${version}`;
}

/** The six PSA labels (`enforce`/`audit`/`warn` and their `-version`) for one level and version. */
export function podSecurityLabels(level: PodSecurityLevel, version: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const mode of PSA_MODES) {
    labels[`${PSA_LABEL_PREFIX}${mode}`] = level;
    labels[`${PSA_LABEL_PREFIX}${mode}-version`] = version;
  }
  return labels;
}

/** Every PSA label key (`pod-security.kubernetes.io/enforce`, `...-version`, ...). */
export const PSA_LABEL_KEYS: readonly string[] = Object.keys(podSecurityLabels("restricted", "latest"));

/**
 * Annotation of a team namespace listing the managed identities its AzureIdentities may name, as
 * `<clientID>=<resourceID>` pairs separated by commas (a trust anchor: platform writes only). NMI
 * asks IMDS for a token by client ID, so the resource ID alone does not say whose token a pod gets.
 */
export const APPROVED_IDENTITIES_ANNOTATION = "aks-hardening.io/approved-identities";

/** The annotation value for a namespace's identities (order kept; empty when there are none). */
export function approvedIdentitiesValue(pairs: readonly { clientId: string; resourceId: string }[]): string {
  return pairs.map((p) => `${p.clientId}=${p.resourceId}`).join(",");
}

/**
 * The built-in priority classes (values above any user-definable class, 1e9). A pod holding one
 * preempts every ordinary pod on its node, NMI included, so only the platform may use them.
 */
export const SYSTEM_PRIORITY_CLASSES = ["system-node-critical", "system-cluster-critical"] as const;

/** NMI's priority class: as a node agent it must never be preempted by a pod on its node. */
export const NMI_PRIORITY_CLASS = "system-node-critical";

/** MIC's priority class: a cluster-wide controller (evictable only by node agents). */
export const MIC_PRIORITY_CLASS = "system-cluster-critical";

/**
 * Taint keys of node pools reserved to the platform: a team pod may not tolerate them. AKS taints
 * a system pool with `onlyCriticalAddonsEnabled` `CriticalAddonsOnly=true:NoSchedule`.
 */
export const PLATFORM_POOL_TAINT_KEYS: readonly string[] = ["CriticalAddonsOnly"];

/** The user name kube-scheduler authenticates as (bound to the built-in `system:kube-scheduler` role). */
export const SCHEDULER_USER = "system:kube-scheduler";

/**
 * Node label and taint key of a team's dedicated node pool (issue 15), both with the team's name as
 * value. One key for both, so a pool's label and taint can be compared at a glance and a toleration
 * is "of another team" exactly when its value is not the pod's team. The value is the team, not the
 * AKS pool name: the admission policy compares it with the namespace's team label (a trust anchor)
 * and needs no table of pool names.
 */
export const TEAM_POOL_KEY = "aks-hardening.io/team-pool";

/** The taint effect of a team pool: new pods without the toleration are not scheduled there. */
export const TEAM_POOL_TAINT_EFFECT = "NoSchedule";

/** The taint of `team`'s dedicated pool. */
export function teamPoolTaint(team: string): { key: string; value: string; effect: string } {
  return { key: TEAM_POOL_KEY, value: team, effect: TEAM_POOL_TAINT_EFFECT };
}

/** The taint as AKS `nodeTaints` spells it: `key=value:Effect`. */
export function teamPoolTaintString(team: string): string {
  return `${TEAM_POOL_KEY}=${team}:${TEAM_POOL_TAINT_EFFECT}`;
}

/** The node labels of `team`'s dedicated pool. */
export function teamPoolLabels(team: string): Record<string, string> {
  return { [TEAM_POOL_KEY]: team };
}

/** What a pod of `team` needs to run on its dedicated pool (and nowhere else). */
export function teamPoolPlacement(team: string): {
  nodeSelector: Record<string, string>;
  tolerations: { key: string; operator: "Equal"; value: string; effect: string }[];
} {
  return {
    nodeSelector: teamPoolLabels(team),
    tolerations: [{ key: TEAM_POOL_KEY, operator: "Equal", value: team, effect: TEAM_POOL_TAINT_EFFECT }],
  };
}

/** AKS labels every node of a System-mode pool `kubernetes.azure.com/mode: system`. */
export const AKS_POOL_MODE_LABEL = "kubernetes.azure.com/mode";

/** User name of unauthenticated requests: never a platform principal. */
export const ANONYMOUS_USER = "system:anonymous";
/** Service accounts run as `system:serviceaccount:<ns>:<name>`; they are never platform principals. */
export const SERVICE_ACCOUNT_USER_PREFIX = "system:serviceaccount:";

/**
 * Why `user` may not be a platform user (the admission policies let platform users write identity
 * objects and team namespaces), or undefined when it may. One rule for the stack config, the
 * component and the pack.
 */
export function platformUserProblem(user: unknown): string | undefined {
  if (typeof user !== "string" || user.trim() === "") return "must be a non-empty user name";
  if (user.startsWith(SERVICE_ACCOUNT_USER_PREFIX))
    return "is a service account: any pod running as it would pass the guardrails as the platform";
  if (user === ANONYMOUS_USER)
    return "is every unauthenticated caller: it must never be a platform principal";
  return undefined;
}
