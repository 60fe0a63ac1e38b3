/**
 * cluster-admin (and any configured privileged ClusterRole) is bound to platform subjects only, and
 * nothing is bound to "everyone" groups: either binding is judged on its own, whatever the role,
 * because it hands the whole cluster (or the role) to every caller it names.
 */
import { PolicyConfigSchema, validateResourceOfType } from "@pulumi/policy";
import { ClusterRoleBinding } from "@pulumi/kubernetes/rbac/v1/clusterRoleBinding";
import { RoleBinding } from "@pulumi/kubernetes/rbac/v1/roleBinding";
import { configWithDefaults } from "../lib/config";
import { judged, Props } from "../lib/judge";
import { PackResourcePolicy, cisTags } from "../lib/metadata";
import {
  describe,
  isPlatformSubject,
  PlatformSubjects,
  platformSubjectsProperties,
  subjectsOf,
} from "./support/rbac";

/** Groups and users that stand for every caller (or every service account). */
const EVERYONE = new Set([
  "Group:system:authenticated",
  "Group:system:unauthenticated",
  "Group:system:serviceaccounts",
  "User:system:anonymous",
]);

const bindingConfig: PolicyConfigSchema = {
  properties: {
    ...platformSubjectsProperties,
    privilegedClusterRoles: {
      type: "array",
      items: { type: "string" },
      default: ["cluster-admin"],
      description: "ClusterRoles only platform subjects may be bound to.",
    },
  },
};

export const k8sRbacPrivilegedBindings: PackResourcePolicy = {
  name: "k8s-rbac-privileged-bindings",
  description:
    "cluster-admin (and any configured privileged ClusterRole) is bound to platform subjects only, and no binding grants anything to everyone (system:authenticated, system:unauthenticated, system:serviceaccounts, system:anonymous).",
  severity: "critical",
  remediationSteps:
    "Bind cluster-admin only to the platform group (aks-hardening:platformGroupIds); give teams a namespaced Role through a RoleBinding in their own namespace.",
  tags: cisTags(["4.1.1"]),
  configSchema: bindingConfig,
  validateResource: [ClusterRoleBinding, RoleBinding].map((bindingClass) =>
    validateResourceOfType(bindingClass as typeof RoleBinding, (binding, args, report) =>
      judged(report, (j) => {
        const config = configWithDefaults<PlatformSubjects & { privilegedClusterRoles: string[] }>(
          bindingConfig,
          args,
        );
        const props = binding as Props;
        const namespace = j.read(() => props.metadata?.namespace as string | undefined);
        const subjects = subjectsOf(j, props);
        for (const subject of subjects) {
          if (EVERYONE.has(`${subject.kind}:${subject.name}`)) {
            j.report(`${args.name} binds ${describe(subject)}, which stands for every caller.`);
          }
        }
        const roleKind = j.read(() => props.roleRef?.kind as string);
        const roleName = j.read(() => props.roleRef?.name as string);
        if (
          roleKind !== "ClusterRole" ||
          typeof roleName !== "string" ||
          !config.privilegedClusterRoles.includes(roleName)
        ) {
          return;
        }
        for (const subject of subjects) {
          if (!isPlatformSubject(subject, config, typeof namespace === "string" ? namespace : undefined)) {
            j.report(
              `${args.name} binds ClusterRole ${roleName} to non-platform subject ${describe(subject)}.`,
            );
          }
        }
      }),
    ),
  ),
};
