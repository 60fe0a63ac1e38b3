/**
 * `pod-identity-selectors-namespaced` on the hardened world, then selectors and pod labels that
 * another namespace could match (S1).
 */
import { byName, describePolicy, k8s, UNKNOWN } from "../harness";
import { world } from "../kubernetes/fixtures";

describePolicy({
  policy: "pod-identity-selectors-namespaced",
  fixture: world,
  mutations: [
    {
      name: "selector without namespace prefix",
      mutate: (rs) => void (byName(rs, "payments-api-binding").spec.selector = "payments-api"),
      expect: /does not start with "payments."/,
    },
    {
      name: "selector used in two namespaces",
      mutate: (rs) => [
        ...rs,
        k8s("aadpodidentity.k8s.io/v1", "AzureIdentityBinding", "catalog-steal", {
          metadata: { name: "steal", namespace: "catalog" },
          spec: { azureIdentity: "x", selector: "payments.payments-api" },
        }),
      ],
      expect: /used in namespaces catalog, payments/,
    },
    {
      name: "pod label of another namespace (S1)",
      mutate: (rs) => void (byName(rs, "api").metadata.namespace = "catalog"),
      expect: /pod label aadpodidbinding="payments.payments-api" does not start with "catalog."/,
    },
  ],
  unknown: {
    name: "one binding's selector, beside a foreign pod label",
    mutate: (rs) => {
      byName(rs, "payments-api-binding").spec.selector = UNKNOWN;
      byName(rs, "api").metadata.namespace = "catalog";
    },
    stillReports: /does not start with "catalog."/,
  },
});
