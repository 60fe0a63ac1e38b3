/**
 * `aks-pod-identity-addon-disabled` on the hardened cluster, then the deprecated add-on on, or its
 * kubenet override set.
 */
import { describePolicy, UNKNOWN } from "../harness";
import { clusterFixture, cluster } from "./fixtures";

describePolicy({
  policy: "aks-pod-identity-addon-disabled",
  fixture: clusterFixture,
  mutations: [
    {
      name: "add-on enabled",
      mutate: (rs) => void (cluster(rs).podIdentityProfile.enabled = true),
      expect: /podIdentityProfile.enabled/,
    },
    {
      name: "kubenet override",
      mutate: (rs) => void (cluster(rs).podIdentityProfile.allowNetworkPluginKubenet = true),
      expect: /allowNetworkPluginKubenet/,
    },
  ],
  unknown: {
    name: "podIdentityProfile.enabled, beside the kubenet override",
    mutate: (rs) =>
      void (cluster(rs).podIdentityProfile = { enabled: UNKNOWN, allowNetworkPluginKubenet: true }),
    stillReports: /allowNetworkPluginKubenet/,
  },
});
