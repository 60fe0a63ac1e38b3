/**
 * The pool side of team node pools (issue 15): a team pool only keeps other teams' pods, and so their
 * reach to its nodes' IMDS, away when its team label and team taint agree, its taint keeps pods off
 * (`NoSchedule`, not `PreferNoSchedule`) and it is a User pool (AKS schedules its own add-ons on
 * System pools). A pool "shared" by two teams, or missing one of the two, is refused before it
 * exists.
 */
import { parseTaint, TEAM_POOL_KEY } from "../../../conventions/kubernetes";
import { validateResourceOfType } from "@pulumi/policy";
import { AgentPool } from "@pulumi/azure-native/containerservice/agentPool";
import { ManagedCluster } from "@pulumi/azure-native/containerservice/managedCluster";
import { Judge, judged, Props, UNKNOWN } from "../lib/judge";
import { PackResourcePolicy } from "../lib/metadata";

/** What a pool declaration says about its team: label value, team taints, mode. */
function judgePool(j: Judge, pool: Props, where: string): void {
  const label = j.read(() => (pool.nodeLabels as Record<string, string> | undefined)?.[TEAM_POOL_KEY]);
  const taints = j.items(() => pool.nodeTaints as string[] | undefined);
  if (label === UNKNOWN) return;
  const teamTaints: { team: string; effect: string }[] = [];
  for (const taint of taints) {
    const parsed = parseTaint(taint);
    if (parsed?.key === TEAM_POOL_KEY) teamTaints.push({ team: parsed.value ?? "", effect: parsed.effect });
  }
  if (label === undefined && teamTaints.length === 0) return; // not a team pool
  if (label === undefined) {
    j.report(
      `${where}: taint ${TEAM_POOL_KEY}=${teamTaints[0].team} without the label: the team's pods cannot select it.`,
    );
    return;
  }
  const own = teamTaints.filter((t) => t.team === label);
  const others = teamTaints.filter((t) => t.team !== label);
  if (others.length > 0)
    j.report(
      `${where}: labelled for team ${label} but tainted for ${others.map((t) => t.team).join(", ")}: one pool serves one team.`,
    );
  if (own.length === 0)
    j.report(
      `${where}: labelled for team ${label} without the taint ${TEAM_POOL_KEY}=${label}:NoSchedule: any team's pod could land there.`,
    );
  for (const t of own) {
    if (t.effect !== "NoSchedule" && t.effect !== "NoExecute")
      j.report(
        `${where}: taint ${TEAM_POOL_KEY}=${label}:${t.effect} does not keep other pods off (use NoSchedule).`,
      );
  }
  const mode = j.read(() => pool.mode as string | undefined);
  if (mode === "System")
    j.report(`${where}: a team pool in System mode (AKS places its own add-ons on System pools).`);
}

export const aksTeamNodePool: PackResourcePolicy = {
  name: "aks-team-node-pool",
  description:
    "A node pool labelled aks-hardening.io/team-pool=<team> is tainted for that team alone (NoSchedule) and is a User pool: no pool is shared by two teams or open to every pod.",
  severity: "critical",
  remediationSteps:
    "Give a team pool nodeLabels {aks-hardening.io/team-pool: <team>}, nodeTaints [aks-hardening.io/team-pool=<team>:NoSchedule] and mode User (the blueprint's teams[].nodePool does); one pool per team.",
  tags: [],
  validateResource: [
    validateResourceOfType(AgentPool, (pool, args, report) =>
      judged(report, (j) => judgePool(j, pool as Props, `AgentPool ${args.name}`)),
    ),
    validateResourceOfType(ManagedCluster, (cluster, args, report) =>
      judged(report, (j) => {
        for (const pool of j.items(() => cluster.agentPoolProfiles as Props[] | undefined)) {
          const name = j.read(() => pool.name as string);
          judgePool(j, pool, `ManagedCluster ${args.name} pool ${String(name)}`);
        }
      }),
    ),
  ],
};
