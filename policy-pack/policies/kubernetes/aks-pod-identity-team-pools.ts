/**
 * In a stack that creates the cluster, every team whose namespaces hold AzureIdentities has a node
 * pool labelled for it (issue 15): without one, MIC assigns its identities to nodes that other teams'
 * pods share, and any of them can reach those identities through IMDS.
 */
import { TEAM_LABEL, TEAM_POOL_KEY } from "../../../conventions/kubernetes";
import { judged, Props, UNKNOWN } from "../lib/judge";
import { PackStackPolicy } from "../lib/metadata";
import {
  AZURE_IDENTITY_TYPE,
  metadataEntry,
  metadataOf,
  namespacesByName,
} from "../stack/support/stack-index";

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
