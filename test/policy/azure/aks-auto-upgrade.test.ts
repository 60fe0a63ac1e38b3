/**
 * `aks-auto-upgrade` on the hardened cluster, then no automatic control-plane upgrade, or node
 * images never patched.
 */
import { describePolicy, UNKNOWN } from "../harness";
import { clusterFixture, cluster } from "./fixtures";

describePolicy({
  policy: "aks-auto-upgrade",
  fixture: clusterFixture,
  mutations: [
    {
      name: "upgrade channel none",
      mutate: (rs) => void (cluster(rs).autoUpgradeProfile.upgradeChannel = "none"),
      expect: /upgradeChannel must be/,
    },
    {
      name: "no auto-upgrade profile",
      mutate: (rs) => void delete cluster(rs).autoUpgradeProfile,
      expect: /upgradeChannel must be/,
    },
    {
      name: "node OS channel None",
      mutate: (rs) => void (cluster(rs).autoUpgradeProfile.nodeOSUpgradeChannel = "None"),
      expect: /nodeOSUpgradeChannel/,
    },
  ],
  unknown: {
    name: "upgradeChannel",
    mutate: (rs) => void (cluster(rs).autoUpgradeProfile.upgradeChannel = UNKNOWN),
  },
});
