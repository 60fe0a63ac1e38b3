/**
 * A Mermaid flowchart of the deployment for the threat report. Components are nodes linked to
 * their parent component; each node lists its direct custom children by kind. Siblings of the
 * same component type are folded into one "×N" node past a threshold, so a 200-team stack stays
 * a readable picture instead of thousands of boxes.
 */
import type { PlannedResource } from "./resources";
import { parseUrn } from "./resources";

/** More siblings of one component type than this are drawn as one summary node. */
const FOLD_THRESHOLD = 3;
/** Child kinds listed inside a node before "+N more". */
const KINDS_PER_NODE = 4;

function shortType(type: string): string {
  return type.split(":").pop() ?? type;
}

/** Mermaid labels are quoted; quotes and angle brackets would break the syntax. */
function escape(text: string): string {
  return text.replace(/"/g, "'").replace(/[<>]/g, "");
}

function kindsSummary(children: PlannedResource[]): string {
  const counts = new Map<string, number>();
  for (const c of children.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"))) {
    counts.set(shortType(c.type), (counts.get(shortType(c.type)) ?? 0) + 1);
  }
  const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const shown = sorted.slice(0, KINDS_PER_NODE).map(([k, n]) => escape(n > 1 ? `${k} ×${n}` : k));
  if (sorted.length > KINDS_PER_NODE) shown.push(`+${sorted.length - KINDS_PER_NODE} more kinds`);
  return shown.join("<br/>");
}

export function deploymentDiagram(resources: PlannedResource[]): string {
  const children = new Map<string, PlannedResource[]>();
  for (const r of resources) {
    if (!r.parent) continue;
    const list = children.get(r.parent);
    if (list) list.push(r);
    else children.set(r.parent, [r]);
  }
  const lines = ["flowchart LR"];
  let counter = 0;
  const draw = (label: string, members: PlannedResource[], parentId?: string) => {
    const id = `n${counter++}`;
    const kids = members.flatMap((m) => children.get(m.urn) ?? []);
    const summary = kindsSummary(kids);
    lines.push(`  ${id}["${escape(label)}${summary ? `<br/><small>${summary}</small>` : ""}"]`);
    if (parentId) lines.push(`  ${parentId} --> ${id}`);
    // Child components, grouped by type; large groups fold into one node.
    const components = kids.filter((k) => !k.custom);
    const byType = new Map<string, PlannedResource[]>();
    for (const c of components) {
      const group = byType.get(c.type);
      if (group) group.push(c);
      else byType.set(c.type, [c]);
    }
    for (const [type, group] of byType) {
      if (group.length > FOLD_THRESHOLD) draw(`${shortType(type)} ×${group.length}`, group, id);
      else for (const c of group) draw(`${shortType(type)} ${parseUrn(c.urn).name}`, [c], id);
    }
  };
  const urns = new Set(resources.map((r) => r.urn));
  const roots = resources.filter((r) => !r.custom && (!r.parent || !urns.has(r.parent)));
  for (const root of roots) draw(`${shortType(root.type)} ${parseUrn(root.urn).name}`, [root]);
  return lines.join("\n");
}
