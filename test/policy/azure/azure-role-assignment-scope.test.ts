/**
 * `azure-role-assignment-scope` on a team's assignments, then each broad scope: subscription,
 * management group, tenant root.
 */
import { byName, describePolicy, UNKNOWN } from "../harness";
import { SUB, roleFixture } from "./fixtures";

describePolicy({
  policy: "azure-role-assignment-scope",
  fixture: roleFixture,
  mutations: [
    {
      name: "subscription scope",
      mutate: (rs) => void (byName(rs, "blob-reader").scope = SUB),
      expect: /subscription, management group/,
    },
    {
      name: "subscription scope with trailing slash",
      mutate: (rs) => void (byName(rs, "blob-reader").scope = `${SUB}/`),
      expect: /subscription/,
    },
    {
      name: "management group scope",
      mutate: (rs) =>
        void (byName(rs, "blob-reader").scope = "/providers/Microsoft.Management/managementGroups/corp"),
      expect: /management group/,
    },
    {
      name: "tenant root",
      mutate: (rs) => void (byName(rs, "blob-reader").scope = "/"),
      expect: /tenant root/,
    },
  ],
  unknown: {
    name: "one scope (an output), beside a subscription scope",
    mutate: (rs) => {
      byName(rs, "blob-reader").scope = UNKNOWN;
      byName(rs, "mic-operator").scope = SUB;
    },
    stillReports: /subscription/,
  },
});
