/**
 * The public API of `@aks-hardening/components`: the components, their arguments, the team
 * contract and a few pure helpers. Anything not exported here is internal and may change in any
 * release (the blueprint's own program and tests import modules directly). Application teams need
 * only the team API, `@aks-hardening/components/team`, which loads no Azure SDK.
 */

// The Azure layer (the platform's stack; needs @pulumi/azure-native).
export { Cluster } from "./azure/cluster";
export type {
  ClusterArgs,
  ClusterTier,
  NodeOsUpgradeChannel,
  NodePoolConfig,
  UpgradeChannel,
} from "./azure/cluster";
export { Monitoring } from "./azure/monitoring";
export type { MonitoringArgs } from "./azure/monitoring";
export { TeamFootprint } from "./azure/team-footprint";
export type { CreatedTeamIdentity, TeamFootprintArgs, TeamFootprintIdentity } from "./azure/team-footprint";

// The in-cluster layer (the platform's stack).
export { KubernetesHardening } from "./kubernetes/hardening";
export type {
  HardeningTeam,
  HardeningTeamIdentity,
  KubernetesHardeningArgs,
  TeamNamespaceLimits,
} from "./kubernetes/hardening-args";
export { PodIdentityInstall } from "./kubernetes/pod-identity";
export type { PodIdentityInstallArgs } from "./kubernetes/pod-identity";
export { TeamNamespaces } from "./kubernetes/team-namespace";
export type { TeamNamespacesArgs } from "./kubernetes/team-namespace";
export { ClusterGuardrails } from "./kubernetes/guardrails";
export type { ClusterGuardrailsArgs } from "./kubernetes/guardrails";
export { HardeningArgsError, resolveHardeningArgs } from "./kubernetes/validate-args";
export type { HardeningArgsProblem, ResolvedHardeningArgs } from "./kubernetes/validate-args";

// The platform side of the team contract.
export {
  CONTRACTS_PROJECT,
  TEAM_CONTRACTS_OUTPUT,
  buildTeamContract,
  teamContractsOutput,
} from "./team/contract";
export type { TeamContractSource, TeamContractsArgs } from "./team/contract";

// The team API, also published alone as `@aks-hardening/components/team`.
export * from "./team";
