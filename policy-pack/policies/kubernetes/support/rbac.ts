/**
 * What the Kubernetes RBAC policies share. A role is only as dangerous as the subjects bound to it,
 * so the checks that matter for S2/S3/S5/S6 (who may write identity objects, exec or read secrets in
 * the identity namespace, escalate) tell platform subjects from everyone else, and read what a
 * role's rules grant, the same way in every policy.
 */
import { AAD_POD_IDENTITY_GROUP, DEFAULT_IDENTITY_NAMESPACE } from "../../../../conventions/kubernetes";
import type { PolicyConfigSchema } from "@pulumi/policy";
import { Judge, Props } from "../../lib/judge";

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

export function subjectsOf(j: Judge, props: Props): Subject[] {
  return j
    .items(() => props.subjects as Props[] | undefined)
    .map((s) => ({
      kind: String(j.read(() => s.kind as string)),
      name: String(j.read(() => s.name as string)),
      namespace: (j.read(() => s.namespace as string | undefined) as string | undefined) ?? undefined,
    }));
}

export function describe(subject: Subject): string {
  return `${subject.kind} ${subject.name}${subject.namespace ? ` (${subject.namespace})` : ""}`;
}

/** A rule as written in a Role or ClusterRole. */
export interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

const WRITE_VERBS = new Set(["create", "update", "patch", "delete", "deletecollection", "*"]);
export const ESCALATION_VERBS = new Set(["bind", "escalate", "impersonate"]);
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
