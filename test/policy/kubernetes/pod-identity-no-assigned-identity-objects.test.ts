/**
 * `pod-identity-no-assigned-identity-objects` on the hardened world, then a declared
 * AzureAssignedIdentity.
 */
import { describePolicy, k8s, UNKNOWN } from "../harness";
import { world } from "./fixtures";

describePolicy({
  policy: "pod-identity-no-assigned-identity-objects",
  fixture: world,
  mutations: [
    {
      name: "a declared AzureAssignedIdentity",
      mutate: (rs) => [
        ...rs,
        k8s("aadpodidentity.k8s.io/v1", "AzureAssignedIdentity", "forged", {
          metadata: { namespace: "payments" },
        }),
      ],
      expect: /only MIC may create/,
    },
  ],
  unknown: {
    // The policy reads no field: the object's presence is the violation, whatever is unknown in it.
    name: "every field of a declared AzureAssignedIdentity",
    mutate: (rs) => [
      ...rs,
      k8s("aadpodidentity.k8s.io/v1", "AzureAssignedIdentity", "forged", {
        metadata: UNKNOWN,
        spec: UNKNOWN,
      }),
    ],
    stillReports: /only MIC may create/,
    deferred: false,
  },
});
