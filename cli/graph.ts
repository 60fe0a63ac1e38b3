/**
 * Shape of the deployment graph. The engine cannot create a resource before its parent, its
 * dependencies and its provider, so the longest chain of those edges (the critical path) bounds how many sequential
 * steps an update takes, and the widest level bounds how much can run in parallel.
 */
import type { PlannedResource } from "./resources";

export interface GraphShape {
  /** Resources on the longest parent/provider/dependency chain (1 for a lone stack). */
  depth: number;
  /** URNs along one longest chain, from the root to the deepest resource. */
  criticalPath: string[];
  /** Most resources on one level, and which level (1-based). */
  widestLevel: { level: number; width: number };
  /** Edges to URNs that are not in the input (e.g. a partial export): ignored, but counted. */
  danglingEdges: number;
}

/** Levels by longest path (Kahn's algorithm: linear, no recursion, so 100k resources are fine). */
export function graphShape(resources: PlannedResource[]): GraphShape {
  const index = new Map(resources.map((r, i) => [r.urn, i]));
  const prereqs: number[][] = resources.map(() => []);
  const dependents: number[][] = resources.map(() => []);
  let danglingEdges = 0;
  resources.forEach((r, i) => {
    // A provider reference is `<provider urn>::<provider id>`; the URN is everything before the last `::`.
    const provider = r.provider ? r.provider.slice(0, r.provider.lastIndexOf("::")) : undefined;
    const edges = new Set([
      ...(r.parent ? [r.parent] : []),
      ...(provider ? [provider] : []),
      ...r.dependencies,
    ]);
    for (const urn of edges) {
      const j = index.get(urn);
      if (j === undefined || j === i) {
        if (j === undefined) danglingEdges++;
        continue;
      }
      prereqs[i].push(j);
      dependents[j].push(i);
    }
  });
  const level = new Array<number>(resources.length).fill(1);
  const via = new Array<number>(resources.length).fill(-1);
  const waiting = prereqs.map((p) => p.length);
  const queue = resources.map((_, i) => i).filter((i) => waiting[i] === 0);
  for (let head = 0; head < queue.length; head++) {
    const i = queue[head];
    for (const d of dependents[i]) {
      if (level[i] + 1 > level[d]) {
        level[d] = level[i] + 1;
        via[d] = i;
      }
      if (--waiting[d] === 0) queue.push(d);
    }
  }
  // A cycle cannot come from the engine; if a hand-edited file has one, its members keep level 1.
  let deepest = -1;
  const widths = new Map<number, number>();
  level.forEach((l, i) => {
    widths.set(l, (widths.get(l) ?? 0) + 1);
    if (deepest < 0 || l > level[deepest]) deepest = i;
  });
  const criticalPath: string[] = [];
  for (let i = deepest; i >= 0; i = via[i]) criticalPath.unshift(resources[i].urn);
  let widestLevel = { level: 0, width: 0 };
  for (const [l, width] of [...widths.entries()].sort((a, b) => a[0] - b[0])) {
    if (width > widestLevel.width) widestLevel = { level: l, width };
  }
  return { depth: deepest < 0 ? 0 : level[deepest], criticalPath, widestLevel, danglingEdges };
}
