/**
 * Every binding is followed to its role and the pair judged: a role is only as dangerous as the
 * subjects bound to it, so a non-platform subject that reaches identity-object writes, escalation
 * verbs, wildcards or the identity namespace (directly, through a built-in role or through
 * aggregation into admin/edit/view) is how S2/S3/S5/S6 start.
 */
import type { PolicyConfigSchema, PolicyResource } from "@pulumi/policy";
import { configWithDefaults } from "../lib/config";
import { judged } from "../lib/judge";
import { identityNamespaceProperty } from "../lib/kubernetes";
import { PackStackPolicy, cisTags } from "../lib/metadata";
import {
  dangerousGrants,
  describe,
  isPlatformSubject,
  PlatformSubjects,
  platformSubjectsProperties,
  Rule,
  rulesOf,
  subjectsOf,
} from "./support/rbac";

/** The dangerous part of the built-in `edit` ClusterRole (which `admin` contains). */
const BUILT_IN_EDIT: Rule[] = [
  {
    apiGroups: [""],
    resources: ["pods", "pods/exec", "pods/attach", "pods/portforward", "secrets"],
    verbs: ["create", "get", "list", "watch", "update", "patch", "delete"],
  },
  {
    apiGroups: ["apps"],
    resources: ["deployments", "daemonsets", "replicasets", "statefulsets"],
    verbs: ["create", "update", "patch", "delete"],
  },
];

/** Built-in ClusterRoles the stack may bind without declaring (approximated by their dangerous parts). */
const BUILT_IN_ROLES: Record<string, Rule[]> = {
  "cluster-admin": [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }],
  admin: [
    ...BUILT_IN_EDIT,
    {
      apiGroups: ["rbac.authorization.k8s.io"],
      resources: ["roles", "rolebindings"],
      verbs: ["create", "update", "patch", "delete"],
    },
  ],
  edit: BUILT_IN_EDIT,
};

const ROLE = "kubernetes:rbac.authorization.k8s.io/v1:Role";
const CLUSTER_ROLE = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole";
const ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding";
const CLUSTER_ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding";
const AGGREGATE_LABEL = /^rbac\.authorization\.k8s\.io\/aggregate-to-(admin|edit|view)$/;

const identityProtectionConfig: PolicyConfigSchema = {
  properties: { ...platformSubjectsProperties, identityNamespace: identityNamespaceProperty },
};

export const k8sRbacIdentityProtection: PackStackPolicy = {
  name: "k8s-rbac-identity-protection",
  description:
    "No non-platform subject is bound (directly or through aggregation into admin/edit/view) to a role that writes aad-pod-identity objects, uses bind/escalate/impersonate or wildcards, or can exec/attach/port-forward, read secrets, mint tokens or create workloads in the identity namespace.",
  severity: "critical",
  remediationSteps:
    "Grant teams explicit verbs on explicit resources in their own namespaces only; keep identity-object writes, escalation verbs and any access to the identity namespace for platform service accounts and the platform group.",
  tags: cisTags(["4.1.2", "4.1.3", "4.1.4"]),
  configSchema: identityProtectionConfig,
  validateStack: (args, report) =>
    judged(report, (j) => {
      const config = configWithDefaults<PlatformSubjects & { identityNamespace: string }>(
        identityProtectionConfig,
        args,
      );
      const meta = (r: PolicyResource, field: "name" | "namespace") =>
        j.read(() => r.props.metadata?.[field] as string | undefined);
      const roles = new Map<string, PolicyResource>();
      for (const r of args.resources) {
        if (r.type === ROLE) roles.set(`Role/${String(meta(r, "namespace"))}/${String(meta(r, "name"))}`, r);
        if (r.type === CLUSTER_ROLE) roles.set(`ClusterRole/${String(meta(r, "name"))}`, r);
        // Aggregated ClusterRoles widen the built-in roles that every team already holds.
        if (r.type === CLUSTER_ROLE) {
          const labels = j.entries(() => r.props.metadata?.labels as Record<string, string> | undefined);
          const aggregated = labels.some(([key, value]) => AGGREGATE_LABEL.test(key) && value === "true");
          const grants = aggregated ? dangerousGrants(rulesOf(j, r.props), false) : [];
          if (grants.length > 0) {
            j.report(
              `ClusterRole ${r.name} aggregates into admin/edit/view while granting ${grants.join("; ")}.`,
              r.urn,
            );
          }
        }
      }
      for (const binding of args.resources) {
        if (binding.type !== ROLE_BINDING && binding.type !== CLUSTER_ROLE_BINDING) continue;
        const namespace = meta(binding, "namespace");
        const bindingNamespace = typeof namespace === "string" ? namespace : undefined;
        const outsiders = subjectsOf(j, binding.props).filter(
          (s) => !isPlatformSubject(s, config, bindingNamespace),
        );
        if (outsiders.length === 0) continue;
        const roleKind = j.read(() => binding.props.roleRef?.kind as string);
        const roleName = j.read(() => binding.props.roleRef?.name as string);
        if (typeof roleKind !== "string" || typeof roleName !== "string") continue;
        const key =
          roleKind === "Role"
            ? `Role/${String(namespace ?? "default")}/${roleName}`
            : `ClusterRole/${roleName}`;
        const declared = roles.get(key);
        const rules = declared
          ? rulesOf(j, declared.props)
          : roleKind === "ClusterRole"
            ? BUILT_IN_ROLES[roleName]
            : undefined;
        if (!rules) continue; // A role defined outside this stack cannot be judged here.
        const inIdentityNamespace =
          binding.type === CLUSTER_ROLE_BINDING || namespace === config.identityNamespace;
        const grants = dangerousGrants(rules, inIdentityNamespace);
        if (grants.length > 0) {
          j.report(
            `${binding.name} gives ${outsiders.map(describe).join(", ")} ${roleKind} ${roleName}, which grants ${grants.join("; ")}.`,
            binding.urn,
          );
        }
      }
    }),
};
