/**
 * The blueprint's API: the one typed object that stack configuration is validated into.
 *
 * Everything downstream (components, outputs, the team contract) reads this shape and never
 * `pulumi.Config`. The types are the output of the schema (`schema.ts`), which is also where each
 * key is documented; `validate.ts` turns raw YAML into them.
 */
import type { z } from "zod";
import type { IdentityMode, PodIdentityInstallMode } from "../../conventions/modes";
import type {
  ClusterTier,
  NodeOsUpgradeChannel,
  NodePoolConfig,
  UpgradeChannel,
} from "../../components/azure/cluster";
import type { stackConfigSchema } from "./schema";

export type { IdentityMode, PodIdentityInstallMode };
export type { ClusterTier, NodeOsUpgradeChannel, NodePoolConfig, UpgradeChannel };

type Parsed = z.output<typeof stackConfigSchema>;

/** The validated stack configuration, one of the two modes', and the environment (the stack). */
export type BlueprintConfig = Parsed & {
  /** The environment's name (the stack), e.g. `dev`, `prod`. */
  environment: string;
};

/** `create`: the blueprint provisions AKS. `existing`: harden a cluster the user already runs. */
export type ClusterMode = BlueprintConfig["clusterMode"];
export type ClusterConfig = BlueprintConfig["cluster"];
export type PodIdentityConfig = BlueprintConfig["podIdentity"];
export type MonitoringConfig = BlueprintConfig["monitoring"];
export type GuardrailsConfig = BlueprintConfig["guardrails"];
export type ExistingClusterConfig = NonNullable<BlueprintConfig["existing"]>;
/** One application team sharing the cluster. */
export type TeamConfig = BlueprintConfig["teams"][number];
/** A workload identity (one user-assigned managed identity) that a team's pods may use. */
export type TeamIdentityConfig = TeamConfig["identities"][number];
/** A team's dedicated pool: created (create mode) or named (existing mode). */
export type TeamNodePoolConfig = NonNullable<TeamConfig["nodePool"]>;

/** Whether a team's pool is one the blueprint creates (create mode) rather than one it names. */
export function isCreatedPool(pool: TeamNodePoolConfig): pool is NodePoolConfig {
  return typeof pool.vmSize === "string";
}
