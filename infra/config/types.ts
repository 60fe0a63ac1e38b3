/**
 * The blueprint's API: the one typed object that stack configuration is validated into.
 *
 * Everything downstream (components, outputs, the team contract) reads this shape and never
 * `pulumi.Config`. Raw YAML is turned into it by `validate.ts`, which reports every problem at once,
 * each naming the config key and the offending value, before any resource is registered.
 */

import type { IdentityMode, PodIdentityInstallMode } from "../../conventions/modes";
import type {
  ClusterTier,
  NodeOsUpgradeChannel,
  NodePoolConfig,
  UpgradeChannel,
} from "../../components/azure/cluster";

export type { IdentityMode, PodIdentityInstallMode };
export type { ClusterTier, NodeOsUpgradeChannel, NodePoolConfig, UpgradeChannel };

/** `create`: the blueprint provisions AKS. `existing`: harden a cluster the user already runs. */
export type ClusterMode = "create" | "existing";

/** One Azure role the identity needs, on the team's own resource group (never wider). */
export interface RoleGrant {
  /** A built-in role name from the catalogue in `roles.ts` (e.g. `Storage Blob Data Reader`). */
  role: string;
}

/** A workload identity (one user-assigned managed identity) that a team's pods may use. */
export interface TeamIdentityConfig {
  /** DNS-1123 label, unique within the team. Names the managed identity and the selector. */
  name: string;
  /** The team namespace its pods run in (must be one of the team's namespaces). */
  namespace: string;
  /**
   * Built-in role names (`roles.ts`) granted on the team's resource group only. Roles that can grant
   * roles or hand identities away (Owner, Contributor, User Access Administrator...) are refused.
   * Default `[]`.
   */
  roles: string[];
  /**
   * The ServiceAccount the platform creates for the identity's pods, in both modes (workload
   * identity: annotated with the client ID and bound to the federated credential). One identity per
   * ServiceAccount. Default: the identity name.
   */
  serviceAccount: string;
  /**
   * `existing` cluster mode only (required there, refused in create mode): the identity already
   * exists; its client ID and full resource ID, which lies in the team's `resourceGroupId`.
   */
  existing?: { clientId: string; resourceId: string };
}

/** One application team sharing the cluster. */
export interface TeamConfig {
  /** DNS-1123 label; names the resource group `rg-<cluster>-<team>` and labels its namespaces. */
  name: string;
  /** Entra ID group object IDs (GUIDs) of the team's developers. Required. */
  developerGroupIds: string[];
  /** Namespaces the team owns; DNS-1123, not reserved, owned by no other team. */
  namespaces: string[];
  /** How the team's pods get Azure tokens. Default `pod-identity` (migrate to `workload-identity`). */
  identityMode: IdentityMode;
  /** Managed identities the team's workloads use. Default `[]`. */
  identities: TeamIdentityConfig[];
  /**
   * `existing` mode only: the full ID of the team's Azure resource group, e.g.
   * `/subscriptions/<sub>/resourceGroups/<rg>`. In `create` mode the blueprint makes it.
   */
  resourceGroupId?: string;
  /**
   * Registries (host, optionally with a repository path, e.g. `myacr.azurecr.io/team-a`) the team's
   * workloads may pull from, published in its contract. Default `[]`: then every workload must name
   * its own list.
   */
  imageRegistries: string[];
  /**
   * The team's own user node pool (issue 15): tainted and labelled `aks-hardening.io/team-pool=<team>`,
   * so its pods run only there and no other team's pod does. Create mode: the pool the blueprint
   * creates (`NodePoolConfig`). Existing mode: `{ name }` of the pool the team already has (the
   * platform labels and taints it). Required for a pod-identity team when `podIdentity.isolateNodes`
   * is on; optional for any other team. Unset: the team runs on the shared `cluster.userPools`.
   */
  nodePool?: TeamNodePoolConfig;
}

/** A team's dedicated pool: created (create mode) or named (existing mode). */
export type TeamNodePoolConfig = NodePoolConfig | ExistingNodePoolConfig;

/** Existing mode: the name of a pool that already exists in the cluster. */
export interface ExistingNodePoolConfig {
  /** AKS pool name (lowercase alphanumeric, at most 12 characters). */
  name: string;
}

/** Whether a team's pool is one the blueprint creates (create mode) rather than one it names. */
export function isCreatedPool(pool: TeamNodePoolConfig): pool is NodePoolConfig {
  return "vmSize" in pool;
}

/** Cluster settings (used in `create` mode; `existing` mode reads only what it needs). */
export interface ClusterConfig {
  /** Short DNS-1123 name; prefixes every Azure resource. */
  name: string;
  /** Azure region, e.g. `westeurope`. Required in create mode; `""` when not given in existing mode. */
  location: string;
  /** Kubernetes `major.minor` or `major.minor.patch`; 1.30 or newer (ValidatingAdmissionPolicy GA). */
  kubernetesVersion: string;
  /** Control-plane tier. Default `Standard`; `Standard` or `Premium` in production. */
  tier: ClusterTier;
  /**
   * The system pool, tainted `CriticalAddonsOnly=true:NoSchedule`. Default `system`, 2-3 x
   * `Standard_D4ds_v5` in zones 1-3.
   */
  systemPool: NodePoolConfig;
  /** User pools where team workloads run, at least one. Default one pool `user`, 2-6 nodes. */
  userPools: NodePoolConfig[];
  /**
   * IPv4 CIDRs allowed to reach a public API server. Default `[]`, which is refused in create mode
   * unless `privateCluster`; `/0` is refused in production.
   */
  authorizedIpRanges: string[];
  /** API server reachable only from the VNet (private endpoint). Default false. */
  privateCluster: boolean;
  /**
   * Entra group object IDs of the platform administrators (cluster admin through Azure RBAC).
   * Required (non-empty) in create mode; default `[]` in existing mode.
   */
  adminGroupIds: string[];
  /** Microsoft Defender for Containers security profile. Default true; must be true in production. */
  defender: boolean;
  /** Azure Policy add-on. Default true. */
  azurePolicy: boolean;
  /** Control-plane auto-upgrade channel. Default `patch`. */
  upgradeChannel: UpgradeChannel;
  /** Node OS auto-upgrade channel. Default `NodeImage`. */
  nodeOsUpgradeChannel: NodeOsUpgradeChannel;
  /** Log Analytics retention in days (30..730). Default 90. */
  logRetentionDays: number;
}

/** aad-pod-identity settings. */
export interface PodIdentityConfig {
  /** The identity namespace; never `default`, `kube-*` or a team namespace. Default `aad-pod-identity`. */
  namespace: string;
  /**
   * Install mode. Default `standard` in create mode, `managed` in existing mode (the only mode
   * allowed there: MIC needs the cluster's Azure context, which only create mode has).
   */
  mode: PodIdentityInstallMode;
  /** Image tag, `v1.8.13` or newer (older releases have a token-validation bypass). Default `v1.8.17`. */
  version: string;
  /**
   * Every pod-identity team must have its own node pool (`teams[].nodePool`), so that no node
   * carries two teams' identities (anything reaching a node's IMDS reaches every identity assigned
   * to its scale set). Default true.
   */
  isolateNodes: boolean;
}

/** Where alerts go. */
export interface MonitoringConfig {
  /** E-mail receivers of the security action group. Default `[]`; at least one in production. */
  alertEmails: string[];
}

/** Who and what the in-cluster admission policies (ValidatingAdmissionPolicies) trust. */
export interface GuardrailsConfig {
  /**
   * Kubernetes user names treated as platform principals besides the platform groups and
   * `system:masters`, e.g. the CI principal that runs `pulumi up` when its token carries no
   * platform group. Never a service account (`system:serviceaccount:...`) or `system:anonymous`.
   * Default `[]`.
   */
  platformUsers: string[];
  /**
   * Namespaces that may be PSA `privileged` (or unlabelled); the identity namespace is always
   * added. Never `default`, a team namespace or an unknown `kube-*` name. Default
   * `DEFAULT_PRIVILEGED_NAMESPACES` of the Kubernetes layer (`kube-system`, `kube-public`,
   * `kube-node-lease`, `gatekeeper-system`).
   */
  privilegedNamespaces: string[];
}

/** `existing` cluster mode: what the blueprint needs about a cluster it did not create. */
export interface ExistingClusterConfig {
  /** Kubeconfig of a platform principal (kept secret: set it with `pulumi config set --secret`). */
  kubeconfig: string;
  /**
   * The kubeconfig published to teams in their contracts: endpoint and CA, users that log in
   * themselves (exec: kubelogin); one with an embedded credential is refused. Without it the stack
   * exports no `teamContracts`.
   */
  teamKubeconfig?: string;
}

/** The validated stack configuration. */
export interface BlueprintConfig {
  /** The environment's name (the stack), e.g. `dev`, `prod`. */
  environment: string;
  /**
   * Whether this environment is production (stricter validation: no `/0` range, Standard tier,
   * Defender, zone-redundant pools, an alert receiver). Default false; required for `prod*` stacks.
   */
  production: boolean;
  /** Default `create`. */
  clusterMode: ClusterMode;
  /** Required. */
  cluster: ClusterConfig;
  /** Default: namespace `aad-pod-identity`, mode `standard` (`managed` in existing mode), `v1.8.17`. */
  podIdentity: PodIdentityConfig;
  /** Default: no alert receivers. */
  monitoring: MonitoringConfig;
  /** Required, at least one. */
  teams: TeamConfig[];
  /** Present exactly when `clusterMode` is `existing`. */
  existing?: ExistingClusterConfig;
  /** Entra group object IDs of the platform team (Kubernetes administration rights). Default `[]`. */
  platformGroupIds: string[];
  /** Default: no platform users, the Kubernetes layer's privileged system namespaces. */
  guardrails: GuardrailsConfig;
}
