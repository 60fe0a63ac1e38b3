/** What a stack is made of: resources counted by type and by the component that owns them. */
import type { PlannedResource } from "./resources";
import { parseUrn } from "./resources";

export interface Inventory {
  total: number;
  /** Custom resources only (what a provider will create). */
  customCount: number;
  /** Type token -> count, most frequent first. */
  byType: [string, number][];
  /** `<component type> <name>` -> count of its direct children, largest first. */
  byComponent: [string, number][];
}

function sortedCounts(counts: Map<string, number>): [string, number][] {
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

export function inventory(resources: PlannedResource[]): Inventory {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const byType = new Map<string, number>();
  const byComponent = new Map<string, number>();
  for (const r of resources) {
    byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
    if (!r.parent) continue;
    const parent = byUrn.get(r.parent);
    const label = parent ? `${parent.type} ${parseUrn(parent.urn).name}` : r.parent;
    byComponent.set(label, (byComponent.get(label) ?? 0) + 1);
  }
  return {
    total: resources.length,
    customCount: resources.filter((r) => r.custom).length,
    byType: sortedCounts(byType),
    byComponent: sortedCounts(byComponent),
  };
}
