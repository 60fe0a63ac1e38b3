/**
 * The team API (`@aks-hardening/components/team`): what an application team's own stack imports.
 * It needs `@pulumi/pulumi` and `@pulumi/kubernetes` only (no Azure SDK): read the team's contract,
 * run a service on it, and check a pod template against Pod Security before deploying it.
 */
export { getTeamContract, validateTeamContract } from "./stack-reference";
export { TEAM_CONTRACT_OUTPUT, TEAM_CONTRACT_VERSION } from "./contract";
export type { TeamContract, TeamContractData, TeamContractIdentity } from "./contract";
export { TeamWorkload, renderTeamWorkload } from "./workload";
export type { RenderedWorkload } from "./workload";
export type { TeamWorkloadArgs, WorkloadProbe, WorkloadResources } from "./workload-args";
export { TeamInputError } from "./errors";
export type { TeamInputProblem } from "./errors";
export { checkRestrictedPodSpec } from "./pod-security";
export type { PodSecurityViolation, Version as PodSecurityVersion } from "./pod-security";
