/**
 * Arguments of `KubernetesHardening`, the component that applies every in-cluster control to one
 * cluster (created by the blueprint or existing). The Azure side hands in the identities it made.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { IdentityMode, PodIdentityInstallMode } from "../../conventions/modes";

/** One managed identity a team's pods may use, as the Azure layer created (or was given) it. */
export interface HardeningTeamIdentity {
  /** Identity name, unique within the team (DNS-1123 label). Required. */
  name: string;
  /** The team namespace whose pods use it; must be one of the team's namespaces. Required. */
  namespace: string;
  /**
   * The ServiceAccount the blueprint creates in `namespace` for the identity's pods, in both modes;
   * in workload-identity mode annotated with the client ID and named in the federated credential's
   * subject. Unique per namespace. Required (the config layer defaults it to the identity name).
   */
  serviceAccount: string;
  /** The managed identity's client ID. Required. */
  clientId: pulumi.Input<string>;
  /**
   * The managed identity's full Azure resource ID; must lie in the team's resource group (the
   * admission policy refuses anything else). Required.
   */
  resourceId: pulumi.Input<string>;
}

/** One team, as the Kubernetes layer needs it. */
export interface HardeningTeam {
  /** Team name (DNS-1123 label); set as label `aks-hardening.io/team` on its namespaces. Required. */
  name: string;
  /** Entra group object IDs whose members are the team's developers. Required, at least one. */
  developerGroupIds: string[];
  /** Namespaces the team owns (DNS-1123 labels, owned by no other team). Required, at least one. */
  namespaces: string[];
  /**
   * How the team's pods get Azure tokens: `pod-identity` (AzureIdentity + AzureIdentityBinding) or
   * `workload-identity` (annotated ServiceAccount). Switching is a config change. Required.
   */
  identityMode: IdentityMode;
  /**
   * Full ID of the team's Azure resource group (`/subscriptions/<sub>/resourceGroups/<rg>`),
   * recorded on the team's namespaces; identities outside it are refused for the team. Required.
   */
  resourceGroupId: pulumi.Input<string>;
  /** The team's managed identities. Default: none. */
  identities: HardeningTeamIdentity[];
  /**
   * The AKS name of the team's dedicated pool, labelled and tainted `aks-hardening.io/team-pool=<team>`
   * (issue 15). When set, the admission policy requires every pod of the team to select that pool,
   * and the contract tells `TeamWorkload` to. Default: none (the team shares the user pools; its
   * pods may still not tolerate another team's pool).
   */
  nodePool?: string;
}

/** Per-namespace ResourceQuota `spec.hard` and LimitRange container defaults for team namespaces. */
export interface TeamNamespaceLimits {
  /** ResourceQuota `spec.hard`. Default: requests 8 CPU/16Gi, limits 16 CPU/32Gi, 50 pods, 20 services... */
  quota?: Record<string, string>;
  /** LimitRange default container request. Default `{ cpu: "100m", memory: "128Mi" }`. */
  defaultRequest?: Record<string, string>;
  /** LimitRange default container limit. Default `{ cpu: "500m", memory: "512Mi" }`. */
  defaultLimit?: Record<string, string>;
}

export interface KubernetesHardeningArgs {
  /** Explicit Kubernetes provider for the target cluster (never the ambient kubeconfig). Required. */
  provider: k8s.Provider;
  /**
   * Entra group object IDs of the platform team: bound to `cluster-admin`, and the only groups the
   * admission policies accept for identity objects and namespace trust anchors. Required, >= 1.
   */
  platformGroupIds: string[];
  /** aad-pod-identity install settings. Required. */
  podIdentity: {
    /** The identity namespace; never `default`, `kube-*` or a team namespace. Config default `aad-pod-identity`. */
    namespace: string;
    /** `standard` (MIC + NMI) or `managed` (NMI only). Config default `standard`. */
    mode: PodIdentityInstallMode;
    /** Image tag of MIC and NMI, `v1.8.13` or newer. Config default `v1.8.17`. */
    version: string;
  };
  /**
   * Standard mode (required there): the kubelet identity. MIC authenticates to Azure with it (no
   * `azure.json`) and must never remove it from the nodes (`--immutable-user-msis`).
   */
  kubeletIdentity?: {
    /** Client ID: MIC's `USER_ASSIGNED_MSI_CLIENT_ID` and `--immutable-user-msis`. */
    clientId: pulumi.Input<string>;
    /** Full Azure resource ID of the kubelet identity. */
    resourceId: pulumi.Input<string>;
  };
  /** Standard mode (required there): subscription, node resource group and tenant MIC works in. */
  azure?: {
    /** Subscription of the node pools. */
    subscriptionId: pulumi.Input<string>;
    /** The node (`MC_`) resource group whose scale sets MIC assigns identities to. */
    nodeResourceGroup: pulumi.Input<string>;
    /** Entra tenant ID. */
    tenantId: pulumi.Input<string>;
  };
  /** The application teams. Required (may be empty). */
  teams: HardeningTeam[];
  /**
   * Kubernetes user names treated as platform principals by the admission policies besides the
   * platform groups and `system:masters`, e.g. the principal that runs `pulumi up` when it is not
   * a member of a platform group. Default: none.
   */
  platformUsers?: string[];
  /**
   * Namespaces that may be PSA `privileged` (or unlabelled); every other namespace must enforce
   * `baseline` or `restricted`, team namespaces `restricted`. The identity namespace is always
   * added. Default `["kube-system", "kube-public", "kube-node-lease", "gatekeeper-system"]`.
   */
  privilegedNamespaces?: string[];
  /** PSA version pinned in every `pod-security.kubernetes.io/*-version` label. Default `v1.33`. */
  podSecurityVersion?: string;
  /** ResourceQuota and LimitRange values for every team namespace. Default: see `TeamNamespaceLimits`. */
  teamNamespaceLimits?: TeamNamespaceLimits;
}
