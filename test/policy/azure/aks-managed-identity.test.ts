/**
 * `aks-managed-identity` on the hardened cluster, then each way a cluster could run with a service
 * principal instead of a managed identity.
 */
import { describePolicy, UNKNOWN } from "../harness";
import { clusterFixture, cluster } from "./fixtures";

describePolicy({
  policy: "aks-managed-identity",
  fixture: clusterFixture,
  mutations: [
    {
      name: "no identity (service principal cluster)",
      mutate: (rs) => void delete cluster(rs).identity,
      expect: /identity.type must be/,
    },
    {
      name: "identity type None",
      mutate: (rs) => void (cluster(rs).identity.type = "None"),
      expect: /got "None"/,
    },
    {
      name: "service principal client ID",
      mutate: (rs) =>
        void (cluster(rs).servicePrincipalProfile = { clientId: "11111111-2222-3333-4444-555555555555" }),
      expect: /servicePrincipalProfile.clientId/,
    },
    {
      name: "service principal secret",
      mutate: (rs) => void (cluster(rs).servicePrincipalProfile = { clientId: "msi", secret: "s3cret" }),
      expect: /servicePrincipalProfile.secret/,
    },
  ],
  unknown: {
    name: "identity.type, beside a service-principal client ID",
    mutate: (rs) => {
      cluster(rs).identity.type = UNKNOWN;
      cluster(rs).servicePrincipalProfile = { clientId: "11111111-2222-3333-4444-555555555555" };
    },
    stillReports: /servicePrincipalProfile.clientId/,
  },
});
