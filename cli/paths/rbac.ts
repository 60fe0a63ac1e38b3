/**
 * Kubernetes RBAC as the API server's authorizer evaluates it, over the objects the analysis read:
 * roleRef resolved by (kind, namespace, name), a RoleBinding to a ClusterRole granting only in the
 * binding's namespace, aggregated ClusterRoles expanded from their selectors, `*` verbs / groups /
 * resources, `*\/sub` for a subresource of every resource, and `resourceNames` that never match a
 * request without a name (create, list, watch, deletecollection). The service-account groups
 * (`system:serviceaccounts[:<ns>]`) and `system:authenticated` count as the principal's own.
 */
import type { FactSource, KubeObject } from "./facts";

export interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames: string[];
}

/** A rule a principal holds, where it holds it, and which binding gave it. */
export interface Grant {
  rule: Rule;
  /** The namespace it applies in, or `*` (a ClusterRoleBinding). */
  scope: string;
  binding: FactSource;
  bindingLabel: string;
}

/** A principal as RBAC names it. */
export type SubjectKind = "User" | "Group" | "ServiceAccount";
export interface Subject {
  kind: SubjectKind;
  name: string;
  /** ServiceAccounts only. */
  namespace?: string;
}

export const ALL = "*";

/** The every-right rule (`cluster-admin`, or what an escalation reaches). */
export const EVERY_RIGHT: Rule = { apiGroups: [ALL], resources: [ALL], verbs: [ALL], resourceNames: [] };

/** Built-in roles a plan references without declaring them; a live cluster serves its own. */
const BUILT_IN_CLUSTER_ROLES: Record<string, Rule[]> = { "cluster-admin": [EVERY_RIGHT] };

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x) => typeof x === "string") : []);

function rulesOf(role: KubeObject): Rule[] {
  const rules = Array.isArray(role.body.rules) ? (role.body.rules as Record<string, unknown>[]) : [];
  return rules
    .filter((r) => strings(r.nonResourceURLs).length === 0 || strings(r.resources).length > 0)
    .map((r) => ({
      apiGroups: strings(r.apiGroups),
      resources: strings(r.resources),
      verbs: strings(r.verbs),
      resourceNames: strings(r.resourceNames),
    }));
}

interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** A label selector as `metav1.LabelSelector` defines it (an empty selector matches everything). */
export function selectorMatches(selector: Selector, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    const inValues = has && (e.values ?? []).includes(labels[e.key]);
    if (e.operator === "In" && !inValues) return false;
    if (e.operator === "NotIn" && inValues) return false;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
  }
  return true;
}

export function subjectKey(s: Subject): string {
  return s.kind === "ServiceAccount" ? `ServiceAccount:${s.namespace}/${s.name}` : `${s.kind}:${s.name}`;
}

/** The groups the API server adds to a principal's own (what every binding to them also grants). */
export function implicitGroups(s: Subject): string[] {
  if (s.kind === "ServiceAccount")
    return ["system:serviceaccounts", `system:serviceaccounts:${s.namespace}`, "system:authenticated"];
  if (s.kind === "User") return ["system:authenticated"];
  // A member of a group is an authenticated user.
  return s.name === "system:authenticated" ? [] : ["system:authenticated"];
}

export class Rbac {
  /** Subject key -> grants bound directly to it. */
  private readonly bound = new Map<string, Grant[]>();
  /** Subjects named by some binding (the principals the graph starts from). */
  readonly subjects: Subject[] = [];
  /** Role references that resolve to nothing (reported: they grant nothing). */
  readonly unresolved: string[] = [];

  constructor(objects: KubeObject[]) {
    const isRbac = (o: KubeObject) => o.apiVersion.startsWith("rbac.authorization.k8s.io/");
    const clusterRoles = new Map<string, KubeObject>();
    const roles = new Map<string, KubeObject>();
    for (const o of objects.filter(isRbac)) {
      if (o.kind === "ClusterRole") clusterRoles.set(o.name, o);
      if (o.kind === "Role") roles.set(`${o.namespace}/${o.name}`, o);
    }
    const clusterRoleRules = new Map<string, Rule[]>();
    for (const [name, role] of clusterRoles) clusterRoleRules.set(name, aggregated(role, clusterRoles));
    const seen = new Set<string>();
    for (const b of objects.filter(
      (o) => isRbac(o) && (o.kind === "RoleBinding" || o.kind === "ClusterRoleBinding"),
    )) {
      const ref = (b.body.roleRef ?? {}) as { kind?: string; name?: string };
      const scope = b.kind === "ClusterRoleBinding" ? ALL : (b.namespace ?? "default");
      let rules: Rule[] | undefined;
      if (ref.kind === "ClusterRole" && ref.name)
        rules = clusterRoleRules.get(ref.name) ?? BUILT_IN_CLUSTER_ROLES[ref.name];
      else if (ref.kind === "Role" && ref.name && b.kind === "RoleBinding")
        rules = roles.get(`${scope}/${ref.name}`) && rulesOf(roles.get(`${scope}/${ref.name}`)!);
      const bindingLabel = `${b.kind} ${b.namespace ? `${b.namespace}/` : ""}${b.name}`;
      if (!rules) {
        this.unresolved.push(`${bindingLabel} -> ${ref.kind ?? "?"} ${ref.name ?? "?"}`);
        continue;
      }
      const subjects = Array.isArray(b.body.subjects) ? (b.body.subjects as Record<string, unknown>[]) : [];
      for (const raw of subjects) {
        const kind = raw.kind as SubjectKind;
        if (kind !== "User" && kind !== "Group" && kind !== "ServiceAccount") continue;
        const subject: Subject = {
          kind,
          name: String(raw.name),
          // A RoleBinding's ServiceAccount subject without a namespace means the binding's own.
          namespace:
            kind === "ServiceAccount"
              ? typeof raw.namespace === "string"
                ? raw.namespace
                : (b.namespace ?? "default")
              : undefined,
        };
        const key = subjectKey(subject);
        if (!seen.has(key)) {
          seen.add(key);
          this.subjects.push(subject);
        }
        const list = this.bound.get(key) ?? [];
        for (const rule of rules) list.push({ rule, scope, binding: b.source, bindingLabel });
        this.bound.set(key, list);
      }
    }
  }

  /** Every grant the principal holds: its own bindings and those of its implicit groups. */
  grantsOf(s: Subject): Grant[] {
    const own = this.bound.get(subjectKey(s)) ?? [];
    const implicit = implicitGroups(s).flatMap((g) => this.bound.get(`Group:${g}`) ?? []);
    return implicit.length === 0 ? own : [...own, ...implicit];
  }
}

/** A ClusterRole's rules with aggregation expanded (the controller's union, recursively). */
function aggregated(role: KubeObject, all: Map<string, KubeObject>, visiting = new Set<string>()): Rule[] {
  const own = rulesOf(role);
  const aggregation = role.body.aggregationRule as { clusterRoleSelectors?: Selector[] } | undefined;
  const selectors = aggregation?.clusterRoleSelectors ?? [];
  if (selectors.length === 0 || visiting.has(role.name)) return own;
  visiting.add(role.name);
  const rules = [...own];
  for (const other of all.values()) {
    if (other.name === role.name) continue;
    if (selectors.some((s) => selectorMatches(s, other.labels)))
      rules.push(...aggregated(other, all, visiting));
  }
  return rules;
}

/** One API request, as RBAC sees it. */
export interface Request {
  verb: string;
  group: string;
  /** `pods` or `pods/exec`. */
  resource: string;
  namespace: string;
  /** Object name; absent for create / list / watch / deletecollection. */
  name?: string;
}

function resourceMatches(ruleResource: string, requested: string): boolean {
  if (ruleResource === ALL || ruleResource === requested) return true;
  const slash = requested.indexOf("/");
  if (slash < 0) return false;
  // `*/exec` is the `exec` subresource of every resource.
  return ruleResource.startsWith("*/") && ruleResource.slice(2) === requested.slice(slash + 1);
}

export function ruleAllows(rule: Rule, req: Omit<Request, "namespace">): boolean {
  if (!rule.verbs.some((v) => v === ALL || v === req.verb)) return false;
  if (!rule.apiGroups.some((g) => g === ALL || g === req.group)) return false;
  if (!rule.resources.some((r) => resourceMatches(r, req.resource))) return false;
  if (rule.resourceNames.length > 0) return req.name !== undefined && rule.resourceNames.includes(req.name);
  return true;
}

/** The grant that allows the request, if any (its binding is the edge's source). */
export function allowedBy(grants: Grant[], req: Request): Grant | undefined {
  return grants.find((g) => (g.scope === ALL || g.scope === req.namespace) && ruleAllows(g.rule, req));
}

/** Namespaces a principal's grants can act in: `*` when any grant is cluster-wide. */
export function grantNamespaces(grants: Grant[], allNamespaces: string[]): string[] {
  if (grants.some((g) => g.scope === ALL)) return allNamespaces;
  return [...new Set(grants.map((g) => g.scope))];
}
