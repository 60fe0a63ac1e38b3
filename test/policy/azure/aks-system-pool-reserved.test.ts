/**
 * `aks-system-pool-reserved` on the hardened cluster, then a System pool without the platform
 * taint, inline or separate, or no System pool at all.
 */
import { byName, describePolicy, resource, UNKNOWN } from "../harness";
import { clusterFixture, cluster } from "./fixtures";

describePolicy({
  policy: "aks-system-pool-reserved",
  fixture: () => [
    ...clusterFixture(),
    resource("azure-native:containerservice:AgentPool", "extra-system", {
      resourceGroupName: "rg-aks",
      resourceName: "aks",
      mode: "System",
      nodeTaints: ["CriticalAddonsOnly=true:NoExecute"],
    }),
  ],
  mutations: [
    {
      name: "inline System pool without the taint",
      mutate: (rs) => void (cluster(rs).agentPoolProfiles[0].nodeTaints = []),
      expect: /"system" is a System pool without the taint CriticalAddonsOnly/,
    },
    {
      name: "a taint that only prefers",
      mutate: (rs) =>
        void (cluster(rs).agentPoolProfiles[0].nodeTaints = ["CriticalAddonsOnly=true:PreferNoSchedule"]),
      expect: /is a System pool without the taint/,
    },
    {
      name: "no System pool declared inline",
      mutate: (rs) => void (cluster(rs).agentPoolProfiles[0].mode = "User"),
      expect: /declares no pool with mode System/,
    },
    {
      name: "an AgentPool resource in System mode without the taint",
      mutate: (rs) => void delete byName(rs, "extra-system").nodeTaints,
      expect: /a System pool must carry the taint/,
    },
  ],
  unknown: {
    name: "the inline pool's taints",
    mutate: (rs) => void (cluster(rs).agentPoolProfiles[0].nodeTaints = UNKNOWN),
  },
});
