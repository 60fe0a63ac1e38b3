/**
 * `pod-identity-resource-in-team-group` on the hardened world, then identities that name another
 * team's managed identity (S3).
 */
import { byName, describePolicy, UNKNOWN } from "../harness";
import { PAYMENTS_RG, CATALOG_RG, IDS, world } from "../kubernetes/fixtures";

describePolicy({
  policy: "pod-identity-resource-in-team-group",
  fixture: world,
  mutations: [
    {
      name: "another team's managed identity (S3)",
      mutate: (rs) => void (byName(rs, "payments-api").spec.resourceID = `${CATALOG_RG}${IDS}catalog-reader`),
      expect: /outside the team's resource group \(it belongs to team catalog\)/,
    },
    {
      name: "a resource group prefix trick",
      mutate: (rs) => void (byName(rs, "payments-api").spec.resourceID = `${PAYMENTS_RG}-evil${IDS}x`),
      expect: /outside the team's resource group/,
    },
    {
      name: "an identity in a non-team namespace",
      mutate: (rs) => void (byName(rs, "payments-api").metadata.namespace = "aad-pod-identity"),
      expect: /not a team namespace/,
    },
    {
      name: "team namespace without its resource group annotation",
      mutate: (rs) => void delete byName(rs, "ns-payments").metadata.annotations,
      expect: /has no aks-hardening.io\/azure-resource-group-id annotation/,
    },
  ],
  unknown: {
    name: "the identity's resourceID (an output at preview)",
    mutate: (rs) => void (byName(rs, "payments-api").spec.resourceID = UNKNOWN),
  },
});
