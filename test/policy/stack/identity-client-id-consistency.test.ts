/**
 * `identity-client-id-consistency` on the hardened world with a workload-identity team beside it,
 * then client IDs shared across teams or managed identities, in either identity mode.
 */
import type { EvaluatedResource } from "../../../policy-pack/evaluate";
import { byName, describePolicy, k8s, UNKNOWN } from "../harness";
import { PAYMENTS_RG, CATALOG_RG, IDS, world } from "../kubernetes/fixtures";

/** The world plus a catalog ServiceAccount on workload identity, so both modes are present. */
function bothModes(): EvaluatedResource[] {
  return [
    ...world(),
    k8s("core/v1", "ServiceAccount", "catalog-api-sa", {
      metadata: {
        name: "catalog-api",
        namespace: "catalog",
        annotations: { "azure.workload.identity/client-id": "c2" },
      },
    }),
  ];
}

const catalogIdentity = (clientID: string) =>
  k8s("aadpodidentity.k8s.io/v1", "AzureIdentity", "catalog-api", {
    metadata: { name: "catalog-api", namespace: "catalog" },
    spec: { type: 0, resourceID: `${CATALOG_RG}${IDS}catalog-api`, clientID },
  });

describePolicy({
  policy: "identity-client-id-consistency",
  fixture: bothModes,
  mutations: [
    {
      name: "workload identity: a ServiceAccount annotated with another team's client ID",
      mutate: (rs) =>
        void (byName(rs, "catalog-api-sa").metadata.annotations["azure.workload.identity/client-id"] = "C1"),
      expect:
        /ServiceAccount catalog-api-sa: client ID c1 is also used by AzureIdentity payments-api in namespace payments \(team payments\)/,
    },
    {
      name: "pod identity: an AzureIdentity with another team's client ID (and its own team's resourceID)",
      mutate: (rs) => [...rs, catalogIdentity("c1")],
      expect:
        /AzureIdentity catalog-api: clientID c1 is given resourceID .*catalog-api here and .*payments-api by AzureIdentity payments-api/,
    },
    {
      name: "the same cross-team client ID, reported as a team boundary crossing",
      mutate: (rs) => [...rs, catalogIdentity("c1")],
      expect:
        /AzureIdentity catalog-api: client ID c1 is also used by AzureIdentity payments-api .*team catalog could obtain/,
    },
    {
      name: "one managed identity given two client IDs",
      mutate: (rs) => [
        ...rs,
        k8s("aadpodidentity.k8s.io/v1", "AzureIdentity", "payments-api-2", {
          metadata: { name: "payments-api-2", namespace: "payments" },
          spec: { type: 0, resourceID: `${PAYMENTS_RG}${IDS}payments-api`, clientID: "c3" },
        }),
      ],
      expect: /AzureIdentity payments-api-2: resourceID .*payments-api is given clientID c3 here and c1/,
    },
  ],
  unknown: {
    name: "an AzureIdentity's clientID (an output of the managed identity)",
    mutate: (rs) => {
      byName(rs, "payments-api").spec.clientID = UNKNOWN;
      byName(rs, "catalog-api-sa").metadata.annotations["azure.workload.identity/client-id"] = "c1";
    },
  },
});
