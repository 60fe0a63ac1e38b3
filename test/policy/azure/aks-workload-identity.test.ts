/** `aks-workload-identity` on the hardened cluster, then the OIDC issuer or workload identity off. */
import { describePolicy, UNKNOWN } from "../harness";
import { clusterFixture, cluster } from "./fixtures";

describePolicy({
  policy: "aks-workload-identity",
  fixture: clusterFixture,
  mutations: [
    {
      name: "OIDC issuer off",
      mutate: (rs) => void (cluster(rs).oidcIssuerProfile.enabled = false),
      expect: /oidcIssuerProfile/,
    },
    {
      name: "workload identity off",
      mutate: (rs) => void delete cluster(rs).securityProfile.workloadIdentity,
      expect: /workloadIdentity/,
    },
  ],
  unknown: { name: "oidcIssuerProfile", mutate: (rs) => void (cluster(rs).oidcIssuerProfile = UNKNOWN) },
});
