/**
 * `aks-no-node-public-ip` on the hardened cluster, then public node IPs on an inline pool or on a
 * separate AgentPool.
 */
import { byName, describePolicy, resource, UNKNOWN } from "../harness";
import { clusterFixture, cluster } from "./fixtures";

describePolicy({
  policy: "aks-no-node-public-ip",
  fixture: () => [
    ...clusterFixture(),
    resource("azure-native:containerservice:AgentPool", "team-pool", {
      resourceGroupName: "rg-aks",
      resourceName: "aks",
      enableNodePublicIP: false,
    }),
  ],
  mutations: [
    {
      name: "inline pool with public IPs",
      mutate: (rs) => void (cluster(rs).agentPoolProfiles[0].enableNodePublicIP = true),
      expect: /"system" sets enableNodePublicIP/,
    },
    {
      name: "AgentPool resource with public IPs",
      mutate: (rs) => void (byName(rs, "team-pool").enableNodePublicIP = true),
      expect: /enableNodePublicIP must not be true/,
    },
  ],
  unknown: {
    name: "the first inline pool, beside a public second pool",
    mutate: (rs) =>
      void (cluster(rs).agentPoolProfiles = [UNKNOWN, { name: "user", enableNodePublicIP: true }]),
    stillReports: /"user" sets enableNodePublicIP/,
  },
});
