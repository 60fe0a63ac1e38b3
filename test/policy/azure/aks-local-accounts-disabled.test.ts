/**
 * `aks-local-accounts-disabled` on the hardened cluster, then local accounts enabled, explicitly or
 * by AKS's default.
 */
import { describePolicy, UNKNOWN } from "../harness";
import { clusterFixture, cluster } from "./fixtures";

describePolicy({
  policy: "aks-local-accounts-disabled",
  fixture: clusterFixture,
  mutations: [
    {
      name: "local accounts enabled",
      mutate: (rs) => void (cluster(rs).disableLocalAccounts = false),
      expect: /disableLocalAccounts/,
    },
    {
      name: "setting absent (AKS default: enabled)",
      mutate: (rs) => void delete cluster(rs).disableLocalAccounts,
      expect: /disableLocalAccounts/,
    },
  ],
  unknown: {
    name: "disableLocalAccounts",
    mutate: (rs) => void (cluster(rs).disableLocalAccounts = UNKNOWN),
  },
});
