/**
 * The platform's contract with each application team: what a team's own Pulumi stack may rely on
 * (its namespaces, its identities and how pods bind to them, its resource group, the API server).
 *
 * The platform program exports `teamContracts` (team name -> contract) built by
 * `teamContractsOutput`; the platform publishes each team's entry into that team's own contract
 * stack (`contracts/`, `cli/publish-contract.ts`), because a StackReference returns every output
 * of the stack it reads: a team that could read the platform stack could read every team's
 * contract. Teams read their contract stack with `getTeamContract` (stack-reference.ts). The shape is
 * versioned by `contractVersion`: adding an optional field keeps version 1, renaming or removing
 * one, or changing a meaning, bumps it, and readers refuse versions they do not know.
 */
import * as pulumi from "@pulumi/pulumi";
import type { IdentityMode } from "../../conventions/modes";
import { podIdentitySelector } from "../../conventions/kubernetes";
import { ProblemList, TeamInputError } from "./errors";
import {
  isKubeconfig,
  kubeconfigCredentials,
  kubeconfigServer as serverOf,
  parseKubeconfig,
} from "./kubeconfig";

/** The contract version this library writes and reads. */
export const TEAM_CONTRACT_VERSION = 1;

/**
 * Name of the platform stack output that holds every team's contract. Only the platform reads it:
 * its publishing step copies each contract into that team's own contract stack.
 */
export const TEAM_CONTRACTS_OUTPUT = "teamContracts";

/**
 * Name of the one output of a team's contract stack (project `aks-hardening-contracts`, one stack
 * per team): that team's contract and nothing else. `getTeamContract` reads it.
 */
export const TEAM_CONTRACT_OUTPUT = "teamContract";

/** The Pulumi project of the per-team contract stacks (`contracts/`). */
export const CONTRACTS_PROJECT = "aks-hardening-contracts";

/** One managed identity the team's pods may use, and how a pod binds to it. */
export interface TeamContractIdentity {
  /** Identity name, unique within the team (DNS-1123 label). */
  name: string;
  /** The team namespace whose pods may use it (and only those). */
  namespace: string;
  /** How pods bind to it; follows the team's `identityMode` on the platform. */
  mode: IdentityMode;
  /** Client ID of the user-assigned managed identity (not a secret). */
  clientId: string;
  /** Pod-identity mode only: the `aadpodidbinding` label value, `<namespace>.<name>`. */
  podIdentitySelector?: string;
  /**
   * The ServiceAccount the platform created for the identity's pods. Workload identity: annotated
   * with the client ID and named in the federated credential's subject (always present). Pod
   * identity: a plain account, present from platforms that create one in both modes.
   */
  serviceAccount?: string;
}

/**
 * A team's contract. `Kubeconfig` is `string` as exported by the platform stack and as validated,
 * and a secret `pulumi.Output<string>` once `getTeamContract` hands it to the team's program.
 */
export interface TeamContract<Kubeconfig = pulumi.Output<string>> {
  /** Shape version, `TEAM_CONTRACT_VERSION`. */
  contractVersion: number;
  /** The team's name (DNS-1123 label). */
  team: string;
  /** Namespaces the team owns; its workloads go only there. */
  namespaces: string[];
  /** Full ID of the team's Azure resource group, `/subscriptions/<sub>/resourceGroups/<rg>`. */
  resourceGroupId: string;
  /** Identities the team's pods may use. */
  identities: TeamContractIdentity[];
  /**
   * Image registries (optionally with a path prefix, e.g. `myacr.azurecr.io/team-a`) the team's
   * workloads may pull from. Empty: the platform sets no list, and each workload must name its own.
   */
  imageRegistries: string[];
  /**
   * The team's dedicated node pool (issue 15), when it has one: `TeamWorkload` then schedules its
   * pods there (node selector and toleration `aks-hardening.io/team-pool=<team>`, derived from the
   * team name by convention, not read from here), and the cluster refuses pods that do not. Absent:
   * the team shares the user pools. An optional field: contract version 1 readers ignore it.
   */
  nodePool?: { name: string };
  /** How to reach the cluster's API server. */
  kubernetes: {
    /** API server URL (`https://...`). */
    server: string;
    /** A kubeconfig without embedded credentials (teams authenticate as themselves). Secret. */
    kubeconfig: Kubeconfig;
  };
}

/** The contract as the platform stack exports it (plain values). */
export type TeamContractData = TeamContract<string>;

/** One team as the platform knows it; `HardeningTeam` (components/kubernetes) fits this shape. */
export interface TeamContractSource<Value = pulumi.Input<string>> {
  name: string;
  namespaces: string[];
  identityMode: IdentityMode;
  resourceGroupId: Value;
  identities: { name: string; namespace: string; serviceAccount: string; clientId: Value }[];
  /** The team's dedicated pool (AKS name), if any. */
  nodePool?: string;
}

/** What the platform program hands to `teamContractsOutput`. */
export interface TeamContractsArgs {
  /** Every team, with its resource group ID and identities' client IDs (Outputs are fine). Required. */
  teams: TeamContractSource[];
  /** API server URL (`https://...`). Default: the first cluster `server:` of `kubeconfig`. */
  server?: pulumi.Input<string>;
  /**
   * A kubeconfig teams may use: endpoint and CA only, authentication through the team's own
   * credentials (AKS user credentials with kubelogin). Never the platform's admin kubeconfig:
   * one with embedded keys, tokens or passwords is refused. Required.
   */
  kubeconfig: pulumi.Input<string>;
  /** Image registries every team may pull from. Default: none. */
  imageRegistries?: string[];
  /** Extra registries per team name (e.g. the team's own ACR). Default: none. */
  teamImageRegistries?: Record<string, string[]>;
}

/**
 * Throws when a kubeconfig embeds a credential (it would give every team the platform's rights), or
 * is not a kubeconfig at all.
 */
export function assertKubeconfigCarriesNoCredentials(kubeconfig: string): void {
  const parsed = parseKubeconfig(kubeconfig);
  const problems = new ProblemList();
  if (!isKubeconfig(parsed)) {
    problems.add(
      "kubeconfig",
      "(not shown)",
      "is not a kubeconfig (a YAML or JSON mapping with clusters and users)",
    );
  } else {
    const found = kubeconfigCredentials(parsed);
    if (found.length > 0)
      problems.add(
        "kubeconfig",
        `(kubeconfig with ${found.join(", ")})`,
        "embeds credentials; pass a kubeconfig whose users authenticate themselves (exec: kubelogin), never the platform's",
      );
  }
  problems.throwIfAny("team contract input");
}

/** The API server URL of a kubeconfig's current (else first) cluster, or `undefined`. */
export function kubeconfigServer(kubeconfig: string): string | undefined {
  const parsed = parseKubeconfig(kubeconfig);
  return parsed ? serverOf(parsed) : undefined;
}

/** Pure: the contract of one team, from resolved values. */
export function buildTeamContract(
  team: TeamContractSource<string>,
  kubernetes: { server: string; kubeconfig: string },
  imageRegistries: string[] = [],
): TeamContractData {
  assertKubeconfigCarriesNoCredentials(kubernetes.kubeconfig);
  return {
    contractVersion: TEAM_CONTRACT_VERSION,
    team: team.name,
    namespaces: [...team.namespaces],
    resourceGroupId: team.resourceGroupId,
    identities: team.identities.map((identity) => ({
      name: identity.name,
      namespace: identity.namespace,
      mode: team.identityMode,
      clientId: identity.clientId,
      serviceAccount: identity.serviceAccount,
      ...(team.identityMode === "pod-identity"
        ? { podIdentitySelector: podIdentitySelector(identity.namespace, identity.name) }
        : {}),
    })),
    imageRegistries: [...imageRegistries],
    ...(team.nodePool !== undefined ? { nodePool: { name: team.nodePool } } : {}),
    kubernetes: { server: kubernetes.server, kubeconfig: kubernetes.kubeconfig },
  };
}

/**
 * The platform stack's `teamContracts` output: team name -> contract. A secret Output as a whole,
 * since it carries the kubeconfig; `getTeamContract` re-secrets only the kubeconfig on the team side.
 */
export function teamContractsOutput(
  args: TeamContractsArgs,
): pulumi.Output<Record<string, TeamContractData>> {
  const teams = args.teams.map((team) =>
    pulumi
      .all([
        pulumi.output(team.resourceGroupId),
        pulumi.all(team.identities.map((i) => pulumi.output(i.clientId))),
      ])
      .apply(([resourceGroupId, clientIds]) => ({
        ...team,
        resourceGroupId,
        identities: team.identities.map((identity, i) => ({ ...identity, clientId: clientIds[i] })),
      })),
  );
  return pulumi
    .all([pulumi.all(teams), pulumi.output(args.server), pulumi.secret(args.kubeconfig)])
    .apply(([resolved, explicitServer, kubeconfig]) => {
      const server = explicitServer ?? kubeconfigServer(kubeconfig);
      if (!server) {
        throw new TeamInputError("team contract input", [
          { key: "server", value: undefined, message: "not given and no `server:` in the kubeconfig" },
        ]);
      }
      return Object.fromEntries(
        resolved.map((team) => [
          team.name,
          buildTeamContract(team, { server, kubeconfig }, [
            ...(args.imageRegistries ?? []),
            ...(args.teamImageRegistries?.[team.name] ?? []),
          ]),
        ]),
      );
    });
}
