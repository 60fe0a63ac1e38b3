/** `k8s-rbac-role-least-privilege` on the hardened world, then wildcards and escalation verbs in a role. */
import { byName, describePolicy, UNKNOWN } from "../harness";
import { world } from "./fixtures";

describePolicy({
  policy: "k8s-rbac-role-least-privilege",
  fixture: world,
  mutations: [
    {
      name: "wildcard verbs",
      mutate: (rs) => void (byName(rs, "team-dev-role").rules[0].verbs = ["*"]),
      expect: /"\*" in verbs/,
    },
    {
      name: "wildcard resources",
      mutate: (rs) => void (byName(rs, "mic-role").rules[0].resources = ["*"]),
      expect: /"\*" in resources/,
    },
    {
      name: "wildcard apiGroups",
      mutate: (rs) => void (byName(rs, "team-dev-role").rules[0].apiGroups = ["*"]),
      expect: /"\*" in apiGroups/,
    },
    {
      name: "escalation verbs",
      mutate: (rs) =>
        void byName(rs, "team-dev-role").rules.push({
          apiGroups: [""],
          resources: ["users"],
          verbs: ["impersonate"],
        }),
      expect: /grants impersonate/,
    },
  ],
  unknown: {
    name: "one rule's verbs, beside a wildcard resource",
    mutate: (rs) => {
      byName(rs, "team-dev-role").rules[0].verbs = UNKNOWN;
      byName(rs, "team-dev-role").rules[1].resources = ["*"];
    },
    stillReports: /"\*" in resources/,
  },
});
