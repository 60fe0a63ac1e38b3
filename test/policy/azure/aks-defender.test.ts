/** `aks-defender` on the hardened cluster, then Defender's monitoring off, or no workspace for it. */
import { describePolicy, UNKNOWN } from "../harness";
import { clusterFixture, cluster } from "./fixtures";

describePolicy({
  policy: "aks-defender",
  fixture: clusterFixture,
  mutations: [
    {
      name: "security monitoring off",
      mutate: (rs) => void (cluster(rs).securityProfile.defender.securityMonitoring.enabled = false),
      expect: /securityMonitoring.enabled/,
    },
    {
      name: "no workspace",
      mutate: (rs) => void delete cluster(rs).securityProfile.defender.logAnalyticsWorkspaceResourceId,
      expect: /logAnalyticsWorkspaceResourceId/,
    },
  ],
  unknown: {
    name: "the workspace ID (an output), beside monitoring off",
    mutate: (rs) => {
      cluster(rs).securityProfile.defender.logAnalyticsWorkspaceResourceId = UNKNOWN;
      cluster(rs).securityProfile.defender.securityMonitoring.enabled = false;
    },
    stillReports: /securityMonitoring.enabled/,
  },
});
