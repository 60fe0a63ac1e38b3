/**
 * `pod-identity-deprecated` (advisory) on a world without aad-pod-identity, then an AzureIdentity
 * or NMI added back.
 */
import { byName, describePolicy, k8s, UNKNOWN } from "../harness";
import { nmi, world } from "./fixtures";

describePolicy({
  policy: "pod-identity-deprecated",
  fixture: () =>
    world().filter((r) => !r.type.includes("aadpodidentity") && !["mic", "nmi"].includes(r.name)),
  mutations: [
    {
      name: "an AzureIdentity",
      mutate: () => world(),
      expect: /AzureIdentity payments-api uses deprecated aad-pod-identity/,
    },
    {
      name: "an NMI DaemonSet",
      mutate: (rs) => [...rs, k8s("apps/v1", "DaemonSet", "nmi", nmi())],
      expect: /DaemonSet nmi runs deprecated/,
    },
  ],
  unknown: {
    name: "a workload's containers",
    mutate: (rs) => void (byName(rs, "api").spec.template.spec.containers = UNKNOWN),
  },
});
