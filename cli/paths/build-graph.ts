/**
 * Builds the attack graph from the facts: every principal RBAC names (and every service account)
 * gets its RBAC edges, pod-identity write edges and, once reached, the pod-spec, workload, node,
 * Workload Identity and Azure edges. Escalation nodes ("every right in N") are expanded like any
 * principal, so a bind/escalate right leads on to whatever those rights lead to.
 */
import type { BuildContext } from "./build-context";
import { principalNode } from "./build-context";
import { ClusterView } from "./cluster-view";
import { azureEdges, nodeEdges, workloadIdentityEdges } from "./edges-azure";
import { bindingTargets, podIdentityWriteEdges, podSpecEdges, workloadEdges } from "./edges-pod-identity";
import { podNamespaces, rbacEdges } from "./edges-rbac";
import type { Facts } from "./facts";
import { IdentityRegistry, PLATFORM } from "./identities";
import { AttackGraph } from "./model";
import { ALL, EVERY_RIGHT, Rbac, type Grant, type Subject } from "./rbac";
import { holdsEveryRight, teamsFromCluster, type Team } from "./teams";

export function buildGraph(facts: Facts, teams?: Team[]): BuildContext {
  const view = new ClusterView(facts.objects);
  const rbac = new Rbac(facts.objects);
  // A teams file also says which namespaces are whose (for clusters without team labels).
  if (teams) view.assignTeams(teams);
  const identities = new IdentityRegistry(facts, view);
  const ctx: BuildContext = {
    graph: new AttackGraph(),
    facts,
    view,
    rbac,
    identities,
    teams: teams ?? teamsFromCluster(view, rbac),
  };
  if (ctx.teams.length === 0)
    facts.assumptions.push(
      "no teams found: no namespace carries the aks-hardening.io/team label; pass --teams <file> to name them",
    );
  for (const u of rbac.unresolved)
    facts.assumptions.push(`binding to an undeclared role grants nothing here: ${u}`);
  if (view.podIdentity.present && !view.podIdentity.sources.length)
    facts.assumptions.push(
      "aad-pod-identity objects found but no MIC/NMI workload: their defaults are assumed (not namespaced, --MICNamespace=default)",
    );
  if (!facts.cluster.kubeletClientId && !facts.cluster.kubeletResourceId)
    facts.assumptions.push(
      "the kubelet identity is not in the input: a node compromise also yields it, not shown",
    );
  if (!facts.azureKnown)
    facts.assumptions.push(
      "no Azure facts: each ServiceAccount's azure.workload.identity/client-id is assumed backed by a federated credential for exactly that ServiceAccount; role assignments unknown",
    );

  const expand = (from: string, grants: Grant[]) => {
    const created = rbacEdges(ctx, from, grants);
    podIdentityWriteEdges(ctx, from, grants, podNamespaces(ctx, grants));
    return created;
  };
  const subjects: Subject[] = [...rbac.subjects];
  for (const t of ctx.teams) subjects.push(...t.principals);
  for (const [ns, names] of view.serviceAccounts)
    for (const name of names) subjects.push({ kind: "ServiceAccount", name, namespace: ns });
  const done = new Set<string>();
  const pending: { id: string; grants: Grant[] }[] = [];
  for (const s of subjects) {
    const id = principalNode(ctx, s);
    if (done.has(id)) continue;
    done.add(id);
    const grants = rbac.grantsOf(s);
    // The platform (every right, cluster-wide) is trusted: its reach is everything by design, and
    // the admission policies exempt it; it is a node without edges, reached only by escalation.
    if (holdsEveryRight(grants)) {
      ctx.graph.nodes.get(id)!.team ??= PLATFORM;
      continue;
    }
    pending.push({ id, grants });
  }
  while (pending.length > 0) {
    const { id, grants } = pending.pop()!;
    for (const escalated of expand(id, grants)) {
      if (done.has(escalated)) continue;
      done.add(escalated);
      const scope = ctx.graph.nodes.get(escalated)!.namespace ?? ALL;
      pending.push({
        id: escalated,
        grants: [{ rule: EVERY_RIGHT, scope, binding: id, bindingLabel: `escalation from ${id}` }],
      });
    }
  }
  const targets = bindingTargets(ctx);
  for (const node of [...ctx.graph.nodes.values()].filter((n) => n.kind === "pod-spec"))
    podSpecEdges(ctx, targets, node.namespace!);
  const bySelector = new Map<string, typeof targets>();
  for (const t of targets) bySelector.set(t.selector, [...(bySelector.get(t.selector) ?? []), t]);
  for (const w of view.workloads) workloadEdges(ctx, bySelector, w);
  nodeEdges(ctx);
  workloadIdentityEdges(ctx);
  azureEdges(ctx);
  return ctx;
}

export { ClusterView };
