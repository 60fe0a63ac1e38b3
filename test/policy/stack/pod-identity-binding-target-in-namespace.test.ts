/**
 * `pod-identity-binding-target-in-namespace` on the hardened world, then bindings to identities
 * declared elsewhere, or to none (S2).
 */
import { byName, describePolicy, UNKNOWN } from "../harness";
import { world } from "../kubernetes/fixtures";

describePolicy({
  policy: "pod-identity-binding-target-in-namespace",
  fixture: world,
  mutations: [
    {
      name: "binding to another namespace's identity (S2)",
      mutate: (rs) => void (byName(rs, "payments-api-binding").metadata.namespace = "catalog"),
      expect: /points at AzureIdentity payments-api of namespace\(s\) payments/,
    },
    {
      name: "binding to an identity this stack does not declare",
      mutate: (rs) => void (byName(rs, "payments-api-binding").spec.azureIdentity = "someone-elses"),
      expect: /which this stack does not declare/,
    },
    {
      name: "binding without azureIdentity",
      mutate: (rs) => void delete byName(rs, "payments-api-binding").spec.azureIdentity,
      expect: /names no spec.azureIdentity/,
    },
  ],
  unknown: {
    name: "the binding's target",
    mutate: (rs) => void (byName(rs, "payments-api-binding").spec.azureIdentity = UNKNOWN),
  },
});
