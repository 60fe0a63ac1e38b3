/**
 * Compliant configurations for the config tests: each test takes one, applies one mutation and
 * checks that exactly that mutation is reported.
 */
import { ConfigValidationError, type ConfigProblem } from "../../infra/config/errors";
import { validateConfig } from "../../infra/config/validate";

/* eslint-disable @typescript-eslint/no-explicit-any -- fixtures are mutated freely by path. */
export type RawConfig = Record<string, any>;

export const GUID = {
  admins: "9ac7764f-961b-4aa4-bca1-5a659f034946",
  platform: "30ad0ca3-cc4a-49af-b234-677d4f218dbc",
  teamA: "5754ec6f-95a4-4ad1-a1a1-dc14d0d3a2f6",
  teamB: "4886c8c9-ba7a-4d64-900c-690eac568a2f",
  subscription: "b1756336-c2b1-4461-9a7d-f2c54150fc0f",
  clientA: "0b5e2a51-3c6d-4e7f-8a9b-0c1d2e3f4a5b",
  clientB: "6c7d8e9f-0a1b-4c2d-9e3f-4a5b6c7d8e9f",
};

const pool = (name: string) => ({
  name,
  vmSize: "Standard_D4ds_v5",
  minCount: 1,
  maxCount: 3,
  zones: ["1", "2", "3"],
});

/** A create-mode configuration that passes every rule, production ones included. */
export function validCreateConfig(): RawConfig {
  return {
    production: false,
    clusterMode: "create",
    cluster: {
      name: "aksh-test",
      location: "westeurope",
      kubernetesVersion: "1.33",
      tier: "Standard",
      systemPool: pool("system"),
      userPools: [pool("apps")],
      authorizedIpRanges: ["203.0.113.0/24"],
      privateCluster: false,
      adminGroupIds: [GUID.admins],
      defender: true,
    },
    monitoring: { alertEmails: ["ops@example.com"] },
    platformGroupIds: [GUID.platform],
    teams: [
      {
        name: "team-a",
        developerGroupIds: [GUID.teamA],
        namespaces: ["team-a", "team-a-jobs"],
        identityMode: "pod-identity",
        identities: [{ name: "app", namespace: "team-a", roles: ["Storage Blob Data Reader"] }],
        nodePool: pool("teama"),
      },
      {
        name: "team-b",
        developerGroupIds: [GUID.teamB],
        namespaces: ["team-b"],
        identityMode: "workload-identity",
        identities: [
          { name: "api", namespace: "team-b", serviceAccount: "api", roles: ["Key Vault Secrets User"] },
        ],
      },
    ],
  };
}

/** Only the keys without a default: everything else is left to the documented defaults. */
export function minimalCreateConfig(): RawConfig {
  return {
    cluster: {
      name: "aksh",
      location: "westeurope",
      kubernetesVersion: "1.33",
      authorizedIpRanges: ["203.0.113.0/24"],
      adminGroupIds: [GUID.admins],
    },
    // Required: KubernetesHardening refuses a cluster without a platform group.
    platformGroupIds: [GUID.platform],
    teams: [
      {
        name: "team-a",
        developerGroupIds: [GUID.teamA],
        namespaces: ["team-a"],
        identities: [{ name: "app", namespace: "team-a" }],
        // Required: a pod-identity team (the default mode) needs its own pool (isolateNodes: true).
        nodePool: { name: "teama", vmSize: "Standard_D4ds_v5", minCount: 1, maxCount: 3 },
      },
    ],
  };
}

export const resourceGroupId = (team: string) =>
  `/subscriptions/${GUID.subscription}/resourceGroups/rg-${team}`;
export const identityResourceId = (team: string, name: string) =>
  `${resourceGroupId(team)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;

/** An existing-mode configuration that passes every rule. */
export function validExistingConfig(): RawConfig {
  const config = validCreateConfig();
  config.clusterMode = "existing";
  config.cluster = { name: "local", kubernetesVersion: "1.33" };
  config.existing = { kubeconfig: "apiVersion: v1\nkind: Config\nclusters: []\n" };
  config.teams[0].resourceGroupId = resourceGroupId("team-a");
  config.teams[0].nodePool = { name: "teama" };
  config.teams[0].identities[0].existing = {
    clientId: GUID.clientA,
    resourceId: identityResourceId("team-a", "id-team-a-app"),
  };
  config.teams[1].resourceGroupId = resourceGroupId("team-b");
  config.teams[1].identities[0].existing = {
    clientId: GUID.clientB,
    resourceId: identityResourceId("team-b", "id-team-b-api"),
  };
  return config;
}

/** The problems `validateConfig` reports; fails the test when it accepts the config. */
export function problemsOf(raw: RawConfig, stack = "dev"): ConfigProblem[] {
  try {
    validateConfig(raw, stack);
  } catch (err) {
    if (err instanceof ConfigValidationError) return [...err.problems];
    throw err;
  }
  throw new Error("expected validateConfig to reject the configuration, but it accepted it");
}

/** A deep copy of `base` with `mutate` applied. */
export function mutated(base: RawConfig, mutate: (config: RawConfig) => void): RawConfig {
  const copy = structuredClone(base);
  mutate(copy);
  return copy;
}
