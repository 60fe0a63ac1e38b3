/**
 * Kubernetes RBAC. A role is only as dangerous as the subjects bound to it, so the checks that
 * matter for S2/S3/S5/S6 (who may write identity objects, exec or read secrets in the identity
 * namespace, escalate) follow every binding to its role and judge the pair; a binding of
 * cluster-admin or of "everyone" groups is judged on its own.
 */
import { AAD_POD_IDENTITY_GROUP, DEFAULT_IDENTITY_NAMESPACE } from "../../../conventions/kubernetes";
import { PolicyConfigSchema, validateResourceOfType } from "@pulumi/policy";
import type { PolicyResource } from "@pulumi/policy";
import { ClusterRole } from "@pulumi/kubernetes/rbac/v1/clusterRole";
import { ClusterRoleBinding } from "@pulumi/kubernetes/rbac/v1/clusterRoleBinding";
import { Role } from "@pulumi/kubernetes/rbac/v1/role";
import { RoleBinding } from "@pulumi/kubernetes/rbac/v1/roleBinding";
import { configWithDefaults } from "../lib/config";
import { Judge, judged, Props } from "../lib/judge";
import { identityNamespaceProperty } from "../lib/kubernetes";
import { PackResourcePolicy, PackStackPolicy, cisTags } from "../lib/metadata";

export const platformSubjectsProperties: PolicyConfigSchema["properties"] = {
  platformGroups: {
    type: "array",
    items: { type: "string" },
    default: [],
    description:
      "Entra group object IDs (or group names) of the platform team; the only humans allowed privileged grants.",
  },
  platformUsers: {
    type: "array",
    items: { type: "string" },
    default: [],
    description: "User names allowed privileged grants (break-glass accounts).",
  },
  platformServiceAccountNamespaces: {
    type: "array",
    items: { type: "string" },
    default: [DEFAULT_IDENTITY_NAMESPACE, "kube-system"],
    description: "Namespaces whose service accounts are platform components (MIC, NMI, system controllers).",
  },
};

export interface PlatformSubjects {
  platformGroups: string[];
  platformUsers: string[];
  platformServiceAccountNamespaces: string[];
}

/** A binding subject, with `system:serviceaccount:<ns>:<name>` users read as service accounts. */
export interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

/** Groups and users that stand for every caller (or every service account). */
const EVERYONE = new Set([
  "Group:system:authenticated",
  "Group:system:unauthenticated",
  "Group:system:serviceaccounts",
  "User:system:anonymous",
]);

export function isPlatformSubject(
  subject: Subject,
  platform: PlatformSubjects,
  bindingNamespace?: string,
): boolean {
  const saUser = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(subject.name);
  if (subject.kind === "ServiceAccount" || (subject.kind === "User" && saUser)) {
    const namespace = saUser ? saUser[1] : (subject.namespace ?? bindingNamespace);
    return namespace !== undefined && platform.platformServiceAccountNamespaces.includes(namespace);
  }
  if (subject.kind === "Group") return platform.platformGroups.includes(subject.name);
  if (subject.kind === "User") return platform.platformUsers.includes(subject.name);
  return false;
}

function subjectsOf(j: Judge, props: Props): Subject[] {
  return j
    .items(() => props.subjects as Props[] | undefined)
    .map((s) => ({
      kind: String(j.read(() => s.kind as string)),
      name: String(j.read(() => s.name as string)),
      namespace: (j.read(() => s.namespace as string | undefined) as string | undefined) ?? undefined,
    }));
}

function describe(subject: Subject): string {
  return `${subject.kind} ${subject.name}${subject.namespace ? ` (${subject.namespace})` : ""}`;
}

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

/** A rule as written in a Role or ClusterRole. */
interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

const WRITE_VERBS = new Set(["create", "update", "patch", "delete", "deletecollection", "*"]);
const ESCALATION_VERBS = new Set(["bind", "escalate", "impersonate"]);
const IDENTITY_NAMESPACE_DANGEROUS: { resources: string[]; verbs: string[]; what: string }[] = [
  {
    resources: ["pods/exec", "pods/attach", "pods/portforward"],
    verbs: ["create", "get", "*"],
    what: "exec/attach/port-forward",
  },
  { resources: ["secrets"], verbs: ["get", "list", "watch", "*"], what: "read secrets" },
  {
    resources: ["pods", "deployments", "daemonsets", "replicasets", "statefulsets", "jobs", "cronjobs"],
    verbs: ["create", "update", "patch", "*"],
    what: "create or change workloads",
  },
  { resources: ["serviceaccounts/token"], verbs: ["create", "*"], what: "mint service-account tokens" },
];

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

const matches = (list: string[], wanted: string) => list.includes(wanted) || list.includes("*");

/** What is dangerous about a set of rules, given whether they apply in the identity namespace. */
export function dangerousGrants(rules: Rule[], inIdentityNamespace: boolean): string[] {
  const found = new Set<string>();
  for (const rule of rules) {
    if (rule.verbs.includes("*") || rule.resources.includes("*") || rule.apiGroups.includes("*")) {
      found.add("wildcards in verbs, resources or apiGroups");
    }
    if (matches(rule.apiGroups, AAD_POD_IDENTITY_GROUP) && rule.verbs.some((v) => WRITE_VERBS.has(v))) {
      found.add(`write on ${AAD_POD_IDENTITY_GROUP} (identity objects)`);
    }
    const escalation = rule.verbs.filter((v) => ESCALATION_VERBS.has(v));
    if (escalation.length > 0) found.add(`escalation verbs ${escalation.join(", ")}`);
    if (inIdentityNamespace) {
      for (const danger of IDENTITY_NAMESPACE_DANGEROUS) {
        const coreOrApps = rule.apiGroups.some((g) => ["", "apps", "batch", "*"].includes(g));
        if (
          coreOrApps &&
          danger.resources.some((r) => matches(rule.resources, r)) &&
          danger.verbs.some((v) => rule.verbs.includes(v))
        ) {
          found.add(`${danger.what} in the identity namespace`);
        }
      }
    }
  }
  return [...found];
}

/** The rules of a Role or ClusterRole, read preview-safely. */
export function rulesOf(j: Judge, role: Props): Rule[] {
  return j
    .items(() => role.rules as Props[] | undefined)
    .map((rule) => ({
      apiGroups: j.items(() => rule.apiGroups as string[] | undefined),
      resources: j.items(() => rule.resources as string[] | undefined),
      verbs: j.items(() => rule.verbs as string[] | undefined),
    }));
}

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

const roleConfig: PolicyConfigSchema = {
  properties: {
    exemptRoles: {
      type: "array",
      items: { type: "string" },
      default: [],
      description:
        "Names of Roles/ClusterRoles allowed wildcards or escalation verbs (a reviewed platform role).",
    },
  },
};

export const k8sRbacRoleLeastPrivilege: PackResourcePolicy = {
  name: "k8s-rbac-role-least-privilege",
  description:
    "No Role or ClusterRole uses `*` in verbs, resources or apiGroups (it also grants every future type, such as new identity CRDs) or the escalation verbs bind, escalate and impersonate, whoever it is bound to.",
  severity: "high",
  remediationSteps:
    "List explicit apiGroups, resources and verbs; grant bind/escalate/impersonate to nobody but reviewed platform roles (listed in exemptRoles).",
  tags: cisTags(["4.1.3"]),
  configSchema: roleConfig,
  validateResource: [Role, ClusterRole].map((roleClass) =>
    validateResourceOfType(roleClass as typeof Role, (role, args, report) =>
      judged(report, (j) => {
        const { exemptRoles } = configWithDefaults<{ exemptRoles: string[] }>(roleConfig, args);
        const props = role as Props;
        const name = j.read(() => props.metadata?.name as string | undefined);
        if (typeof name === "string" && exemptRoles.includes(name)) return;
        for (const rule of j.items(() => props.rules as Props[] | undefined)) {
          for (const field of ["verbs", "resources", "apiGroups"]) {
            if (j.items(() => rule[field] as string[] | undefined).includes("*")) {
              j.report(`${args.name}: a rule has "*" in ${field}.`);
            }
          }
          const escalation = j
            .items(() => rule.verbs as string[] | undefined)
            .filter((v) => ESCALATION_VERBS.has(v));
          if (escalation.length > 0) j.report(`${args.name}: a rule grants ${escalation.join(", ")}.`);
        }
      }),
    ),
  ),
};
