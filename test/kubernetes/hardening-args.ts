/** `KubernetesHardeningArgs` fixtures for the mock runs: two pod-identity teams and one on workload identity. */
import * as k8s from "@pulumi/kubernetes";
import type { KubernetesHardeningArgs } from "../../components/kubernetes/hardening-args";
import {
  DEPLOYER_USER,
  IDENTITY_NS,
  PLATFORM_GROUP,
  RG_A,
  RG_B,
  SUBSCRIPTION,
  TEAM_A_GROUP,
  TEAM_B_GROUP,
  VERSION,
  uami,
} from "./fixtures";

export const TEAM_C_GROUP = "cccccccc-cccc-4ccc-8ccc-cccccccccccc";
export const RG_C = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-aks-team-c`;
export const KUBELET_CLIENT_ID = "99999999-9999-4999-8999-999999999999";

/** Arguments with an explicit provider, created inside the mock run. */
export function hardeningArgs(mode: "standard" | "managed"): KubernetesHardeningArgs {
  const provider = new k8s.Provider("cluster", { kubeconfig: "apiVersion: v1\nkind: Config\n" });
  return {
    provider,
    platformGroupIds: [PLATFORM_GROUP],
    // The principal running `pulumi up` is a user, not a platform-group member (see the README).
    platformUsers: [DEPLOYER_USER.username],
    podIdentity: { namespace: IDENTITY_NS, mode, version: VERSION },
    kubeletIdentity: {
      clientId: KUBELET_CLIENT_ID,
      resourceId: uami(`/subscriptions/${SUBSCRIPTION}/resourceGroups/mc-rg`, "kubelet"),
    },
    azure: { subscriptionId: SUBSCRIPTION, nodeResourceGroup: "mc-rg", tenantId: "tenant-guid" },
    teams: [
      {
        name: "team-a",
        developerGroupIds: [TEAM_A_GROUP],
        namespaces: ["team-a", "team-a-jobs"],
        identityMode: "pod-identity",
        resourceGroupId: RG_A,
        identities: [
          {
            name: "web",
            namespace: "team-a",
            serviceAccount: "web",
            clientId: "client-a-web",
            resourceId: uami(RG_A, "id-web"),
          },
          {
            name: "batch",
            namespace: "team-a-jobs",
            serviceAccount: "batch",
            clientId: "client-a-batch",
            resourceId: uami(RG_A, "id-batch"),
          },
        ],
      },
      {
        name: "team-b",
        developerGroupIds: [TEAM_B_GROUP],
        namespaces: ["team-b"],
        identityMode: "pod-identity",
        resourceGroupId: RG_B,
        // Same identity name as team-a's: the selectors still differ by namespace.
        identities: [
          {
            name: "web",
            namespace: "team-b",
            serviceAccount: "web",
            clientId: "client-b-web",
            resourceId: uami(RG_B, "id-web"),
          },
        ],
      },
      {
        name: "team-c",
        developerGroupIds: [TEAM_C_GROUP],
        namespaces: ["team-c"],
        identityMode: "workload-identity",
        resourceGroupId: RG_C,
        identities: [
          {
            name: "api",
            namespace: "team-c",
            serviceAccount: "api-sa",
            clientId: "client-c-api",
            resourceId: uami(RG_C, "id-api"),
          },
        ],
      },
    ],
  };
}
