/**
 * No escalation to cluster-admin: a RoleBinding or ClusterRoleBinding to the `cluster-admin`
 * ClusterRole may name only platform subjects (the platform groups, `system:masters`, the named
 * platform users). A principal who was wrongly given `bind` still cannot make a team all-powerful.
 * (`system:masters` itself is granted by certificates, not by RBAC, so it appears here only as an
 * allowed subject.)
 */
import { SYSTEM_MASTERS, celStringList, denyPolicy, onWrite } from "./cel";
import type { AdmissionPolicyDefinition, GuardrailSettings } from "./types";

export const CLUSTER_ADMIN_BINDING_POLICY = "aks-hardening-cluster-admin-binding";

export const GRANTS_CLUSTER_ADMIN_EXPRESSION =
  "object.roleRef.kind == 'ClusterRole' && object.roleRef.name == 'cluster-admin'";

export function nonPlatformSubjectsExpression(settings: GuardrailSettings): string {
  const groups = celStringList([...settings.platformGroupIds, SYSTEM_MASTERS]);
  const users = celStringList(settings.platformUsers);
  return (
    "(has(object.subjects) ? object.subjects : [])" +
    `.filter(s, !((s.kind == 'Group' && s.name in ${groups}) || (s.kind == 'User' && s.name in ${users})))` +
    ".map(s, s.kind + ':' + s.name)"
  );
}

export function clusterAdminBindingPolicy(settings: GuardrailSettings): AdmissionPolicyDefinition {
  return denyPolicy({
    name: CLUSTER_ADMIN_BINDING_POLICY,
    description: "cluster-admin may be bound only to platform subjects.",
    resourceRules: [onWrite("rbac.authorization.k8s.io", "v1", ["clusterrolebindings", "rolebindings"])],
    variables: {
      grantsClusterAdmin: GRANTS_CLUSTER_ADMIN_EXPRESSION,
      nonPlatformSubjects: nonPlatformSubjectsExpression(settings),
    },
    validations: [
      {
        expression: "!variables.grantsClusterAdmin || size(variables.nonPlatformSubjects) == 0",
        message: "cluster-admin may be bound only to platform subjects",
        messageExpression:
          "'binding ' + object.metadata.name + ' grants cluster-admin to non-platform subjects: ' + variables.nonPlatformSubjects.join(', ')",
      },
    ],
  });
}
