/**
 * `attack-paths.json`: the graph (nodes, edges with the URNs or live objects that created them and
 * the control that cuts them, refused edges), and the answers (per team reach, per identity who can
 * become it). `--baseline` reads this same file back.
 */
import type { Analysis, Reach } from "./analyze";
import { pathText, reachKey } from "./analyze";
import type { AttackGraph } from "./model";
import type { ScenarioPath } from "./scenarios";

export const ATTACK_PATHS_VERSION = 1;

const reachJson = (r: Reach) => ({
  identity: r.identity.id,
  identityLabel: r.identity.label,
  owner: r.owner,
  crossTeam: r.crossTeam,
  hops: r.path.length,
  entry: r.entry,
  path: r.path.map((e) => e.id),
  pathText: pathText(r.path),
  key: reachKey(r),
  scopes: r.scopes,
  cut: { edge: r.cut.id, kind: r.cut.kind, control: r.cut.control },
});

export function attackPathsJson(
  graph: AttackGraph,
  analysis: Analysis,
  subject: string,
  assumptions: string[],
  scenarios: ScenarioPath[] = [],
): object {
  return {
    version: ATTACK_PATHS_VERSION,
    subject,
    assumptions,
    nodes: [...graph.nodes.values()],
    edges: graph.edges,
    blocked: graph.blocked,
    teams: analysis.teams.map((t) => ({
      team: t.team,
      namespaces: t.namespaces,
      entries: t.entries,
      ownOnly: t.ownOnly,
      reaches: t.reaches.map(reachJson),
    })),
    identities: analysis.identities.map((i) => ({
      identity: i.identity.id,
      label: i.identity.label,
      owner: i.owner,
      principals: i.principals,
      cutAgainst: i.cutAgainst,
      cut: i.cut.map((e) => ({
        edge: e.id,
        kind: e.kind,
        from: e.from,
        to: e.to,
        control: e.control,
        sources: e.sources,
      })),
    })),
    findings: analysis.findings.map((f) => ({ team: f.team, ...reachJson(f) })),
    scenarioPaths: scenarios.map((p) => ({
      team: p.team,
      scenario: p.scenario,
      identity: p.identity,
      owner: p.owner,
      path: p.path.map((e) => e.id),
      pathText: pathText(p.path),
    })),
  };
}
