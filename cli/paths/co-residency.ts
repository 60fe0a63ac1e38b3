/**
 * Node co-residency (issue 15): which team's pods can be scheduled onto nodes whose scale set holds
 * another team's pod identities. aad-pod-identity puts an identity on the scale set of the nodes
 * where its team's pods run (MIC) or where the platform assigns it (managed mode: the blueprint's
 * `nodePoolIdentityAssignments` name the same pools), and IMDS serves every identity of a scale
 * set, so a pod of team B on such a node is one node foothold (an evicted NMI, a host-network pod,
 * an escape) away from team A's token.
 *
 * It is reported beside the paths, not as one of them: the foothold itself is an edge the graph
 * judges (PSA, NMI's priority), so co-residency is the exposure that remains when a foothold is
 * found, and it does not change the exit status. Judged from the node pools a plan or export
 * declares (create mode); a live cluster or an existing-mode stack declares none, and the report
 * says it was not judged.
 *
 * Where a team's pods can land: when the `aks-hardening-team-node-pool` policy is enforced and a
 * pool is labelled and tainted for the team, that pool only; otherwise every user pool no other
 * team's taint guards (with the policy) or every user pool (without it: nothing stops a toleration).
 */
import { TEAM_POOL_KEY } from "../../conventions/kubernetes";
import { TEAM_NODE_POOL_POLICY } from "../../conventions/admission/team-node-pool";
import type { BuildContext } from "./build-context";
import type { NodePoolFact } from "./facts";

export interface CoResidency {
  /** The team whose pods can land on `pool`. */
  team: string;
  pool: string;
  /** The team whose pod identities sit on `pool`. */
  owner: string;
  identities: string[];
}

export interface CoResidencyReport {
  judged: boolean;
  /** Why not, when not judged. */
  reason?: string;
  /** Whether `aks-hardening-team-node-pool` is bound with Deny. */
  enforced: boolean;
  /** Team -> the pools its pods (and so its pod identities) can land on. */
  placement: Record<string, string[]>;
  pairs: CoResidency[];
}

function policyEnforced(ctx: BuildContext): boolean {
  const objects = ctx.facts.objects;
  const policy = objects.some(
    (o) => o.kind === "ValidatingAdmissionPolicy" && o.name === TEAM_NODE_POOL_POLICY,
  );
  const binding = objects.some((o) => {
    if (o.kind !== "ValidatingAdmissionPolicyBinding") return false;
    const spec = (o.body.spec ?? {}) as { policyName?: string; validationActions?: string[] };
    return spec.policyName === TEAM_NODE_POOL_POLICY && (spec.validationActions ?? []).includes("Deny");
  });
  return policy && binding;
}

function landing(team: string, pools: NodePoolFact[], enforced: boolean): NodePoolFact[] {
  const user = pools.filter((p) => !p.system && p.otherTaints.length === 0);
  if (!enforced) return user;
  const own = user.filter(
    (p) => p.labelTeam === team && p.taintTeams.length > 0 && p.taintTeams.every((t) => t === team),
  );
  if (own.length > 0) return own;
  return user.filter((p) => p.taintTeams.length === 0 || p.taintTeams.every((t) => t === team));
}

export function coResidency(ctx: BuildContext): CoResidencyReport {
  const pools = ctx.facts.nodePools;
  const enforced = policyEnforced(ctx);
  if (pools === undefined)
    return {
      judged: false,
      reason: `no node pools declared (live cluster or existing mode): label and taint facts (${TEAM_POOL_KEY}) are not read`,
      enforced,
      placement: {},
      pairs: [],
    };
  const placement = Object.fromEntries(
    ctx.teams.map((t) => [t.name, landing(t.name, pools, enforced).map((p) => p.name)]),
  );
  const pairs: CoResidency[] = [];
  for (const owner of ctx.teams) {
    const identities = ctx.identities.all
      .filter(
        (i) => i.owner === owner.name && i.podIdentityNamespaces.some((ns) => owner.namespaces.includes(ns)),
      )
      .map((i) => i.name)
      .sort();
    if (identities.length === 0) continue;
    for (const team of ctx.teams) {
      if (team === owner) continue;
      for (const pool of placement[team.name].filter((p) => placement[owner.name].includes(p)))
        pairs.push({ team: team.name, pool, owner: owner.name, identities });
    }
  }
  return { judged: true, enforced, placement, pairs };
}

/** The report's section, one line per co-resident pair. */
export function coResidencyText(report: CoResidencyReport): string[] {
  const lines = ["", "Node co-residency (issue 15)"];
  if (!report.judged) return [...lines, `  not judged: ${report.reason}`];
  for (const [team, pools] of Object.entries(report.placement))
    lines.push(`  ${team}: pods land on ${pools.length > 0 ? pools.join(", ") : "no user pool"}`);
  if (report.pairs.length === 0)
    lines.push("  No team's pods share a node pool with another team's pod identities.");
  for (const p of report.pairs)
    lines.push(
      `  CO-RESIDENT: ${p.team}'s pods can run on pool ${p.pool}, which holds ${p.owner}'s pod identities (${p.identities.join(", ")}); cut by: a dedicated pool per pod-identity team (podIdentity.isolateNodes) and ${TEAM_NODE_POOL_POLICY}`,
    );
  return lines;
}
