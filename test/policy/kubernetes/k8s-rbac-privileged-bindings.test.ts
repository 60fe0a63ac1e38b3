/**
 * `k8s-rbac-privileged-bindings` on the hardened world, then cluster-admin for non-platform
 * subjects and grants to everyone.
 */
import { byName, describePolicy, UNKNOWN } from "../harness";
import { TEAM_GROUP, group, world, platform } from "./fixtures";

describePolicy({
  policy: "k8s-rbac-privileged-bindings",
  fixture: world,
  settings: platform,
  mutations: [
    {
      name: "cluster-admin to a team group",
      mutate: (rs) => void byName(rs, "platform-admins").subjects.push(group(TEAM_GROUP)),
      expect: /cluster-admin to non-platform subject Group 5754ec6f/,
    },
    {
      name: "cluster-admin to a team service account through a RoleBinding",
      mutate: (rs) => {
        const binding = byName(rs, "team-dev-binding");
        binding.roleRef = {
          apiGroup: "rbac.authorization.k8s.io",
          kind: "ClusterRole",
          name: "cluster-admin",
        };
        binding.subjects.push({ kind: "ServiceAccount", name: "api", namespace: "payments" });
      },
      expect: /non-platform subject ServiceAccount api \(payments\)/,
    },
    {
      name: "anything bound to system:authenticated",
      mutate: (rs) => void byName(rs, "team-dev-binding").subjects.push(group("system:authenticated")),
      expect: /stands for every caller/,
    },
    {
      name: "without the platform group configured",
      mutate: () => undefined,
      settings: {},
      expect: /non-platform subject Group 30ad0ca3/,
    },
  ],
  unknown: {
    name: "one subject, beside system:unauthenticated",
    mutate: (rs) =>
      void (byName(rs, "team-dev-binding").subjects = [UNKNOWN, group("system:unauthenticated")]),
    stillReports: /stands for every caller/,
  },
});
