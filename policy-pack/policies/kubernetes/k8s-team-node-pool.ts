/**
 * Preview-time twin of the admission policy `aks-hardening-team-node-pool` (issue 15).
 * aad-pod-identity puts a team's identities on the scale set of every node its pods run on (MIC) or
 * on the pools the platform assigns them to (managed mode); anything that reaches a node's IMDS
 * reaches all of them. A team's own pool is labelled and tainted `aks-hardening.io/team-pool=<team>`
 * (`NoSchedule`), so a workload in a team's namespace must select its team's pool (when the team has
 * one) and never select, require or tolerate another team's pool.
 */
import { DEFAULT_IDENTITY_NAMESPACE, TEAM_POOL_KEY } from "../../../conventions/kubernetes";
import type { PolicyConfigSchema } from "@pulumi/policy";
import { configWithDefaults } from "../lib/config";
import { Judge, judged, Props, UNKNOWN } from "../lib/judge";
import { namespaceOf } from "../lib/kubernetes";
import { PackResourcePolicy } from "../lib/metadata";
import { podTemplateOf, validatePodTemplates } from "./support/workloads";

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
