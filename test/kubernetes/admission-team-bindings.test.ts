/**
 * Decision table of `aks-hardening-team-rolebinding-subjects`: grants inside a team's namespaces
 * name only that team (issue: a RoleBinding in team A's namespace giving team B's group `edit`
 * hands team B team A's workload identity).
 */
import { teamRoleBindingSubjectsPolicy } from "../../conventions/admission";
import type { GuardrailSettings } from "../../conventions/admission";
import { runDecisionTable } from "./decision-table";
import {
  PLATFORM_GROUP,
  PLATFORM_USER,
  RG_A,
  ROLE_BINDINGS,
  SETTINGS,
  TEAM_A_GROUP,
  TEAM_A_USER,
  TEAM_B_GROUP,
  namespacedRequest,
  teamNamespace,
} from "./fixtures";

/** The fixture settings with the two teams' groups and namespaces. */
export const TEAM_SETTINGS: GuardrailSettings = {
  ...SETTINGS,
  teams: [
    { name: "team-a", groupIds: [TEAM_A_GROUP], namespaces: ["team-a", "team-a-jobs"] },
    { name: "team-b", groupIds: [TEAM_B_GROUP], namespaces: ["team-b"] },
  ],
};

type Subject = { kind: string; name: string; namespace?: string };
const binding = (ns: string, role: string, subjects: Subject[]) => ({
  apiVersion: "rbac.authorization.k8s.io/v1",
  kind: "RoleBinding",
  metadata: { name: "grant", namespace: ns },
  roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
  subjects: subjects.map((s) =>
    s.kind === "ServiceAccount" ? s : { apiGroup: "rbac.authorization.k8s.io", ...s },
  ),
});
const inTeamA = (subjects: Subject[], role = "edit", ns = "team-a") =>
  namespacedRequest(ROLE_BINDINGS, ns, binding(ns, role, subjects), PLATFORM_USER, "CREATE", {
    ...(ns === "team-a-jobs" ? { namespaceObject: teamNamespace("team-a-jobs", "team-a", RG_A) } : {}),
  });

describe("aks-hardening-team-rolebinding-subjects", () => {
  runDecisionTable(teamRoleBindingSubjectsPolicy(TEAM_SETTINGS), [
    {
      name: "the team's own developer group",
      request: inTeamA([{ kind: "Group", name: TEAM_A_GROUP }]),
      expect: "allow",
    },
    {
      name: "the platform group, a platform user and the team's service accounts (SA, SA user, SA group)",
      request: inTeamA([
        { kind: "Group", name: PLATFORM_GROUP },
        { kind: "User", name: "deployer@example.com" },
        { kind: "ServiceAccount", name: "ci" },
        { kind: "ServiceAccount", name: "batch", namespace: "team-a-jobs" },
        { kind: "User", name: "system:serviceaccount:team-a-jobs:runner" },
        { kind: "Group", name: "system:serviceaccounts:team-a" },
      ]),
      expect: "allow",
    },
    {
      name: "a binding in the team's second namespace to its own group",
      request: inTeamA([{ kind: "Group", name: TEAM_A_GROUP }], "view", "team-a-jobs"),
      expect: "allow",
    },
    {
      name: "another team's group given edit",
      request: inTeamA([{ kind: "Group", name: TEAM_B_GROUP }]),
      expect: "deny",
      messageIncludes: [
        `RoleBinding grant in team-a (team team-a) names subjects outside the team: Group:${TEAM_B_GROUP}`,
      ],
    },
    {
      name: "another team's group hidden beside the team's own",
      request: inTeamA(
        [
          { kind: "Group", name: TEAM_A_GROUP },
          { kind: "Group", name: TEAM_B_GROUP },
        ],
        "admin",
      ),
      expect: "deny",
      messageIncludes: [`Group:${TEAM_B_GROUP}`],
    },
    {
      name: "another team's service account",
      request: inTeamA([{ kind: "ServiceAccount", name: "deployer", namespace: "team-b" }]),
      expect: "deny",
      messageIncludes: ["ServiceAccount:team-b/deployer"],
    },
    {
      name: "another team's service account as a user name",
      request: inTeamA([{ kind: "User", name: "system:serviceaccount:team-b:deployer" }]),
      expect: "deny",
      messageIncludes: ["User:system:serviceaccount:team-b:deployer"],
    },
    {
      name: "all service accounts of another team's namespace",
      request: inTeamA([{ kind: "Group", name: "system:serviceaccounts:team-b" }]),
      expect: "deny",
    },
    {
      name: "a namespace-prefix look-alike service account user",
      request: inTeamA([{ kind: "User", name: "system:serviceaccount:team-a-evil:x" }]),
      expect: "deny",
    },
    {
      name: "an individual user (not the platform)",
      request: inTeamA([{ kind: "User", name: "dev-b@example.com" }]),
      expect: "deny",
      messageIncludes: ["User:dev-b@example.com"],
    },
    {
      name: "every authenticated caller",
      request: inTeamA([{ kind: "Group", name: "system:authenticated" }], "view"),
      expect: "deny",
    },
    {
      name: "a team developer writing the same foreign grant is refused too",
      request: { ...inTeamA([{ kind: "Group", name: TEAM_B_GROUP }]), userInfo: TEAM_A_USER },
      expect: "deny",
    },
    {
      name: "a namespace without the team label is not judged",
      request: namespacedRequest(
        ROLE_BINDINGS,
        "default",
        binding("default", "view", [{ kind: "Group", name: TEAM_B_GROUP }]),
        PLATFORM_USER,
      ),
      expect: "not-matched",
    },
    {
      name: "a labelled namespace of a team the settings do not know admits only the platform",
      request: namespacedRequest(
        ROLE_BINDINGS,
        "team-c",
        binding("team-c", "edit", [{ kind: "Group", name: TEAM_A_GROUP }]),
        PLATFORM_USER,
        "CREATE",
        { namespaceObject: teamNamespace("team-c", "team-c", RG_A) },
      ),
      expect: "deny",
      messageIncludes: [`(team team-c) names subjects outside the team: Group:${TEAM_A_GROUP}`],
    },
  ]);
});
