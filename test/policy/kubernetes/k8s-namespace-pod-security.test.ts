/**
 * `k8s-namespace-pod-security` on the hardened world, then namespaces without Pod Security, at a
 * weaker level or an old version.
 */
import { byName, describePolicy, UNKNOWN } from "../harness";
import { world } from "./fixtures";

describePolicy({
  policy: "k8s-namespace-pod-security",
  fixture: world,
  mutations: [
    {
      name: "team namespace without PSA labels",
      mutate: (rs) =>
        void (byName(rs, "ns-payments").metadata.labels = { "aks-hardening.io/team": "payments" }),
      expect: /has no pod-security.kubernetes.io\/enforce label/,
    },
    {
      name: "team namespace at baseline",
      mutate: (rs) =>
        void (byName(rs, "ns-payments").metadata.labels["pod-security.kubernetes.io/enforce"] = "baseline"),
      expect: /enforces PSA "baseline"/,
    },
    {
      name: "a non-exempt namespace declared privileged",
      mutate: (rs) =>
        void (byName(rs, "ns-catalog").metadata.labels["pod-security.kubernetes.io/enforce"] = "privileged"),
      expect: /"catalog" enforces PSA "privileged"/,
    },
    {
      name: "a team namespace pinned to an old Pod Security version",
      mutate: (rs) =>
        void (byName(rs, "ns-payments").metadata.labels["pod-security.kubernetes.io/enforce-version"] =
          "v1.22"),
      expect: /"payments" pins Pod Security to v1.22, older than v1.30/,
    },
    {
      name: "identity namespace no longer exempt by config",
      mutate: () => undefined,
      settings: { exemptNamespaces: {} },
      expect: /"aad-pod-identity" enforces PSA "privileged"/,
    },
  ],
  unknown: {
    name: "a namespace's labels, beside a baseline namespace",
    mutate: (rs) => {
      byName(rs, "ns-payments").metadata.labels = UNKNOWN;
      byName(rs, "ns-catalog").metadata.labels["pod-security.kubernetes.io/enforce"] = "baseline";
    },
    stillReports: /"catalog" enforces PSA "baseline"/,
  },
});
