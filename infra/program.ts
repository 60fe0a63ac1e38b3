/**
 * The blueprint program: validated stack config -> Azure layer (create mode) -> Kubernetes hardening
 * -> stack outputs.
 *
 * Invokes under an offline plan: create mode calls exactly one, the user-credentials list of the new
 * cluster (`azure-native:containerservice:listManagedClusterUserCredentials`); the subscription ID is
 * read from resource IDs, not from `getClientConfig`. `testing/computed-outputs.ts` `mockInvoke`
 * answers it. Existing mode calls none.
 */
import { Provider as AzureProvider } from "@pulumi/azure-native/provider";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Cluster, Monitoring, TeamFootprint, type CreatedTeamIdentity } from "../components/azure";
import { KubernetesHardening } from "../components/kubernetes/hardening";
import { teamContractsOutput } from "../components/team/contract";
import type { HardeningTeam, KubernetesHardeningArgs } from "../components/kubernetes/hardening-args";
import { loadConfig } from "./config/load";
import { isCreatedPool, type BlueprintConfig, type TeamConfig } from "./config/types";

/** Per-team stack outputs: where the team's Azure resources live and the client IDs its pods use. */
export interface TeamOutputs {
  resourceGroupId: pulumi.Input<string>;
  identities: Record<string, { clientId: pulumi.Input<string>; resourceId: pulumi.Input<string> }>;
}

/** The Pulumi program: returns the stack outputs; a config error rejects before any registration. */
export function main(): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const config = loadConfig();
    resolve(config.clusterMode === "create" ? createCluster(config) : hardenExisting(config));
  });
}

/** Whether MIC runs in the cluster and therefore needs Azure rights to attach identities to nodes. */
export function micAssignsIdentities(config: BlueprintConfig): boolean {
  return (
    config.podIdentity.mode === "standard" && config.teams.some((t) => t.identityMode === "pod-identity")
  );
}

/** Create mode: provision AKS and every team's Azure footprint, then harden the cluster. */
function createCluster(config: BlueprintConfig): Record<string, unknown> {
  const { cluster: settings } = config;
  const tags = { "aks-hardening.io/environment": config.environment };
  const azure = new AzureProvider(`${settings.name}-azure`, { location: settings.location });
  const standardMode = micAssignsIdentities(config);

  const cluster = new Cluster(settings.name, {
    provider: azure,
    location: settings.location,
    kubernetesVersion: settings.kubernetesVersion,
    tier: settings.tier,
    systemPool: settings.systemPool,
    userPools: settings.userPools,
    teamPools: config.teams.flatMap((team) =>
      team.nodePool && isCreatedPool(team.nodePool) ? [{ team: team.name, pool: team.nodePool }] : [],
    ),
    authorizedIpRanges: settings.authorizedIpRanges,
    privateCluster: settings.privateCluster,
    adminGroupIds: settings.adminGroupIds,
    defender: settings.defender,
    azurePolicy: settings.azurePolicy,
    upgradeChannel: settings.upgradeChannel,
    nodeOsUpgradeChannel: settings.nodeOsUpgradeChannel,
    logRetentionDays: settings.logRetentionDays,
    grantMicNodeAccess: standardMode,
    tags,
  });

  new Monitoring(settings.name, {
    provider: azure,
    resourceGroupName: cluster.resourceGroupName,
    location: settings.location,
    workspaceId: cluster.workspaceId,
    auditLogSetting: cluster.auditLogSetting,
    alertEmails: config.monitoring.alertEmails,
    identityNamespace: config.podIdentity.namespace,
    tags,
  });

  const footprints = config.teams.map(
    (team) =>
      [
        team,
        new TeamFootprint(`${settings.name}-${team.name}`, {
          provider: azure,
          clusterName: settings.name,
          team: team.name,
          location: settings.location,
          identityMode: team.identityMode,
          identities: team.identities,
          oidcIssuerUrl: team.identityMode === "workload-identity" ? cluster.oidcIssuerUrl : undefined,
          micPrincipalId: standardMode ? cluster.kubeletIdentity.principalId : undefined,
          tags,
        }),
      ] as const,
  );

  // MIC (standard mode) runs as the kubelet identity and needs its Azure context even before any
  // team uses pod identity; the Azure rights above are only granted once one does.
  const micInstalled = config.podIdentity.mode === "standard";
  const hardeningTeams = footprints.map(([team, footprint]) =>
    hardeningTeam(team, footprint.resourceGroupId, footprint.identities),
  );
  new KubernetesHardening(settings.name, {
    provider: cluster.provider,
    ...platformTrust(config),
    kubeletIdentity: micInstalled
      ? { clientId: cluster.kubeletIdentity.clientId, resourceId: cluster.kubeletIdentity.id }
      : undefined,
    azure: micInstalled
      ? {
          subscriptionId: cluster.subscriptionId,
          nodeResourceGroup: cluster.nodeResourceGroup,
          tenantId: cluster.kubeletIdentity.tenantId,
        }
      : undefined,
    teams: hardeningTeams,
  });

  return {
    clusterMode: config.clusterMode,
    clusterName: cluster.clusterName,
    clusterId: cluster.clusterId,
    oidcIssuerUrl: cluster.oidcIssuerUrl,
    nodeResourceGroup: cluster.nodeResourceGroup,
    teams: Object.fromEntries(
      footprints.map(([team, footprint]) => [
        team.name,
        teamOutputs(footprint.resourceGroupId, footprint.identities),
      ]),
    ),
    kubeconfig: cluster.kubeconfig,
    ...managedModeAssignments(config, footprints, cluster.nodeResourceGroup),
    // Every team's contract, for the platform's publishing step (cli/publish-contract.ts) that
    // writes each into that team's own contract stack; teams never read this stack. The user
    // kubeconfig carries no credential of its own (Entra login via kubelogin), so it may be shared.
    teamContracts: teamContractsOutput({
      teams: hardeningTeams,
      kubeconfig: cluster.kubeconfig,
      teamImageRegistries: teamImageRegistries(config),
    }),
  };
}

/** Existing mode: no Azure resource at all; harden the cluster the kubeconfig points at. */
function hardenExisting(config: BlueprintConfig): Record<string, unknown> {
  // validateConfig already refuses an existing-mode config without these values; the checks below
  // only narrow the optional types (and guard callers that build a BlueprintConfig by hand).
  if (!config.existing)
    throw new Error("existing: missing - clusterMode `existing` needs existing.kubeconfig");
  const kubeconfig = pulumi.secret(config.existing.kubeconfig);
  const provider = new k8s.Provider(`${config.cluster.name}-k8s`, { kubeconfig });

  const teams = config.teams.map((team, t) => {
    if (!team.resourceGroupId) {
      throw new Error(`teams[${t}].resourceGroupId: undefined - required in clusterMode existing`);
    }
    const identities = team.identities.map((identity, i) => {
      if (!identity.existing) {
        throw new Error(
          `teams[${t}].identities[${i}].existing: undefined - required in clusterMode existing`,
        );
      }
      return {
        name: identity.name,
        namespace: identity.namespace,
        serviceAccount: identity.serviceAccount,
        clientId: identity.existing.clientId,
        resourceId: identity.existing.resourceId,
      };
    });
    return { team, resourceGroupId: team.resourceGroupId, identities };
  });
  const assignments = managedModeAssignments(
    config,
    teams.map(({ team, identities }) => [team, { identities }] as const),
  );

  const hardeningTeams = teams.map(({ team, resourceGroupId, identities }) =>
    hardeningTeam(team, resourceGroupId, identities),
  );
  new KubernetesHardening(config.cluster.name, {
    provider,
    ...platformTrust(config),
    teams: hardeningTeams,
  });
  const { teamKubeconfig } = config.existing;

  return {
    clusterMode: config.clusterMode,
    clusterName: config.cluster.name,
    teams: Object.fromEntries(
      teams.map(({ team, resourceGroupId, identities }) => [
        team.name,
        teamOutputs(resourceGroupId, identities),
      ]),
    ),
    ...assignments,
    // No `kubeconfig` output: `existing.kubeconfig` is the platform's credential, and any reader
    // of this stack (a StackReference decrypts secrets) would get it.
    ...(teamKubeconfig !== undefined
      ? {
          teamContracts: teamContractsOutput({
            teams: hardeningTeams,
            kubeconfig: teamKubeconfig,
            teamImageRegistries: teamImageRegistries(config),
          }),
        }
      : {}),
  };
}

/** One team's identities and the pools they are to be assigned to (pod identity, managed mode). */
export interface NodePoolIdentityAssignment {
  /** The pools whose scale sets get the identities: the team's own, else the shared user pools. */
  nodePools: string[];
  /** Full Azure resource IDs of the team's identities. */
  identities: pulumi.Input<string>[];
  /** Create mode: the node resource group holding the scale sets. */
  nodeResourceGroup?: pulumi.Input<string>;
}

/**
 * Managed mode runs no MIC: identities must be put on the node scale sets outside the cluster.
 * `@pulumi/azure-native` 3.28.0 cannot express that for AKS-managed scale sets (the AgentPool has
 * no identity property, and a `compute.VirtualMachineScaleSet` resource would claim a scale set
 * AKS owns and names itself), so the program does not pretend to: it exports, per pod-identity
 * team, exactly which pools get which identities (`nodePoolIdentityAssignments`), the input of the
 * `az vmss identity assign` step the README describes. With a dedicated pool that is the team's pool
 * only; never another team's, never the system pool.
 */
export function managedModeAssignments(
  config: BlueprintConfig,
  teams: readonly (readonly [TeamConfig, { identities: { resourceId: pulumi.Input<string> }[] }])[],
  nodeResourceGroup?: pulumi.Input<string>,
): { nodePoolIdentityAssignments?: Record<string, NodePoolIdentityAssignment> } {
  if (config.podIdentity.mode !== "managed") return {};
  const shared = config.clusterMode === "create" ? config.cluster.userPools.map((p) => p.name) : [];
  const entries = teams
    .filter(([team]) => team.identityMode === "pod-identity" && team.identities.length > 0)
    .map(([team, made]): [string, NodePoolIdentityAssignment] => [
      team.name,
      {
        nodePools: team.nodePool ? [team.nodePool.name] : shared,
        identities: made.identities.map((i) => i.resourceId),
        ...(nodeResourceGroup !== undefined ? { nodeResourceGroup } : {}),
      },
    ]);
  return entries.length > 0 ? { nodePoolIdentityAssignments: Object.fromEntries(entries) } : {};
}

/** Each team's own registries, as its contract publishes them. */
function teamImageRegistries(config: BlueprintConfig): Record<string, string[]> {
  return Object.fromEntries(config.teams.map((team) => [team.name, team.imageRegistries]));
}

/** What both modes hand the Kubernetes layer about the platform: its principals and namespaces. */
function platformTrust(
  config: BlueprintConfig,
): Pick<
  KubernetesHardeningArgs,
  "platformGroupIds" | "podIdentity" | "platformUsers" | "privilegedNamespaces"
> {
  return {
    platformGroupIds: config.platformGroupIds,
    podIdentity: config.podIdentity,
    platformUsers: config.guardrails.platformUsers,
    privilegedNamespaces: config.guardrails.privilegedNamespaces,
  };
}

type IdentityRef = Pick<CreatedTeamIdentity, "name" | "namespace" | "serviceAccount"> & {
  clientId: pulumi.Input<string>;
  resourceId: pulumi.Input<string>;
};

/** A team as the Kubernetes layer needs it. */
function hardeningTeam(
  team: TeamConfig,
  resourceGroupId: pulumi.Input<string>,
  identities: IdentityRef[],
): HardeningTeam {
  return {
    name: team.name,
    developerGroupIds: team.developerGroupIds,
    namespaces: team.namespaces,
    identityMode: team.identityMode,
    resourceGroupId,
    ...(team.nodePool ? { nodePool: team.nodePool.name } : {}),
    identities: identities.map(({ name, namespace, serviceAccount, clientId, resourceId }) => ({
      name,
      namespace,
      serviceAccount,
      clientId,
      resourceId,
    })),
  };
}

function teamOutputs(resourceGroupId: pulumi.Input<string>, identities: IdentityRef[]): TeamOutputs {
  return {
    resourceGroupId,
    identities: Object.fromEntries(
      identities.map((i) => [i.name, { clientId: i.clientId, resourceId: i.resourceId }]),
    ),
  };
}
