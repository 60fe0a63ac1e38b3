/**
 * Team node pools (issue 15): the preview-time twins of `aks-hardening-team-node-pool` and the
 * pool/identity configuration checks.
 *
 * aad-pod-identity puts a team's identities on the scale set of every node its pods run on (MIC)
 * or on the pools the platform assigns them to (managed mode); anything that reaches a node's IMDS
 * reaches all of them. A team's own pool is labelled and tainted `aks-hardening.io/team-pool=<team>`
 * (`NoSchedule`); these policies refuse, before anything is created:
 * - a workload in a team's namespace that does not select its team's pool (when the team has one),
 *   or that selects, requires or tolerates another team's pool;
 * - a node pool whose team label and team taint disagree (a pool "shared" by two teams), lack one
 *   another, or whose taint does not keep pods off (`PreferNoSchedule`), or a team pool in System
 *   mode (AKS schedules its own add-ons on System pools);
 * - in a stack that creates the cluster, a namespace of a team with AzureIdentities and no pool
 *   labelled for that team (its identities would share nodes).
 */
import {
  DEFAULT_IDENTITY_NAMESPACE,
  parseTaint,
  TEAM_LABEL,
  TEAM_POOL_KEY,
} from "../../../conventions/kubernetes";
import { PolicyConfigSchema, validateResourceOfType } from "@pulumi/policy";
import { AgentPool } from "@pulumi/azure-native/containerservice/agentPool";
import { ManagedCluster } from "@pulumi/azure-native/containerservice/managedCluster";
import { configWithDefaults } from "../lib/config";
import { Judge, judged, Props, UNKNOWN } from "../lib/judge";
import { namespaceOf } from "../lib/kubernetes";
import { PackResourcePolicy, PackStackPolicy } from "../lib/metadata";
import { AZURE_IDENTITY_TYPE, metadataEntry, metadataOf, namespacesByName } from "../stack/stack-index";
import { podTemplateOf, validatePodTemplates } from "./workloads";

interface PoolTeam {
  namespaces: string[];
  dedicatedPool: boolean;
}

const placementConfig: PolicyConfigSchema = {
  properties: {
    teams: {
      type: "object",
      additionalProperties: {
        type: "object",
        properties: {
          namespaces: { type: "array", items: { type: "string" } },
          dedicatedPool: { type: "boolean" },
        },
        required: ["namespaces", "dedicatedPool"],
        additionalProperties: false,
      },
      default: {},
      description:
        "Team name -> its namespaces and whether it has a dedicated node pool (as the platform stack's teams[].nodePool); workloads in those namespaces must select the team's pool when it has one, and never another team's.",
    },
    exemptNamespaces: {
      type: "array",
      items: { type: "string" },
      default: [DEFAULT_IDENTITY_NAMESPACE, "kube-system"],
      description:
        "Namespaces whose workloads may tolerate every team's pool (NMI runs on every node; the platform's own).",
    },
  },
};

interface PlacementConfig {
  teams: Record<string, PoolTeam>;
  exemptNamespaces: string[];
}

/** Describes each way `spec` reaches beyond `team`'s pool (`team` undefined: a namespace of no team). */
function foreignPlacements(j: Judge, spec: Props, team: string | undefined): string[] {
  const found: string[] = [];
  const selected = j.read(() => (spec.nodeSelector as Record<string, string> | undefined)?.[TEAM_POOL_KEY]);
  if (typeof selected === "string" && selected !== team)
    found.push(
      `nodeSelector ${TEAM_POOL_KEY}=${selected} is not ${team ? `team ${team}'s` : "its team's"} pool`,
    );
  for (const toleration of j.items(() => spec.tolerations as Props[] | undefined)) {
    const key = j.read(() => toleration.key as string | undefined);
    if (key !== TEAM_POOL_KEY) continue;
    const operator = j.read(() => (toleration.operator as string | undefined) ?? "Equal");
    const value = j.read(() => toleration.value as string | undefined);
    if (operator === UNKNOWN || value === UNKNOWN) continue;
    if (operator !== "Equal" || value !== team)
      found.push(`tolerates ${TEAM_POOL_KEY} (${operator} ${value ?? "<any>"}), beyond its own pool`);
  }
  const terms = j.items(
    () =>
      spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms as
        | Props[]
        | undefined,
  );
  for (const term of terms) {
    for (const e of j.items(() => term.matchExpressions as Props[] | undefined)) {
      const key = j.read(() => e.key as string);
      if (key !== TEAM_POOL_KEY) continue;
      const operator = j.read(() => e.operator as string);
      const values = j.items(() => e.values as string[] | undefined);
      if (operator === UNKNOWN) continue;
      const own = operator === "In" && values.length > 0 && values.every((v) => v === team);
      if (!own)
        found.push(`requires ${TEAM_POOL_KEY} ${operator} [${values.join(", ")}], beyond its own pool`);
    }
  }
  return found;
}

export const k8sTeamNodePool: PackResourcePolicy = {
  name: "k8s-team-node-pool",
  description:
    "A workload in a team's namespace selects its team's dedicated node pool (when it has one) and never selects, requires or tolerates another team's pool, so no node carries two teams' identities.",
  severity: "critical",
  remediationSteps:
    "Use the TeamWorkload component (it sets nodeSelector and toleration aks-hardening.io/team-pool=<team> from the contract), or set them yourself with your own team's name; never tolerate the key with operator Exists.",
  tags: [],
  configSchema: placementConfig,
  validateResource: validatePodTemplates((kind, props, args, report) =>
    judged(report, (j) => {
      const config = configWithDefaults<PlacementConfig>(placementConfig, args);
      const namespace = namespaceOf(j, props) ?? "default";
      if (typeof namespace !== "string" || config.exemptNamespaces.includes(namespace)) return;
      const owner = Object.entries(config.teams).find(([, t]) => t.namespaces.includes(namespace));
      const template = j.read(() => podTemplateOf(kind, props));
      if (template === UNKNOWN || !template.spec) return;
      const spec: Props = template.spec;
      const where = `${kind} ${args.name} in ${namespace}${owner ? ` (team ${owner[0]})` : ""}`;
      for (const found of foreignPlacements(j, spec, owner?.[0])) j.report(`${where}: ${found}.`);
      if (owner && owner[1].dedicatedPool) {
        const selected = j.read(
          () => (spec.nodeSelector as Record<string, string> | undefined)?.[TEAM_POOL_KEY],
        );
        if (selected === undefined)
          j.report(
            `${where}: team ${owner[0]} has a dedicated node pool; set nodeSelector ${TEAM_POOL_KEY}=${owner[0]} (and the matching toleration).`,
          );
      }
    }),
  ),
};

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

const MANAGED_CLUSTER_TYPE = "azure-native:containerservice:ManagedCluster";
const AGENT_POOL_TYPE = "azure-native:containerservice:AgentPool";

export const aksPodIdentityTeamPools: PackStackPolicy = {
  name: "aks-pod-identity-team-pools",
  description:
    "In a stack that creates the cluster, every team whose namespaces hold AzureIdentities has a node pool labelled for it, so its identities are assigned to no other team's nodes.",
  severity: "high",
  remediationSteps:
    "Give the team teams[].nodePool (podIdentity.isolateNodes), or move it to workload identity; turning isolation off deliberately is disabling this policy in the stack's pack config.",
  tags: [],
  validateStack: (args, report) =>
    judged(report, (j) => {
      if (!args.resources.some((r) => r.type === MANAGED_CLUSTER_TYPE)) return; // existing mode: no pools declared
      const pooled = new Set<string>();
      for (const r of args.resources) {
        if (r.type === MANAGED_CLUSTER_TYPE) {
          for (const p of j.items(() => r.props.agentPoolProfiles as Props[] | undefined)) {
            const team = j.read(() => (p.nodeLabels as Record<string, string> | undefined)?.[TEAM_POOL_KEY]);
            if (typeof team === "string") pooled.add(team);
          }
        } else if (r.type === AGENT_POOL_TYPE) {
          const team = j.read(
            () => (r.props.nodeLabels as Record<string, string> | undefined)?.[TEAM_POOL_KEY],
          );
          if (team === UNKNOWN) return; // cannot conclude "missing" from an incomplete list
          if (typeof team === "string") pooled.add(team);
        }
      }
      const namespaces = namespacesByName(j, args.resources);
      const reported = new Set<string>();
      for (const identity of args.resources) {
        if (identity.type !== AZURE_IDENTITY_TYPE) continue;
        const ns = metadataOf(j, identity, "namespace") ?? "default";
        if (typeof ns !== "string") continue;
        const namespace = namespaces.get(ns);
        if (!namespace) continue;
        const team = metadataEntry(j, namespace, "labels", TEAM_LABEL);
        if (typeof team !== "string" || pooled.has(team) || reported.has(team)) continue;
        reported.add(team);
        j.report(
          `team ${team} (namespace ${ns}, AzureIdentity ${identity.name}) has no node pool labelled ${TEAM_POOL_KEY}=${team}: its identities would be assigned to nodes other teams' pods share.`,
          identity.urn,
        );
      }
    }),
};

export const teamPoolPolicies = [k8sTeamNodePool, aksTeamNodePool, aksPodIdentityTeamPools];
