/**
 * Grants inside a team's namespaces stay inside the team: a RoleBinding there may name only the
 * team's own developer groups, service accounts of the team's own namespaces (also as the
 * `system:serviceaccount(s):<ns>` user and group), and platform subjects. In a Workload Identity
 * namespace, a binding that lets another team's group create pods or mint tokens would hand it
 * this team's Azure identity; no RBAC setting prevents a principal holding `bind` from writing one.
 *
 * Which team a namespace belongs to comes from its platform-only `aks-hardening.io/team` label
 * (see the trust-anchor policy); the team's groups and namespaces are compiled into the policy.
 */
import { TEAM_LABEL } from "../kubernetes";
import { SYSTEM_MASTERS, celString, celStringList, denyPolicy, onWrite } from "./cel";
import type { AdmissionPolicyDefinition, GuardrailSettings } from "./types";

export const TEAM_ROLEBINDING_SUBJECTS_POLICY = "aks-hardening-team-rolebinding-subjects";

/** `{'<team>': {'groups': [...], 'namespaces': [...]}}` as a CEL map literal. */
export function teamsLiteral(teams: NonNullable<GuardrailSettings["teams"]>): string {
  const entries = teams.map(
    (t) =>
      `${celString(t.name)}: {'groups': ${celStringList(t.groupIds)}, 'namespaces': ${celStringList(t.namespaces)}}`,
  );
  return `{${entries.join(", ")}}`;
}

export function teamRoleBindingSubjectsPolicy(settings: GuardrailSettings): AdmissionPolicyDefinition {
  const platformGroups = celStringList([...settings.platformGroupIds, SYSTEM_MASTERS]);
  const platformUsers = celStringList(settings.platformUsers);
  const ownServiceAccount = (user: string) =>
    `variables.teamNamespaces.exists(n, ${user}.startsWith('system:serviceaccount:' + n + ':'))`;
  return denyPolicy({
    name: TEAM_ROLEBINDING_SUBJECTS_POLICY,
    description:
      "A RoleBinding in a team namespace names only that team's groups, service accounts of its own namespaces, and platform subjects.",
    resourceRules: [onWrite("rbac.authorization.k8s.io", "v1", ["rolebindings"])],
    namespaceSelector: { matchExpressions: [{ key: TEAM_LABEL, operator: "Exists" }] },
    variables: {
      teams: teamsLiteral(settings.teams ?? []),
      team: `namespaceObject.metadata.labels[${celString(TEAM_LABEL)}]`,
      teamGroups: "variables.team in variables.teams ? variables.teams[variables.team]['groups'] : []",
      teamNamespaces:
        "variables.team in variables.teams ? variables.teams[variables.team]['namespaces'] : []",
      foreignSubjects:
        "(has(object.subjects) ? object.subjects : []).filter(s, !(" +
        `(s.kind == 'Group' && (s.name in variables.teamGroups || s.name in ${platformGroups} ||` +
        " variables.teamNamespaces.exists(n, s.name == 'system:serviceaccounts:' + n))) ||" +
        " (s.kind == 'ServiceAccount' && ((has(s.namespace) && s.namespace != '') ? s.namespace : object.metadata.namespace) in variables.teamNamespaces) ||" +
        ` (s.kind == 'User' && (s.name in ${platformUsers} || ${ownServiceAccount("s.name")}))` +
        ")).map(s, s.kind + ':' + ((s.kind == 'ServiceAccount' && has(s.namespace) && s.namespace != '') ? s.namespace + '/' : '') + s.name)",
    },
    validations: [
      {
        expression: "size(variables.foreignSubjects) == 0",
        message:
          "a RoleBinding in a team namespace may name only that team's groups, its own service accounts and the platform",
        messageExpression:
          "'RoleBinding ' + object.metadata.name + ' in ' + object.metadata.namespace + ' (team ' + variables.team + ') names subjects outside the team: ' + variables.foreignSubjects.join(', ')",
      },
    ],
  });
}
