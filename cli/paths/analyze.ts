/**
 * The questions the report answers, over the built graph:
 * - per team: which identities (and Azure scopes) its principals and pods can reach, each with the
 *   shortest path, its owner, and the control that cuts it;
 * - per identity: every entry principal that can become it, and a minimum cut set (against the
 *   other teams when any of them can, else against everyone).
 * A team reaching an identity it does not own is a finding (exit 1).
 */
import type { BuildContext } from "./build-context";
import { nodeId, type GraphEdge, type GraphNode } from "./model";
import { ancestors, incomingIndex, minimumCut, pathTo, shortestPathTree } from "./search";

export interface Reach {
  team: string;
  identity: GraphNode;
  owner: string;
  crossTeam: boolean;
  path: GraphEdge[];
  /** Entry node the shortest path starts from. */
  entry: string;
  /** Azure scopes the identity holds roles on (role names), transitively contained ones not listed. */
  scopes: { scope: string; role: string }[];
  /** The control on the path that cuts it (in the identity's cut set when there is one). */
  cut: GraphEdge;
}

export interface TeamReport {
  team: string;
  namespaces: string[];
  entries: string[];
  reaches: Reach[];
  /** `true` when every reached identity is the team's own. */
  ownOnly: boolean;
}

export interface IdentityReport {
  identity: GraphNode;
  owner: string;
  /** Entry nodes (team principals and pods) that can become it, with their team. */
  principals: { node: string; teams: string[] }[];
  /** Minimum cut against the other teams (or everyone when no other team reaches it). */
  cutAgainst: "other-teams" | "everyone";
  cut: GraphEdge[];
}

export interface Analysis {
  teams: TeamReport[];
  identities: IdentityReport[];
  findings: Reach[];
}

const UNOWNED = "(unowned)";

export function entriesOf(ctx: BuildContext, team: BuildContext["teams"][number]): string[] {
  const entries = team.principals.map((p) =>
    p.kind === "Group" ? nodeId.group(p.name) : nodeId.user(p.name),
  );
  for (const ns of team.namespaces)
    for (const sa of ctx.view.serviceAccounts.get(ns) ?? []) entries.push(nodeId.serviceAccount(ns, sa));
  return entries.filter((e) => ctx.graph.nodes.has(e));
}

export function analyze(ctx: BuildContext): Analysis {
  const { graph } = ctx;
  const identities = [...graph.nodes.values()]
    .filter((n) => n.kind === "identity")
    .sort((a, b) => a.label.localeCompare(b.label));
  const incoming = incomingIndex(graph);
  const teamEntries = new Map(ctx.teams.map((t) => [t.name, entriesOf(ctx, t)]));
  const entryTeams = new Map<string, string[]>();
  for (const [team, entries] of teamEntries)
    for (const e of entries) entryTeams.set(e, [...(entryTeams.get(e) ?? []), team]);

  const identityReports: IdentityReport[] = identities.map((identity) => {
    const owner = identity.team ?? UNOWNED;
    const within = ancestors(incoming, identity.id);
    const principals = [...entryTeams]
      .filter(([e]) => within.has(e))
      .map(([node, teams]) => ({ node, teams }));
    const others = principals.filter((p) => p.teams.some((t) => t !== owner)).map((p) => p.node);
    const against = others.length > 0 ? others : principals.map((p) => p.node);
    return {
      identity,
      owner,
      principals,
      cutAgainst: others.length > 0 ? "other-teams" : "everyone",
      cut: against.length > 0 ? minimumCut(incoming, against, identity.id, within) : [],
    };
  });
  const cutOf = new Map(identityReports.map((r) => [r.identity.id, new Set(r.cut.map((e) => e.id))]));

  const teams: TeamReport[] = ctx.teams.map((t) => {
    const entries = teamEntries.get(t.name)!;
    const tree = shortestPathTree(graph, entries);
    const reaches: Reach[] = [];
    for (const identity of identities) {
      if (!tree.has(identity.id)) continue;
      const path = pathTo(tree, identity.id);
      if (path.length === 0) continue;
      const owner = identity.team ?? UNOWNED;
      const inCut = path.find((e) => cutOf.get(identity.id)!.has(e.id));
      // For another team's identity, the step onto something that team (or the platform) owns is
      // the mistake to fix (a widened binding, a shared namespace), even when a later edge is a
      // smaller cut.
      const crossing = path.find((e) => {
        const team = graph.nodes.get(e.to)?.team;
        return team !== undefined && !team.split(",").includes(t.name);
      });
      reaches.push({
        team: t.name,
        identity,
        owner,
        crossTeam: owner !== t.name,
        path,
        entry: path[0].from,
        scopes: graph
          .outgoing(identity.id)
          .filter((e) => e.kind === "HAS_ROLE")
          .map((e) => ({ scope: graph.nodes.get(e.to)!.resourceId ?? e.to, role: e.detail })),
        cut: (owner !== t.name ? crossing : undefined) ?? inCut ?? path.find((e) => e.scenario) ?? path[0],
      });
    }
    return {
      team: t.name,
      namespaces: t.namespaces,
      entries,
      reaches,
      ownOnly: reaches.every((r) => !r.crossTeam),
    };
  });
  return {
    teams,
    identities: identityReports,
    findings: teams.flatMap((t) => t.reaches.filter((r) => r.crossTeam)),
  };
}

/** A path in one line: `group:x -CREATE_POD-> pod-spec:ns -POD_LABEL_MATCH-> identity:...`. */
export function pathText(path: GraphEdge[]): string {
  if (path.length === 0) return "";
  return [path[0].from, ...path.map((e) => ` -${e.kind}-> ${e.to}`)].join("");
}

/** A stable key for a path (baseline comparison): team, identity and the hops. */
export function reachKey(r: Pick<Reach, "team" | "identity" | "path">): string {
  return `${r.team}|${r.identity.id}|${pathText(r.path)}`;
}
