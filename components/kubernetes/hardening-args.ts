/**
 * Arguments of `KubernetesHardening`, the component that applies every in-cluster control to one
 * cluster (created by the blueprint or existing). The Azure side hands in the identities it made.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { IdentityMode, PodIdentityInstallMode } from "../../infra/config/types";

/** One managed identity a team's pods may use, as the Azure layer created (or was given) it. */
export interface HardeningTeamIdentity {
  /** Identity name, unique within the team (DNS-1123). */
  name: string;
  /** The team namespace whose pods use it. */
  namespace: string;
  /** Workload-identity mode: the ServiceAccount bound to the federated credential. */
  serviceAccount: string;
  /** The managed identity's client ID. */
  clientId: pulumi.Input<string>;
  /** The managed identity's full Azure resource ID. */
  resourceId: pulumi.Input<string>;
}

/** One team, as the Kubernetes layer needs it. */
export interface HardeningTeam {
  name: string;
  /** Entra group object IDs whose members are the team's developers. */
  developerGroupIds: string[];
  namespaces: string[];
  identityMode: IdentityMode;
  /** Full ID of the team's Azure resource group; identities outside it are refused for the team. */
  resourceGroupId: pulumi.Input<string>;
  identities: HardeningTeamIdentity[];
}

export interface KubernetesHardeningArgs {
  /** Explicit Kubernetes provider for the target cluster (never the ambient kubeconfig). */
  provider: k8s.Provider;
  /** Entra group object IDs of the platform team (administration rights, identity objects). */
  platformGroupIds: string[];
  /** aad-pod-identity install settings. */
  podIdentity: {
    namespace: string;
    mode: PodIdentityInstallMode;
    version: string;
  };
  /**
   * Standard mode: the kubelet identity, which MIC must never remove from the nodes
   * (`--immutable-user-msis`) and which MIC uses to assign identities.
   */
  kubeletIdentity?: { clientId: pulumi.Input<string>; resourceId: pulumi.Input<string> };
  /** Azure subscription and node resource group MIC works in (standard mode). */
  azure?: {
    subscriptionId: pulumi.Input<string>;
    nodeResourceGroup: pulumi.Input<string>;
    tenantId: pulumi.Input<string>;
  };
  teams: HardeningTeam[];
}
