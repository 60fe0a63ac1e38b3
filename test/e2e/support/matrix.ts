/**
 * The attack matrix: every resource and subresource the real API server's discovery lists, with
 * every verb it lists (plus bind/escalate/impersonate), for each attacking principal and scope,
 * decided by the server's own authorizer (SubjectAccessReview) and judged against the threat model:
 * - victim and identity namespaces, cluster scope: nothing but self-reviews may be allowed;
 * - a team developer in its own namespace: only what no threat needs (never identity objects,
 *   RBAC, the namespace, status, bindings, quotas or network policies);
 * - an over-granted principal in its own namespace: each allowed write on a kind a guardrail
 *   protects is "contained" by that named layer (shown refusing the attack in the attack rows);
 *   a kind the catalogue knows to matter only inside the namespace is "own namespace";
 *   anything else is "untested": a new kind or subresource of a newer Kubernetes shows up there,
 *   not as silence.
 */
import type { KubeClient } from "./client";

export interface MatrixActor {
  label: string;
  user: string;
  groups: string[];
  /** `developer`: judged by the team-developer rule; `over-granted`: by containment. */
  kind: "developer" | "over-granted";
}

export interface MatrixScopes {
  own: string;
  victim: string;
  identity: string;
}

export type MatrixVerdict =
  | "refused by RBAC"
  | "allowed: team role"
  | "allowed: own namespace only"
  | "allowed by RBAC, contained"
  | "untested"
  | "UNEXPECTED ALLOW";

export interface MatrixRow {
  actor: string;
  scope: keyof MatrixScopes | "cluster";
  resource: string;
  verb: string;
  verdict: MatrixVerdict;
  /** The containing layer, for "contained". */
  by?: string;
}

interface Discovered {
  group: string;
  resource: string;
  subresource: string;
  namespaced: boolean;
  verbs: string[];
}

const WRITES = new Set([
  "create",
  "update",
  "patch",
  "delete",
  "deletecollection",
  "bind",
  "escalate",
  "impersonate",
]);

/** Resource keys `group/resource[/subresource]` (core group: empty). */
const key = (d: { group: string; resource: string; subresource: string }) =>
  `${d.group}/${d.resource}${d.subresource ? `/${d.subresource}` : ""}`;

/** Writes a team developer must never hold, even in its own namespace. */
const NEVER_FOR_DEVELOPERS: RegExp[] = [
  /^aadpodidentity\.k8s\.io\//,
  /^rbac\.authorization\.k8s\.io\//,
  /^\/namespaces/,
  /^\/pods\/(status|binding)$/,
  /^\/bindings$/,
  /^\/services\/status$/,
  /^\/(resourcequotas|limitranges)/,
  /^networking\.k8s\.io\/networkpolicies/,
  /^\/serviceaccounts$/,
];

/** Writes a guardrail contains for an over-granted principal: key pattern -> the layer. */
const CONTAINED: [RegExp, string][] = [
  [/^\/pods(\/ephemeralcontainers|\/resize)?$/, "PSA restricted + pod-identity-label + team-pod-placement"],
  [/^\/pods\/status$/, "status-writers + pod-identity-label"],
  [/^\/pods\/binding$|^\/bindings$/, "pod-binding-scheduler-only"],
  [/^\/services$/, "service-external-ips (+ quota: no LoadBalancer/NodePort)"],
  [/^\/services\/status$/, "status-writers"],
  [/^\/namespaces(\/status|\/finalize)?$/, "namespace-trust-anchors + namespace-pod-security"],
  [
    /^aadpodidentity\.k8s\.io\//,
    "identity-objects-platform-only (+ team-scope, approved-pair, binding-selector)",
  ],
  [
    /^rbac\.authorization\.k8s\.io\/rolebindings$/,
    "cluster-admin-binding (no cluster-admin; other roles stay in the namespace)",
  ],
  [
    /^apps\/(deployments|daemonsets|replicasets|statefulsets)$/,
    "team-pod-placement (templates) + the pod guardrails",
  ],
  [/^batch\/(jobs|cronjobs)$/, "team-pod-placement (templates) + the pod guardrails"],
  [/^\/resourcequotas$/, "team-pod-placement (the system-priority quota's other layer)"],
  [/^\/replicationcontrollers$/, "the pod guardrails (its pods)"],
];

/**
 * Kinds (and subresources) whose objects act inside their own namespace only, reviewed for
 * Kubernetes 1.34: full control of them in the team's own namespace reaches no other team's
 * identity. A kind missing here shows up as "untested".
 */
const OWN_NAMESPACE_ONLY: RegExp[] = [
  /^\/(configmaps|secrets|events|endpoints|limitranges|persistentvolumeclaims|podtemplates|serviceaccounts)(\/.*)?$/,
  /^\/pods\/(attach|exec|log|portforward|proxy|eviction)$/,
  /^\/services\/proxy$/,
  /^\/replicationcontrollers\/(scale|status)$/,
  /^\/(resourcequotas|persistentvolumeclaims)\/status$/,
  /^apps\/(deployments|replicasets|statefulsets)\/(scale|status)$/,
  /^apps\/(daemonsets\/status|controllerrevisions)$/,
  /^batch\/(jobs|cronjobs)\/status$/,
  /^autoscaling\/horizontalpodautoscalers(\/status)?$/,
  /^policy\/poddisruptionbudgets(\/status)?$/,
  /^networking\.k8s\.io\/(networkpolicies|ingresses|ingresses\/status)$/,
  /^discovery\.k8s\.io\/endpointslices$/,
  /^events\.k8s\.io\/events$/,
  /^coordination\.k8s\.io\/leases$/,
  /^rbac\.authorization\.k8s\.io\/roles$/,
  /^authorization\.k8s\.io\/localsubjectaccessreviews$/,
  /^storage\.k8s\.io\/csistoragecapacities$/,
  /^resource\.k8s\.io\/(resourceclaims|resourceclaims\/status|resourceclaimtemplates)$/,
];

/** Cluster-scoped rows anyone authenticated may do (built-in system:basic-user). */
const CLUSTER_ALLOWED = new Set([
  "authorization.k8s.io/selfsubjectaccessreviews create",
  "authorization.k8s.io/selfsubjectrulesreviews create",
  "authentication.k8s.io/selfsubjectreviews create",
]);

async function discover(admin: KubeClient): Promise<Discovered[]> {
  const out: Discovered[] = [];
  const add = async (group: string, path: string) => {
    const res = await admin.request("GET", path);
    if (res.status !== 200) throw new Error(`discovery ${path}: ${res.status}`);
    for (const r of (res.body?.resources as { name: string; namespaced: boolean; verbs: string[] }[]) ?? []) {
      const [resource, subresource = ""] = r.name.split("/");
      const extra = [
        ...(resource === "roles" || resource === "clusterroles" ? ["bind", "escalate"] : []),
        ...(resource === "serviceaccounts" && !subresource ? ["impersonate"] : []),
      ];
      out.push({
        group,
        resource,
        subresource,
        namespaced: r.namespaced,
        verbs: [...new Set([...r.verbs, ...extra])],
      });
    }
  };
  await add("", "/api/v1");
  const groups = await admin.request("GET", "/apis");
  for (const g of (groups.body?.groups as { name: string; preferredVersion: { groupVersion: string } }[]) ??
    []) {
    await add(g.name, `/apis/${g.preferredVersion.groupVersion}`);
  }
  // Impersonating users and groups is cluster-wide and never listed by discovery.
  out.push({ group: "", resource: "users", subresource: "", namespaced: false, verbs: ["impersonate"] });
  out.push({ group: "", resource: "groups", subresource: "", namespaced: false, verbs: ["impersonate"] });
  return out;
}

/** The verdict of one authorizer answer (exported so the rule itself can be shown to fail). */
export function judge(
  actor: MatrixActor,
  scope: MatrixRow["scope"],
  k: string,
  verb: string,
  allowed: boolean,
) {
  if (!allowed) return { verdict: "refused by RBAC" as const };
  if (scope === "cluster")
    return {
      verdict: CLUSTER_ALLOWED.has(`${k.replace(/^\//, "")} ${verb}`)
        ? ("allowed: own namespace only" as const)
        : ("UNEXPECTED ALLOW" as const),
    };
  if (scope !== "own") return { verdict: "UNEXPECTED ALLOW" as const };
  const write = WRITES.has(verb);
  if (actor.kind === "developer") {
    if (write && NEVER_FOR_DEVELOPERS.some((p) => p.test(k))) return { verdict: "UNEXPECTED ALLOW" as const };
    return { verdict: "allowed: team role" as const };
  }
  const contained = CONTAINED.find(([p]) => p.test(k));
  if (write && contained) return { verdict: "allowed by RBAC, contained" as const, by: contained[1] };
  // Reads in the team's own namespace (its own secrets included) reach nobody else's identity.
  if (!write || OWN_NAMESPACE_ONLY.some((p) => p.test(k)))
    return { verdict: "allowed: own namespace only" as const };
  return { verdict: "untested" as const };
}

/** Builds every row; `admin` asks the authorizer (SubjectAccessReview) on each actor's behalf. */
export async function attackMatrix(
  admin: KubeClient,
  actors: MatrixActor[],
  scopes: MatrixScopes,
): Promise<MatrixRow[]> {
  const discovered = await discover(admin);
  const jobs: (() => Promise<MatrixRow>)[] = [];
  for (const actor of actors) {
    for (const d of discovered) {
      const where: MatrixRow["scope"][] =
        d.namespaced || d.resource === "namespaces" ? ["own", "victim", "identity"] : ["cluster"];
      for (const scope of where) {
        for (const verb of d.verbs) {
          jobs.push(async () => {
            const namespace = scope === "cluster" ? "" : scopes[scope];
            const res = await admin.request("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", {
              body: {
                apiVersion: "authorization.k8s.io/v1",
                kind: "SubjectAccessReview",
                spec: {
                  user: actor.user,
                  groups: [...actor.groups, "system:authenticated"],
                  resourceAttributes: {
                    namespace,
                    verb,
                    group: d.group,
                    resource: d.resource,
                    subresource: d.subresource,
                    // A namespace's own object is named after it (that is how a Role reaches it).
                    ...(d.resource === "namespaces" ? { name: namespace } : {}),
                  },
                },
              },
            });
            if (res.status !== 201) throw new Error(`SubjectAccessReview: ${res.status} ${res.text}`);
            const allowed = (res.body?.status as { allowed?: boolean } | undefined)?.allowed === true;
            const k = key(d);
            return { actor: actor.label, scope, resource: k, verb, ...judge(actor, scope, k, verb, allowed) };
          });
        }
      }
    }
  }
  const rows: MatrixRow[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < jobs.length) rows.push(await jobs[next++]());
    }),
  );
  return rows;
}

/** Count per verdict, and per verdict and actor. */
export function matrixCounts(rows: MatrixRow[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of rows) {
    counts[r.verdict] = (counts[r.verdict] ?? 0) + 1;
    counts[`${r.verdict} | ${r.actor}`] = (counts[`${r.verdict} | ${r.actor}`] ?? 0) + 1;
  }
  return counts;
}
