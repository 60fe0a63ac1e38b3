/**
 * Azure CNI with a network policy engine: under kubenet a NET_RAW pod can ARP-spoof another pod and
 * take its token from NMI (S4), and without an engine every NetworkPolicy is ignored.
 */
import { PolicyConfigSchema, validateResourceOfType } from "@pulumi/policy";
import { ManagedCluster } from "@pulumi/azure-native/containerservice/managedCluster";
import { configWithDefaults } from "../lib/config";
import { judged } from "../lib/judge";
import { PackResourcePolicy, cisTags } from "../lib/metadata";
import { isNot } from "./support/cluster";

const networkPolicyConfig: PolicyConfigSchema = {
  properties: {
    allowedNetworkPolicies: {
      type: "array",
      items: { type: "string", enum: ["azure", "calico", "cilium"] },
      minItems: 1,
      default: ["azure", "calico", "cilium"],
      description: "Network policy engines accepted for `networkProfile.networkPolicy`.",
    },
  },
};

export const aksAzureCniNetworkPolicy: PackResourcePolicy = {
  name: "aks-azure-cni-network-policy",
  description:
    "The cluster uses Azure CNI (kubenet lets a NET_RAW pod ARP-spoof another pod and take its token from NMI) and a network policy engine (NetworkPolicies are ignored without one).",
  severity: "critical",
  remediationSteps:
    'Set `networkProfile: { networkPlugin: "azure", networkPolicy: "azure" | "calico" | "cilium" }` (overlay mode is fine).',
  tags: cisTags(["5.4.4"]),
  configSchema: networkPolicyConfig,
  validateResource: validateResourceOfType(ManagedCluster, (cluster, args, report) =>
    judged(report, (j) => {
      const { allowedNetworkPolicies } = configWithDefaults<{ allowedNetworkPolicies: string[] }>(
        networkPolicyConfig,
        args,
      );
      j.check(
        () => isNot("azure")(cluster.networkProfile?.networkPlugin),
        () =>
          `networkProfile.networkPlugin must be "azure", got ${JSON.stringify(cluster.networkProfile?.networkPlugin)} (absent means kubenet).`,
      );
      j.check(
        () => !allowedNetworkPolicies.includes(cluster.networkProfile?.networkPolicy as string),
        () =>
          `networkProfile.networkPolicy must be one of ${allowedNetworkPolicies.join(", ")}, got ${JSON.stringify(cluster.networkProfile?.networkPolicy)}.`,
      );
    }),
  ),
};
