/**
 * One path per threat scenario (S1-S6) for a team: the shortest paths answer "can team B become
 * identity X", but an operator also asks "which of the six ways are open on my cluster". For each
 * scenario edge the team can reach, the path is: the shortest way to the edge, the edge, then the
 * shortest way on to an identity the team does not own.
 */
import type { Analysis } from "./analyze";
import type { BuildContext } from "./build-context";
import { entriesOf } from "./analyze";
import type { GraphEdge } from "./model";
import { pathTo, shortestPathTree } from "./search";
import { SCENARIO_IDS } from "../../conventions/threats";

export interface ScenarioPath {
  team: string;
  scenario: string;
  identity: string;
  owner: string;
  path: GraphEdge[];
}

export function scenarioPaths(ctx: BuildContext, team: BuildContext["teams"][number]): ScenarioPath[] {
  const tree = shortestPathTree(ctx.graph, entriesOf(ctx, team));
  const found: ScenarioPath[] = [];
  for (const scenario of SCENARIO_IDS) {
    let best: ScenarioPath | undefined;
    for (const e of ctx.graph.edges) {
      if (e.scenario !== scenario || !tree.has(e.from)) continue;
      const onward = shortestPathTree(ctx.graph, [e.to]);
      for (const [id] of onward) {
        const node = ctx.graph.nodes.get(id)!;
        if (node.kind !== "identity" || (node.team ?? "(unowned)") === team.name) continue;
        const path = [...pathTo(tree, e.from), e, ...pathTo(onward, id)];
        if (!best || path.length < best.path.length)
          best = { team: team.name, scenario, identity: id, owner: node.team ?? "(unowned)", path };
      }
    }
    if (best) found.push(best);
  }
  return found;
}

/** Scenario paths of every team with a cross-team reach (a clean cluster has none to look for). */
export function allScenarioPaths(ctx: BuildContext, analysis: Analysis): ScenarioPath[] {
  return ctx.teams
    .filter((t) => analysis.teams.find((r) => r.team === t.name && !r.ownOnly))
    .flatMap((t) => scenarioPaths(ctx, t));
}
