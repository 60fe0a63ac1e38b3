/**
 * `pod-identity-client-id-pairs` (issue 13) on the placement world, then client IDs paired with a
 * resource ID they do not belong to.
 */
import { byName, describePolicy, k8s, UNKNOWN } from "../harness";
import { RG, OWN_CLIENT, world } from "../kubernetes/placement-fixtures";

const OTHER_CLIENT = "99999999-2222-4333-8444-555555555555";

describePolicy({
  policy: "pod-identity-client-id-pairs",
  fixture: world,
  mutations: [
    {
      name: "own resourceID with another team's clientID",
      mutate: (rs) => void (byName(rs, "payments-api").spec.clientID = OTHER_CLIENT),
      expect: new RegExp(`clientID=resourceID ${OTHER_CLIENT}=.* is not approved for namespace payments`),
    },
    {
      name: "one clientID with two resourceIDs",
      mutate: (rs) => [
        ...rs,
        k8s("aadpodidentity.k8s.io/v1", "AzureIdentity", "payments-twin", {
          metadata: { name: "payments-twin", namespace: "elsewhere" },
          spec: {
            type: 0,
            resourceID: `${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/twin`,
            clientID: OWN_CLIENT,
          },
        }),
      ],
      expect: /clientID 1111.* is also AzureIdentity payments-api's, with another resourceID/,
    },
    {
      name: "the namespace approves no identity",
      mutate: (rs) =>
        void delete byName(rs, "ns-payments").metadata.annotations["aks-hardening.io/approved-identities"],
      expect: /is not approved for namespace payments/,
    },
  ],
  unknown: {
    name: "the identity's clientID",
    mutate: (rs) => void (byName(rs, "payments-api").spec.clientID = UNKNOWN),
  },
});
