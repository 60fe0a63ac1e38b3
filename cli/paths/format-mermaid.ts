/**
 * A Mermaid graph per team, collapsed to what its shortest paths cross: principal -> foothold ->
 * service account / node -> identity -> Azure scope. Cross-team identities are drawn red.
 */
import type { Analysis, TeamReport } from "./analyze";
import type { AttackGraph } from "./model";

const safeId = (id: string, ids: Map<string, string>) => {
  if (!ids.has(id)) ids.set(id, `n${ids.size}`);
  return ids.get(id)!;
};
/** Mermaid labels in quotes cannot hold `"`; keep them short. */
const label = (text: string) => text.replace(/"/g, "'").slice(0, 70);

export function teamMermaid(graph: AttackGraph, team: TeamReport): string {
  const ids = new Map<string, string>();
  const lines = ["graph LR"];
  const edges = new Set<string>();
  const declared = new Set<string>();
  const node = (id: string) => {
    const short = safeId(id, ids);
    if (!declared.has(id)) {
      declared.add(id);
      const n = graph.nodes.get(id);
      lines.push(`  ${short}["${label(n?.label ?? id)}"]`);
    }
    return short;
  };
  for (const r of team.reaches) {
    for (const e of r.path) {
      const line = `  ${node(e.from)} -->|${e.kind}| ${node(e.to)}`;
      if (!edges.has(line)) {
        edges.add(line);
        lines.push(line);
      }
    }
    for (const s of r.scopes) {
      const scopeId = `scope:${s.scope}`;
      const short = safeId(scopeId, ids);
      if (!declared.has(scopeId)) {
        declared.add(scopeId);
        lines.push(`  ${short}["${label(s.scope.split("/").slice(-2).join("/"))}"]`);
      }
      const line = `  ${node(r.identity.id)} -->|${label(s.role)}| ${short}`;
      if (!edges.has(line)) {
        edges.add(line);
        lines.push(line);
      }
    }
    if (r.crossTeam) lines.push(`  class ${node(r.identity.id)} crossTeam`);
  }
  if (team.reaches.length === 0) lines.push(`  none["${label(`${team.team}: no identity reached`)}"]`);
  lines.push("  classDef crossTeam fill:#fdd,stroke:#c00,stroke-width:2px");
  return lines.join("\n");
}

export function mermaidDocument(graph: AttackGraph, analysis: Analysis): string {
  return analysis.teams
    .map((t) => `## ${t.team}\n\n\`\`\`mermaid\n${teamMermaid(graph, t)}\n\`\`\`\n`)
    .join("\n");
}
