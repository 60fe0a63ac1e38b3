/**
 * Edges after the Kubernetes side: the node's identities, Workload Identity trust, and Azure.
 *
 * - HOST_IMDS / NODE_HOLDS / NODE_TOKENS: a node's host reaches raw IMDS; IMDS serves every identity
 *   the node pools hold (the kubelet identity, and the pod identities MIC assigns to the scale sets
 *   or the operator pre-assigns in managed mode: scale-set instances share them); the host also
 *   holds the projected tokens of every pod that can be scheduled there.
 * - FIC_TRUST: a federated credential on identity X trusts ServiceAccount ns/sa when its issuer is
 *   this cluster's and its subject is `system:serviceaccount:<ns>:<sa>`, or its claims-matching
 *   expression (`claims['sub'] matches '<glob>'` / `eq '<value>'`, joined by `or`) matches that.
 *   The audience is no barrier to whoever can mint or project a token (TokenRequest takes any).
 *   Without Azure facts, each ServiceAccount's `azure.workload.identity/client-id` annotation is
 *   assumed to be backed by such a credential (the blueprint's convention), and said so.
 * - HAS_ROLE / CONTAINS: role assignments, and scope containment subscription > group > resource.
 * - FIC_WRITE / MI_OPERATOR: a role that can write federated credentials on identity Y (Owner,
 *   Contributor, Managed Identity Contributor) or attach it to compute (Managed Identity Operator,
 *   with a compute write role somewhere) reaches Y.
 */
import { BUILT_IN_ROLES } from "../../conventions/roles";
import type { BuildContext } from "./build-context";
import { identityNode, nodeHostNode, nodeImdsNode, serviceAccountNode } from "./build-context";
import type { Identity } from "./identities";
import { nodeId } from "./model";

const ROLE_NAMES = new Map<string, string>(Object.entries(BUILT_IN_ROLES).map(([name, id]) => [id, name]));
const FIC_WRITERS = new Set<string>([
  BUILT_IN_ROLES.Owner,
  BUILT_IN_ROLES.Contributor,
  BUILT_IN_ROLES["Managed Identity Contributor"],
]);
const COMPUTE_WRITERS = new Set<string>([
  BUILT_IN_ROLES.Owner,
  BUILT_IN_ROLES.Contributor,
  BUILT_IN_ROLES["Virtual Machine Contributor"],
]);
const SA_SUBJECT = /^system:serviceaccount:([^:]+):([^:]+)$/;

export function nodeEdges(ctx: BuildContext): void {
  const { graph, view } = ctx;
  const host = nodeHostNode(ctx);
  const imds = nodeImdsNode(ctx);
  graph.addEdge({
    from: host,
    to: imds,
    kind: "HOST_IMDS",
    sources: [],
    control: "keep pods off the host (PSA)",
    detail: "the host network reaches IMDS without NMI",
  });
  for (const w of view.workloads)
    graph.addEdge({
      from: host,
      to: serviceAccountNode(ctx, w.namespace, w.serviceAccount),
      kind: "NODE_TOKENS",
      sources: [w.object.source],
      control: "keep pods off the host (PSA); dedicated node pools per trust level",
      detail: `projected token of ${w.namespace}/${w.serviceAccount} on any node running ${w.object.name}`,
    });
  for (const i of ctx.identities.all.filter((i) => i.kubelet || i.podIdentityNamespaces.length > 0))
    graph.addEdge({
      from: imds,
      to: identityNode(ctx, i),
      kind: "NODE_HOLDS",
      sources: i.sources.slice(0, 1),
      control: i.kubelet
        ? "the kubelet identity is on every node"
        : "NMI in front of IMDS on every node (pod identity puts identities on the scale sets)",
      detail: i.kubelet ? "kubelet identity" : `pod identity ${i.name} assigned to the node pools`,
    });
}

/** A claims-matching expression as a predicate on the subject; `undefined` if not understood. */
export function subjectExpression(expression: string): ((subject: string) => boolean) | undefined {
  const terms = expression.split(/\s+or\s+/);
  const tests: ((s: string) => boolean)[] = [];
  for (const term of terms) {
    const m = /^\s*claims\[\s*'sub'\s*\]\s+(matches|eq)\s+'([^']*)'\s*$/.exec(term);
    if (!m) return undefined;
    if (m[1] === "eq") tests.push((s) => s === m[2]);
    else {
      const glob = new RegExp(
        `^${m[2]
          .split("*")
          .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
          .join(".*")}$`,
      );
      tests.push((s) => glob.test(s));
    }
  }
  return (s) => tests.some((t) => t(s));
}

export function workloadIdentityEdges(ctx: BuildContext): void {
  const { graph, view, facts } = ctx;
  if (!facts.azureKnown) {
    for (const i of ctx.identities.all)
      for (const ref of i.annotatedServiceAccounts) {
        const [ns, sa] = ref.split("/");
        graph.addEdge({
          from: serviceAccountNode(ctx, ns, sa),
          to: identityNode(ctx, i),
          kind: "FIC_TRUST",
          sources: i.sources,
          control: `the federated credential of ${i.name} must name system:serviceaccount:${ns}:${sa} only`,
          detail: `assumed federated credential for system:serviceaccount:${ns}:${sa} (client-id annotation)`,
        });
      }
    return;
  }
  const byGroupAndName = new Map<string, Identity>();
  for (const i of ctx.identities.all) {
    const m =
      /\/resourcegroups\/([^/]+)\/providers\/microsoft\.managedidentity\/userassignedidentities\/([^/]+)$/.exec(
        i.resourceId ?? "",
      );
    if (m) byGroupAndName.set(`${m[1]}/${m[2]}`, i);
  }
  const serviceAccounts = [...view.serviceAccounts].flatMap(([ns, names]) =>
    [...names].map((sa) => ({ ns, sa })),
  );
  for (const f of facts.federatedCredentials) {
    const identity = byGroupAndName.get(`${f.identityResourceGroup}/${f.identityName}`);
    if (!identity) continue;
    if (facts.cluster.issuer && f.issuer && f.issuer !== facts.cluster.issuer) continue; // another cluster's trust
    const edge = (ns: string, sa: string, how: string) =>
      graph.addEdge({
        from: serviceAccountNode(ctx, ns, sa),
        to: identityNode(ctx, identity),
        kind: "FIC_TRUST",
        sources: [f.source],
        control: `federated credential ${f.source.split("::").pop()} must name exactly one ServiceAccount of the owning team`,
        detail: `${how}; audiences ${f.audiences.join(", ") || "(none)"}`,
      });
    if (f.subject) {
      const m = SA_SUBJECT.exec(f.subject);
      if (m) edge(m[1], m[2], `subject ${f.subject}`);
    } else if (f.claimsMatchingExpression) {
      const test = subjectExpression(f.claimsMatchingExpression);
      if (!test)
        facts.assumptions.push(
          `federated credential ${f.source}: expression ${JSON.stringify(f.claimsMatchingExpression)} not understood; taken to match every ServiceAccount`,
        );
      for (const { ns, sa } of serviceAccounts)
        if (!test || test(`system:serviceaccount:${ns}:${sa}`))
          edge(ns, sa, `expression ${f.claimsMatchingExpression} matches`);
    }
  }
}

export function azureEdges(ctx: BuildContext): void {
  const { graph, facts } = ctx;
  const scopeNode = (scope: string) => {
    const id = nodeId.scope(scope);
    graph.addNode({
      id,
      kind: "azure-scope",
      label: scope.split("/").slice(-2).join("/"),
      resourceId: scope,
    });
    return id;
  };
  const scopes = new Set<string>();
  const computeWriters = new Set(
    facts.roleAssignments.filter((a) => COMPUTE_WRITERS.has(a.roleId)).map((a) => a.principalId),
  );
  for (const a of facts.roleAssignments) {
    const holder = ctx.identities.byPrincipal(a.principalId);
    if (!holder) continue;
    const role = ROLE_NAMES.get(a.roleId) ?? a.roleId;
    scopes.add(a.scope);
    graph.addEdge({
      from: identityNode(ctx, holder),
      to: scopeNode(a.scope),
      kind: "HAS_ROLE",
      sources: [a.source],
      control: `role assignment ${role} at ${a.scope}`,
      detail: role,
    });
    const writesFic = FIC_WRITERS.has(a.roleId);
    const operates =
      a.roleId === BUILT_IN_ROLES["Managed Identity Operator"] && computeWriters.has(a.principalId);
    if (!writesFic && !operates) continue;
    for (const target of ctx.identities.all) {
      if (target === holder || !target.resourceId) continue;
      if (target.resourceId !== a.scope && !target.resourceId.startsWith(`${a.scope}/`)) continue;
      graph.addEdge({
        from: identityNode(ctx, holder),
        to: identityNode(ctx, target),
        kind: writesFic ? "FIC_WRITE" : "MI_OPERATOR",
        sources: [a.source],
        control: `role assignment ${role} at ${a.scope} (grant it per identity, to the platform only)`,
        detail: writesFic
          ? `${role} can add a federated credential to ${target.name}`
          : `${role} can attach ${target.name} to compute it controls`,
      });
    }
  }
  // Containment among the scopes that carry a role: a role on a group reaches what is in it.
  const sorted = [...scopes].sort((a, b) => a.length - b.length);
  for (let i = 0; i < sorted.length; i++)
    for (let j = i + 1; j < sorted.length; j++)
      if (sorted[j].startsWith(`${sorted[i]}/`))
        graph.addEdge({
          from: scopeNode(sorted[i]),
          to: scopeNode(sorted[j]),
          kind: "CONTAINS",
          sources: [],
          control: "(scope containment)",
          detail: "contains",
        });
}
