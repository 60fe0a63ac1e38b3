/**
 * `aks-azure-cni-network-policy` on the hardened cluster, then kubenet (explicit or by default), no
 * network policy engine, an engine the config does not allow.
 */
import { describePolicy, UNKNOWN } from "../harness";
import { clusterFixture, cluster } from "./fixtures";

describePolicy({
  policy: "aks-azure-cni-network-policy",
  fixture: clusterFixture,
  mutations: [
    {
      name: "kubenet",
      mutate: (rs) => void (cluster(rs).networkProfile.networkPlugin = "kubenet"),
      expect: /networkPlugin must be "azure"/,
    },
    {
      name: "plugin absent (kubenet)",
      mutate: (rs) => void delete cluster(rs).networkProfile.networkPlugin,
      expect: /networkPlugin/,
    },
    {
      name: "no network policy",
      mutate: (rs) => void (cluster(rs).networkProfile.networkPolicy = "none"),
      expect: /networkPolicy must be/,
    },
    {
      name: "engine outside the configured list",
      mutate: (rs) => void (cluster(rs).networkProfile.networkPolicy = "calico"),
      settings: { allowedNetworkPolicies: ["azure", "cilium"] },
      expect: /networkPolicy must be one of azure, cilium/,
    },
  ],
  unknown: {
    name: "networkPolicy, beside kubenet",
    mutate: (rs) => {
      cluster(rs).networkProfile.networkPolicy = UNKNOWN;
      cluster(rs).networkProfile.networkPlugin = "kubenet";
    },
    stillReports: /kubenet/,
  },
});
