/**
 * What every edge builder shares: the graph being built, the indexed facts, RBAC, the identity
 * registry, and helpers that create nodes with stable IDs.
 */
import type { ClusterView, Workload } from "./cluster-view";
import type { Facts } from "./facts";
import type { Identity, IdentityRegistry } from "./identities";
import { PLATFORM } from "./identities";
import { AttackGraph, nodeId } from "./model";
import type { Rbac, Subject } from "./rbac";
import type { Team } from "./teams";

export interface BuildContext {
  graph: AttackGraph;
  facts: Facts;
  view: ClusterView;
  rbac: Rbac;
  identities: IdentityRegistry;
  teams: Team[];
}

export function principalNode(ctx: BuildContext, s: Subject): string {
  if (s.kind === "ServiceAccount") return serviceAccountNode(ctx, s.namespace!, s.name);
  const team = ctx.teams
    .filter((t) => t.principals.some((p) => p.kind === s.kind && p.name === s.name))
    .map((t) => t.name);
  const id = s.kind === "Group" ? nodeId.group(s.name) : nodeId.user(s.name);
  ctx.graph.addNode({
    id,
    kind: s.kind === "Group" ? "group" : "user",
    label: `${s.kind} ${s.name}`,
    team: team.join(",") || undefined,
  });
  return id;
}

export function serviceAccountNode(ctx: BuildContext, namespace: string, name: string): string {
  const id = nodeId.serviceAccount(namespace, name);
  ctx.graph.addNode({
    id,
    kind: "service-account",
    label: `ServiceAccount ${namespace}/${name}`,
    namespace,
    team: ctx.view.teamOfNamespace(namespace),
  });
  return id;
}

export function podSpecNode(ctx: BuildContext, namespace: string): string {
  const id = nodeId.podSpec(namespace);
  ctx.graph.addNode({
    id,
    kind: "pod-spec",
    label: `a pod of its choosing in ${namespace}`,
    namespace,
    team: ctx.view.teamOfNamespace(namespace),
  });
  return id;
}

export function workloadNode(ctx: BuildContext, w: Workload): string {
  const id = nodeId.workload(w.namespace, w.object.kind, w.object.name);
  ctx.graph.addNode({
    id,
    kind: "workload",
    label: `${w.object.kind} ${w.namespace}/${w.object.name}`,
    namespace: w.namespace,
    team: ctx.view.teamOfNamespace(w.namespace),
    source: w.object.source,
  });
  return id;
}

export function identityNode(ctx: BuildContext, i: Identity): string {
  const id = nodeId.identity(i.key);
  ctx.graph.addNode({
    id,
    kind: "identity",
    label: i.kubelet ? `kubelet identity ${i.name}` : `managed identity ${i.name}`,
    team: i.owner,
    source: i.sources[0],
    clientId: i.clientId,
    resourceId: i.resourceId,
  });
  return id;
}

export function nodeHostNode(ctx: BuildContext): string {
  const id = nodeId.nodeHost();
  ctx.graph.addNode({
    id,
    kind: "node-host",
    label: "a node's host (kubelet files, co-scheduled pods' tokens)",
    team: PLATFORM,
  });
  return id;
}

export function nodeImdsNode(ctx: BuildContext): string {
  const id = nodeId.nodeImds();
  ctx.graph.addNode({
    id,
    kind: "node-imds",
    label: "raw IMDS on a node (every identity the node pools hold)",
    team: PLATFORM,
  });
  return id;
}
