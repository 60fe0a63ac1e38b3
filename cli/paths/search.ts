/**
 * Graph search: shortest paths (breadth-first, fewest hops) from a set of entry nodes, and a
 * minimum edge cut between a set of entry nodes and one target (max-flow with unit capacities,
 * Edmonds-Karp), i.e. the fewest edges whose removal leaves no path at all.
 */
import type { AttackGraph, GraphEdge } from "./model";

/** Reached node -> the edge it was first reached by (entries map to `null`). */
export function shortestPathTree(graph: AttackGraph, entries: string[]): Map<string, GraphEdge | null> {
  const parent = new Map<string, GraphEdge | null>();
  const queue: string[] = [];
  for (const e of entries)
    if (graph.nodes.has(e) && !parent.has(e)) {
      parent.set(e, null);
      queue.push(e);
    }
  for (let head = 0; head < queue.length; head++) {
    for (const edge of graph.outgoing(queue[head])) {
      if (parent.has(edge.to)) continue;
      parent.set(edge.to, edge);
      queue.push(edge.to);
    }
  }
  return parent;
}

export function pathTo(tree: Map<string, GraphEdge | null>, target: string): GraphEdge[] {
  const path: GraphEdge[] = [];
  for (let e = tree.get(target); e; e = tree.get(e.from)) path.unshift(e);
  return path;
}

/** Nodes that can reach `target` (following edges backwards). */
export function ancestors(incoming: Map<string, GraphEdge[]>, target: string): Set<string> {
  const seen = new Set([target]);
  const queue = [target];
  for (let head = 0; head < queue.length; head++)
    for (const e of incoming.get(queue[head]) ?? [])
      if (!seen.has(e.from)) {
        seen.add(e.from);
        queue.push(e.from);
      }
  return seen;
}

export function incomingIndex(graph: AttackGraph): Map<string, GraphEdge[]> {
  const incoming = new Map<string, GraphEdge[]>();
  for (const e of graph.edges) {
    const list = incoming.get(e.to);
    if (list) list.push(e);
    else incoming.set(e.to, [e]);
  }
  return incoming;
}

/**
 * A minimum set of edges separating every entry from `target`, over the sub-graph of nodes that
 * can reach it (`within`). Parallel edges between two nodes each count, as each is its own control.
 */
export function minimumCut(
  incoming: Map<string, GraphEdge[]>,
  entries: string[],
  target: string,
  within: Set<string>,
): GraphEdge[] {
  const SOURCE = "\u0000source";
  // Only the sub-graph that can reach the target: every edge into one of its nodes from another.
  const edges: GraphEdge[] = [];
  for (const node of within) for (const e of incoming.get(node) ?? []) if (within.has(e.from)) edges.push(e);
  const flow = new Map<string, number>(); // edge id -> 0/1
  const adjacency = new Map<string, { edge: GraphEdge; forward: boolean }[]>();
  const link = (node: string, item: { edge: GraphEdge; forward: boolean }) => {
    const list = adjacency.get(node);
    if (list) list.push(item);
    else adjacency.set(node, [item]);
  };
  for (const e of edges) {
    link(e.from, { edge: e, forward: true });
    link(e.to, { edge: e, forward: false });
  }
  const sources = entries.filter((e) => within.has(e) && e !== target);
  const augment = (): boolean => {
    const via = new Map<string, { edge: GraphEdge; forward: boolean } | null>([[SOURCE, null]]);
    const queue: string[] = [];
    for (const s of sources)
      if (!via.has(s)) {
        via.set(s, null);
        queue.push(s);
      }
    for (let head = 0; head < queue.length && !via.has(target); head++) {
      for (const item of adjacency.get(queue[head]) ?? []) {
        const next = item.forward ? item.edge.to : item.edge.from;
        const used = flow.get(item.edge.id) ?? 0;
        if (via.has(next) || (item.forward ? used >= 1 : used <= 0)) continue;
        via.set(next, item);
        queue.push(next);
      }
    }
    if (!via.has(target)) return false;
    for (let node = target, step = via.get(node); step; step = via.get(node)) {
      flow.set(step.edge.id, (flow.get(step.edge.id) ?? 0) + (step.forward ? 1 : -1));
      node = step.forward ? step.edge.from : step.edge.to;
    }
    return true;
  };
  // Bounded: the cut can never exceed the target's in-degree.
  for (let i = 0; i <= edges.length && augment(); i++);
  // The source side of the residual graph; saturated edges leaving it are the cut.
  const reach = new Set<string>(sources);
  const queue = [...sources];
  for (let head = 0; head < queue.length; head++)
    for (const item of adjacency.get(queue[head]) ?? []) {
      const next = item.forward ? item.edge.to : item.edge.from;
      const used = flow.get(item.edge.id) ?? 0;
      if (reach.has(next) || (item.forward ? used >= 1 : used <= 0)) continue;
      reach.add(next);
      queue.push(next);
    }
  return edges.filter((e) => reach.has(e.from) && !reach.has(e.to));
}
