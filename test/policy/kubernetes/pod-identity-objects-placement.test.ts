/**
 * `pod-identity-objects-placement` on the hardened world, then identity objects in shared
 * namespaces or without one.
 */
import { byName, describePolicy, UNKNOWN } from "../harness";
import { world } from "./fixtures";

describePolicy({
  policy: "pod-identity-objects-placement",
  fixture: world,
  mutations: [
    {
      name: "AzureIdentity in default",
      mutate: (rs) => void (byName(rs, "payments-api").metadata.namespace = "default"),
      expect: /shared namespace "default"/,
    },
    {
      name: "binding without namespace",
      mutate: (rs) => void delete byName(rs, "payments-api-binding").metadata.namespace,
      expect: /no metadata.namespace/,
    },
    {
      name: "exception in kube-system",
      mutate: (rs) => void (byName(rs, "mic-exception").metadata.namespace = "kube-system"),
      expect: /"kube-system"/,
    },
  ],
  unknown: {
    name: "one identity's namespace, beside a binding in default",
    mutate: (rs) => {
      byName(rs, "payments-api").metadata.namespace = UNKNOWN;
      byName(rs, "payments-api-binding").metadata.namespace = "default";
    },
    stillReports: /AzureIdentityBinding/,
  },
});
