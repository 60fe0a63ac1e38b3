/**
 * System-mode node pools are reserved to the platform, whether declared inline on the cluster
 * (`agentPoolProfiles`) or as separate `azure-native:containerservice:AgentPool` resources (how teams
 * add pools): a team pod on a System pool shares a node, and its IMDS, with the platform's add-ons.
 */
import { validateResourceOfType } from "@pulumi/policy";
import { AgentPool } from "@pulumi/azure-native/containerservice/agentPool";
import { ManagedCluster } from "@pulumi/azure-native/containerservice/managedCluster";
import { parseTaint, PLATFORM_POOL_TAINT_KEYS } from "../../../conventions/kubernetes";
import { Judge, judged, UNKNOWN } from "../lib/judge";
import { PackResourcePolicy } from "../lib/metadata";

/** `key[=value]:effect` taints that keep every pod without a toleration off the node. */
function reservesPool(taints: unknown[]): boolean {
  return taints.some((t) => {
    const parsed = parseTaint(t);
    return (
      parsed !== undefined &&
      PLATFORM_POOL_TAINT_KEYS.includes(parsed.key) &&
      (parsed.effect === "NoSchedule" || parsed.effect === "NoExecute")
    );
  });
}

const RESERVED = `${PLATFORM_POOL_TAINT_KEYS.join(" or ")} (NoSchedule or NoExecute)`;

/** A System pool's verdict: reported unless its taints are unknown (decided only at `up`). */
function judgeSystemPool(j: Judge, taints: () => unknown[] | undefined, message: string): void {
  const { known, complete } = j.list(taints);
  if (!reservesPool(known) && complete) j.report(message);
}

export const aksSystemPoolReserved: PackResourcePolicy = {
  name: "aks-system-pool-reserved",
  description: `Every System-mode node pool is tainted ${RESERVED}, and the cluster declares one: team pods never share a node with the platform's add-ons.`,
  severity: "high",
  remediationSteps:
    'Keep the system pool `mode: System` with `nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"]` (the blueprint\'s systemPool does); run team workloads on User pools.',
  tags: [],
  validateResource: [
    validateResourceOfType(ManagedCluster, (cluster, _args, report) =>
      judged(report, (j) => {
        const pools = j.list(() => cluster.agentPoolProfiles);
        let systemPools = 0;
        let modesKnown = pools.complete;
        for (const pool of pools.known) {
          const mode = j.read(() => pool.mode);
          if (mode === UNKNOWN) modesKnown = false;
          if (mode !== "System") continue;
          systemPools++;
          judgeSystemPool(
            j,
            () => pool.nodeTaints,
            `agentPoolProfiles entry ${JSON.stringify(pool.name)} is a System pool without the taint ${RESERVED}.`,
          );
        }
        if (systemPools === 0 && modesKnown)
          j.report(
            "agentPoolProfiles declares no pool with mode System: declare the system pool here, tainted (AKS would run its add-ons on an untainted pool).",
          );
      }),
    ),
    validateResourceOfType(AgentPool, (pool, _args, report) =>
      judged(report, (j) => {
        if (j.read(() => pool.mode) !== "System") return;
        judgeSystemPool(j, () => pool.nodeTaints, `a System pool must carry the taint ${RESERVED}.`);
      }),
    ),
  ],
};
