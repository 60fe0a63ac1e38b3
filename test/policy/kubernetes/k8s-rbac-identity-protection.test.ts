/**
 * `k8s-rbac-identity-protection` on the hardened world, then a team reaching identity-object
 * writes, escalation, wildcards or the identity namespace through a binding, a built-in role or
 * aggregation.
 */
import { byName, describePolicy, UNKNOWN } from "../harness";
import { TEAM_GROUP, group, world, platform } from "./fixtures";

describePolicy({
  policy: "k8s-rbac-identity-protection",
  fixture: world,
  settings: platform,
  mutations: [
    {
      name: "team role writes identity objects",
      mutate: (rs) => void byName(rs, "team-dev-role").rules[2].verbs.push("create"),
      expect: /write on aadpodidentity.k8s.io/,
    },
    {
      name: "team role with escalation verbs",
      mutate: (rs) =>
        void byName(rs, "team-dev-role").rules.push({
          apiGroups: ["rbac.authorization.k8s.io"],
          resources: ["roles"],
          verbs: ["escalate", "bind"],
        }),
      expect: /escalation verbs escalate, bind/,
    },
    {
      name: "team role with wildcards",
      mutate: (rs) => void (byName(rs, "team-dev-role").rules[0].resources = ["*"]),
      expect: /wildcards/,
    },
    {
      name: "exec into the identity namespace",
      mutate: (rs) => {
        byName(rs, "team-dev-role").metadata.namespace = "aad-pod-identity";
        byName(rs, "team-dev-binding").metadata.namespace = "aad-pod-identity";
      },
      expect: /exec\/attach\/port-forward in the identity namespace/,
    },
    {
      name: "built-in edit bound in the identity namespace",
      mutate: (rs) => {
        const binding = byName(rs, "team-dev-binding");
        binding.metadata.namespace = "aad-pod-identity";
        binding.roleRef = { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "edit" };
      },
      expect: /read secrets in the identity namespace/,
    },
    {
      name: "MIC's role bound to a team group",
      mutate: (rs) => void byName(rs, "mic-binding").subjects.push(group(TEAM_GROUP)),
      expect: /ClusterRole aad-pod-identity-mic, which grants write on aadpodidentity/,
    },
    {
      name: "identity-object writes aggregated into edit",
      mutate: (rs) =>
        void (byName(rs, "mic-role").metadata = {
          name: "aad-pod-identity-mic",
          labels: { "rbac.authorization.k8s.io/aggregate-to-edit": "true" },
        }),
      expect: /aggregates into admin\/edit\/view/,
    },
  ],
  unknown: {
    name: "one rule's verbs, beside an escalation rule",
    mutate: (rs) => {
      byName(rs, "team-dev-role").rules[0].verbs = UNKNOWN;
      byName(rs, "team-dev-role").rules.push({
        apiGroups: [""],
        resources: ["users"],
        verbs: ["impersonate"],
      });
    },
    stillReports: /escalation verbs impersonate/,
  },
});
