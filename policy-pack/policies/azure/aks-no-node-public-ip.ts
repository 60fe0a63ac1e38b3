/**
 * No node has a public IP, whether its pool is declared inline on the cluster (`agentPoolProfiles`)
 * or as a separate `azure-native:containerservice:AgentPool` (how teams add pools): a node reachable
 * from the internet exposes the kubelet, NMI and a host whose IMDS hands out every identity assigned
 * to it.
 */
import { validateResourceOfType } from "@pulumi/policy";
import { AgentPool } from "@pulumi/azure-native/containerservice/agentPool";
import { ManagedCluster } from "@pulumi/azure-native/containerservice/managedCluster";
import { judged } from "../lib/judge";
import { PackResourcePolicy, cisTags } from "../lib/metadata";

export const aksNoNodePublicIp: PackResourcePolicy = {
  name: "aks-no-node-public-ip",
  description:
    "No node pool gives its nodes public IPs: a node reachable from the internet exposes kubelet, NMI and IMDS-bearing hosts.",
  severity: "high",
  remediationSteps:
    "Remove `enableNodePublicIP` or set it to false on every `agentPoolProfiles[]` entry and every AgentPool resource; reach nodes through the VNet.",
  tags: cisTags(["5.4.3"]),
  validateResource: [
    validateResourceOfType(ManagedCluster, (cluster, _args, report) =>
      judged(report, (j) => {
        for (const pool of j.items(() => cluster.agentPoolProfiles)) {
          j.check(
            () => pool.enableNodePublicIP === true,
            () => `agentPoolProfiles entry ${JSON.stringify(pool.name)} sets enableNodePublicIP: true.`,
          );
        }
      }),
    ),
    validateResourceOfType(AgentPool, (pool, _args, report) =>
      judged(report, (j) =>
        j.check(() => pool.enableNodePublicIP === true, "enableNodePublicIP must not be true."),
      ),
    ),
  ],
};
