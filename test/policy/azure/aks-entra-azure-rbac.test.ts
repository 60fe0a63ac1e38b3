/**
 * `aks-entra-azure-rbac` on the hardened cluster, then Entra ID or Azure RBAC off, and the legacy
 * AAD integration's secret.
 */
import { describePolicy, UNKNOWN } from "../harness";
import { clusterFixture, cluster } from "./fixtures";

describePolicy({
  policy: "aks-entra-azure-rbac",
  fixture: clusterFixture,
  mutations: [
    {
      name: "AAD not managed",
      mutate: (rs) => void (cluster(rs).aadProfile.managed = false),
      expect: /aadProfile.managed/,
    },
    {
      name: "Azure RBAC off",
      mutate: (rs) => void (cluster(rs).aadProfile.enableAzureRBAC = false),
      expect: /enableAzureRBAC/,
    },
    {
      name: "no aadProfile",
      mutate: (rs) => void delete cluster(rs).aadProfile,
      expect: /aadProfile.managed/,
    },
    {
      name: "legacy server app secret",
      mutate: (rs) => void (cluster(rs).aadProfile.serverAppSecret = "x"),
      expect: /serverAppSecret/,
    },
  ],
  unknown: {
    name: "aadProfile.managed, beside Azure RBAC off",
    mutate: (rs) => {
      cluster(rs).aadProfile.managed = UNKNOWN;
      cluster(rs).aadProfile.enableAzureRBAC = false;
    },
    stillReports: /enableAzureRBAC/,
  },
});
