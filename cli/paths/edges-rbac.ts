/**
 * Edges a principal's RBAC rights create, namespace by namespace (RoleBinding scope kept: a grant
 * from a RoleBinding acts only in that namespace):
 *
 * - CREATE_POD / CREATE_WORKLOAD: create pods or any pod controller -> a pod of its choosing there
 *   (spec, labels, service account), unless an enforced admission policy refuses non-platform pods
 *   in that namespace (the blueprint's identity-namespace policy);
 * - PATCH_WORKLOAD: update/patch an existing controller -> the same (its template is the pod spec);
 * - EXEC_INTO: pods/exec, pods/attach (create or get: WebSocket exec is a get), or
 *   pods/ephemeralcontainers (patch/update) -> each declared workload there;
 * - TOKEN_REQUEST: create serviceaccounts/token (any audience) -> each service account it names;
 * - SECRET_TOKEN: get/list/watch secrets -> service accounts with a legacy token Secret there;
 * - IMPERSONATE: impersonate users/groups (cluster-wide) or serviceaccounts -> those principals;
 * - ESCALATE: create (cluster)rolebindings plus bind, or escalate on roles -> every right there;
 * - namespace relabel: patch a namespace it can create pods in -> PSA `privileged`, the node.
 */
import { IDENTITY_NAMESPACE_WORKLOADS_POLICY } from "../../conventions/admission/identity-namespace-workloads";
import { NAMESPACE_TRUST_ANCHORS_POLICY } from "../../conventions/admission/namespace-trust-anchors";
import type { BuildContext } from "./build-context";
import { nodeHostNode, podSpecNode, principalNode, serviceAccountNode, workloadNode } from "./build-context";
import { nodeId, type NewEdge } from "./model";
import { ALL, allowedBy, ruleAllows, type Grant, type Request } from "./rbac";

/** The pod controllers, by API group: creating any of them creates pods of its template. */
export const POD_CONTROLLERS: { group: string; resource: string; kind: string }[] = [
  { group: "apps", resource: "deployments", kind: "Deployment" },
  { group: "apps", resource: "replicasets", kind: "ReplicaSet" },
  { group: "apps", resource: "statefulsets", kind: "StatefulSet" },
  { group: "apps", resource: "daemonsets", kind: "DaemonSet" },
  { group: "batch", resource: "jobs", kind: "Job" },
  { group: "batch", resource: "cronjobs", kind: "CronJob" },
];

/**
 * Namespaces in which some grant allows the request. `named`: the caller re-checks each object by
 * name, so a rule limited by resourceNames still counts here (it may allow one of them); without it,
 * such a rule never allows a request without a name (create, list), as the authorizer decides.
 */
export function namespacesAllowing(
  ctx: BuildContext,
  grants: Grant[],
  req: Omit<Request, "namespace" | "name">,
  named = false,
): Map<string, Grant> {
  const found = new Map<string, Grant>();
  for (const g of grants) {
    const rule = named ? { ...g.rule, resourceNames: [] } : g.rule;
    if (!ruleAllows(rule, req)) continue;
    if (g.scope === ALL) {
      for (const ns of ctx.view.namespaceNames()) if (!found.has(ns)) found.set(ns, g);
    } else if (ctx.view.namespaces.has(g.scope) && !found.has(g.scope)) found.set(g.scope, g);
  }
  return found;
}

const verbsAny = (
  grants: Grant[],
  verbs: string[],
  group: string,
  resource: string,
  namespace: string,
  name?: string,
) => {
  for (const verb of verbs) {
    const g = allowedBy(grants, { verb, group, resource, namespace, name });
    if (g) return g;
  }
  return undefined;
};

/** Whether an enforced admission policy refuses a non-platform principal's pods in `namespace`. */
export function podAdmissionRefuses(ctx: BuildContext, namespace: string): string | undefined {
  const identityNs = ctx.view.podIdentity.identityNamespace;
  if (namespace === identityNs && ctx.view.enforced(IDENTITY_NAMESPACE_WORKLOADS_POLICY))
    return `admission policy ${IDENTITY_NAMESPACE_WORKLOADS_POLICY}`;
  return undefined;
}

/** Namespaces where the principal can get a pod of its own choosing (for the pod-identity edges). */
export function podNamespaces(ctx: BuildContext, grants: Grant[]): Map<string, Grant> {
  const result = new Map<string, Grant>();
  const add = (m: Map<string, Grant>) => {
    for (const [ns, g] of m) if (!result.has(ns) && !podAdmissionRefuses(ctx, ns)) result.set(ns, g);
  };
  add(namespacesAllowing(ctx, grants, { verb: "create", group: "", resource: "pods" }));
  for (const c of POD_CONTROLLERS)
    add(namespacesAllowing(ctx, grants, { verb: "create", group: c.group, resource: c.resource }));
  return result;
}

/** Each existing ServiceAccount (by name) on which `grants` allow `verb` on `resource`, with the grant. */
function* serviceAccountsAllowing(
  ctx: BuildContext,
  grants: Grant[],
  verb: string,
  resource: string,
): Generator<{ ns: string; sa: string; g: Grant }> {
  for (const ns of namespacesAllowing(ctx, grants, { verb, group: "", resource }, true).keys()) {
    for (const sa of ctx.view.serviceAccounts.get(ns) ?? []) {
      const g = allowedBy(grants, { verb, group: "", resource, namespace: ns, name: sa });
      if (g) yield { ns, sa, g };
    }
  }
}

export function rbacEdges(ctx: BuildContext, from: string, grants: Grant[]): string[] {
  const { graph, view } = ctx;
  // Only the namespaces a right reaches are visited: the cost follows the grants, not the cluster.
  const inNamespaces = (namespaces: Set<string>) =>
    [...namespaces].flatMap((ns) => view.workloadsByNamespace.get(ns) ?? []);
  const created: string[] = [];
  const source = (g: Grant) => [g.binding];
  const pods = (
    ns: string,
    g: Grant,
    kind: "CREATE_POD" | "CREATE_WORKLOAD" | "PATCH_WORKLOAD",
    what: string,
  ) => {
    const refused = podAdmissionRefuses(ctx, ns);
    const edge: NewEdge = {
      from,
      to: podSpecNode(ctx, ns),
      kind,
      sources: source(g),
      control: `RBAC: ${g.bindingLabel} must not grant ${what} in ${ns}`,
      detail: `${what} in ${ns} (${g.bindingLabel})`,
    };
    if (refused) graph.addBlocked({ ...edge, blockedBy: refused });
    else graph.addEdge(edge);
  };
  // Pod and controller creation.
  for (const [ns, g] of namespacesAllowing(ctx, grants, { verb: "create", group: "", resource: "pods" }))
    pods(ns, g, "CREATE_POD", "create pods");
  for (const c of POD_CONTROLLERS) {
    for (const [ns, g] of namespacesAllowing(ctx, grants, {
      verb: "create",
      group: c.group,
      resource: c.resource,
    }))
      pods(ns, g, "CREATE_WORKLOAD", `create ${c.resource}`);
    // Changing an existing controller's template is as good as creating one.
    const patchable = new Set([
      ...namespacesAllowing(
        ctx,
        grants,
        { verb: "patch", group: c.group, resource: c.resource },
        true,
      ).keys(),
      ...namespacesAllowing(
        ctx,
        grants,
        { verb: "update", group: c.group, resource: c.resource },
        true,
      ).keys(),
    ]);
    for (const w of inNamespaces(patchable).filter((w) => w.object.kind === c.kind)) {
      const g = verbsAny(grants, ["patch", "update"], c.group, c.resource, w.namespace, w.object.name);
      if (g) pods(w.namespace, g, "PATCH_WORKLOAD", `patch ${c.resource}/${w.object.name}`);
    }
  }
  // Code execution in running workloads.
  const execable = new Set(
    (
      [
        ["create", "pods/exec"],
        ["get", "pods/exec"],
        ["create", "pods/attach"],
        ["get", "pods/attach"],
        ["patch", "pods/ephemeralcontainers"],
        ["update", "pods/ephemeralcontainers"],
      ] as const
    ).flatMap(([verb, resource]) => [
      ...namespacesAllowing(ctx, grants, { verb, group: "", resource }, true).keys(),
    ]),
  );
  for (const w of inNamespaces(execable)) {
    const name = w.object.kind === "Pod" ? w.object.name : undefined;
    const g =
      verbsAny(grants, ["create", "get"], "", "pods/exec", w.namespace, name) ??
      verbsAny(grants, ["create", "get"], "", "pods/attach", w.namespace, name) ??
      verbsAny(grants, ["patch", "update"], "", "pods/ephemeralcontainers", w.namespace, name);
    if (!g) continue;
    graph.addEdge({
      from,
      to: workloadNode(ctx, w),
      kind: "EXEC_INTO",
      sources: [g.binding, w.object.source],
      control: `RBAC: ${g.bindingLabel} must not grant pods/exec, pods/attach or pods/ephemeralcontainers in ${w.namespace}`,
      scenario: ctx.view.isMicWorkload(w) ? "S5" : undefined,
      detail: `exec/attach into ${w.object.kind} ${w.namespace}/${w.object.name}`,
    });
  }
  // Tokens of existing service accounts.
  for (const { ns, sa, g } of serviceAccountsAllowing(ctx, grants, "create", "serviceaccounts/token"))
    graph.addEdge({
      from,
      to: serviceAccountNode(ctx, ns, sa),
      kind: "TOKEN_REQUEST",
      sources: source(g),
      control: `RBAC: ${g.bindingLabel} must not grant create serviceaccounts/token in ${ns}`,
      detail: `TokenRequest for ${ns}/${sa} (any audience, api://AzureADTokenExchange included)`,
    });
  const readable = new Set(
    ["get", "list", "watch"].flatMap((verb) => [
      ...namespacesAllowing(ctx, grants, { verb, group: "", resource: "secrets" }, true).keys(),
    ]),
  );
  for (const secret of view.secrets.filter((x) => x.namespace && readable.has(x.namespace))) {
    if ((secret.body.type as string) !== "kubernetes.io/service-account-token" || !secret.namespace) continue;
    const sa = secret.annotations["kubernetes.io/service-account.name"];
    if (!sa) continue;
    const g = verbsAny(grants, ["get", "list", "watch"], "", "secrets", secret.namespace, secret.name);
    if (g)
      graph.addEdge({
        from,
        to: serviceAccountNode(ctx, secret.namespace, sa),
        kind: "SECRET_TOKEN",
        sources: [g.binding, secret.source],
        control: `RBAC: ${g.bindingLabel} must not grant reading secrets in ${secret.namespace}; no legacy token Secrets`,
        detail: `read legacy token Secret ${secret.namespace}/${secret.name}`,
      });
  }
  // Impersonation: users and groups are cluster-scoped requests; service accounts namespaced.
  for (const s of ctx.rbac.subjects.filter((s) => s.kind !== "ServiceAccount")) {
    const g = allowedBy(grants, {
      verb: "impersonate",
      group: "",
      resource: s.kind === "User" ? "users" : "groups",
      namespace: "",
      name: s.name,
    });
    if (g)
      graph.addEdge({
        from,
        to: principalNode(ctx, s),
        kind: "IMPERSONATE",
        sources: source(g),
        control: `RBAC: ${g.bindingLabel} must not grant impersonate`,
        detail: `impersonate ${s.kind} ${s.name}`,
      });
  }
  for (const { ns, sa, g } of serviceAccountsAllowing(ctx, grants, "impersonate", "serviceaccounts"))
    graph.addEdge({
      from,
      to: serviceAccountNode(ctx, ns, sa),
      kind: "IMPERSONATE",
      sources: source(g),
      control: `RBAC: ${g.bindingLabel} must not grant impersonate on serviceaccounts in ${ns}`,
      detail: `impersonate ServiceAccount ${ns}/${sa}`,
    });
  // Escalation: grant oneself any role (bind, or write roles beyond one's rights with escalate).
  const rbacGroup = "rbac.authorization.k8s.io";
  const escalate = (scope: string, g: Grant, what: string) => {
    const to = nodeId.allRights(scope);
    if (!graph.nodes.has(to)) {
      graph.addNode({
        id: to,
        kind: "all-rights",
        label: scope === ALL ? "every right in the cluster" : `every right in ${scope}`,
        namespace: scope === ALL ? undefined : scope,
      });
      created.push(to);
    }
    // Every right in the cluster already includes every namespace's.
    if (to === from || from === nodeId.allRights(ALL)) return;
    graph.addEdge({
      from,
      to,
      kind: "ESCALATE",
      sources: source(g),
      control: `RBAC: ${g.bindingLabel} must not grant ${what}`,
      detail: what,
    });
  };
  for (const ns of namespacesAllowing(ctx, grants, {
    verb: "create",
    group: rbacGroup,
    resource: "rolebindings",
  }).keys()) {
    const createBinding = allowedBy(grants, {
      verb: "create",
      group: rbacGroup,
      resource: "rolebindings",
      namespace: ns,
    });
    const bind =
      allowedBy(grants, { verb: "bind", group: rbacGroup, resource: "clusterroles", namespace: ns }) ??
      allowedBy(grants, { verb: "bind", group: rbacGroup, resource: "roles", namespace: ns });
    const escalateRoles = allowedBy(grants, {
      verb: "escalate",
      group: rbacGroup,
      resource: "roles",
      namespace: ns,
    });
    const createRole = allowedBy(grants, {
      verb: "create",
      group: rbacGroup,
      resource: "roles",
      namespace: ns,
    });
    if (createBinding && bind) escalate(ns, bind, `create rolebindings + bind in ${ns}`);
    else if (createBinding && createRole && escalateRoles)
      escalate(ns, escalateRoles, `create roles + escalate + rolebindings in ${ns}`);
  }
  const clusterBinding = allowedBy(grants, {
    verb: "create",
    group: rbacGroup,
    resource: "clusterrolebindings",
    namespace: "",
  });
  const clusterBind = allowedBy(grants, {
    verb: "bind",
    group: rbacGroup,
    resource: "clusterroles",
    namespace: "",
  });
  const clusterEscalate = allowedBy(grants, {
    verb: "escalate",
    group: rbacGroup,
    resource: "clusterroles",
    namespace: "",
  });
  if (clusterBinding && (clusterBind ?? clusterEscalate))
    escalate(ALL, (clusterBind ?? clusterEscalate)!, "create clusterrolebindings + bind/escalate");
  // Relabelling a namespace's Pod Security level, then running a privileged pod there.
  for (const [ns, podGrant] of podNamespaces(ctx, grants)) {
    const info = view.namespaces.get(ns)!;
    if (info.psaLevel === "privileged") continue; // already open: the pod-spec edges cover it
    const g = verbsAny(grants, ["patch", "update"], "", "namespaces", ns, ns);
    if (!g) continue;
    const edge: NewEdge = {
      from,
      to: nodeHostNode(ctx),
      kind: "NODE_ESCAPE",
      sources: [g.binding, podGrant.binding],
      control: `RBAC: ${g.bindingLabel} must not grant patch on namespace ${ns}; admission policy ${NAMESPACE_TRUST_ANCHORS_POLICY}`,
      scenario: "S4",
      detail: `relabel ${ns} to PSA privileged, then a privileged pod`,
    };
    if (view.enforced(NAMESPACE_TRUST_ANCHORS_POLICY))
      graph.addBlocked({ ...edge, blockedBy: `admission policy ${NAMESPACE_TRUST_ANCHORS_POLICY}` });
    else graph.addEdge(edge);
  }
  return created;
}
