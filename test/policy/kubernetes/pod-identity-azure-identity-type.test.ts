/**
 * `pod-identity-azure-identity-type` on the hardened world, then service-principal identities and
 * client passwords.
 */
import { byName, describePolicy, UNKNOWN } from "../harness";
import { world } from "./fixtures";

describePolicy({
  policy: "pod-identity-azure-identity-type",
  fixture: world,
  mutations: [
    {
      name: "service-principal type 1",
      mutate: (rs) => void (byName(rs, "payments-api").spec.type = 1),
      expect: /spec.type is 1/,
    },
    {
      name: "certificate type 2",
      mutate: (rs) => void (byName(rs, "payments-api").spec.type = 2),
      expect: /spec.type is 2/,
    },
    {
      name: "client password",
      mutate: (rs) =>
        void (byName(rs, "payments-api").spec.clientPassword = { name: "sp", namespace: "payments" }),
      expect: /clientPassword/,
    },
  ],
  unknown: {
    name: "spec.type, beside a client password",
    mutate: (rs) => {
      byName(rs, "payments-api").spec.type = UNKNOWN;
      byName(rs, "payments-api").spec.clientPassword = { name: "sp" };
    },
    stillReports: /clientPassword/,
  },
});
