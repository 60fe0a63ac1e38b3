/**
 * Validation and defaults of `KubernetesHardeningArgs`, run before any resource is registered.
 *
 * The config layer validates stack files too; this second check exists because the component is
 * also consumed directly by teams' own programs, and a wrong namespace or a shared selector here
 * silently reopens the cross-team identity paths (S1-S3) instead of failing.
 */
import { RunError } from "@pulumi/pulumi/errors";
import { formatProblem, type Problem } from "../../conventions/problems";
import { parsePodSecurityVersion } from "../../conventions/pod-security";
import type { KubernetesHardeningArgs, TeamNamespaceLimits } from "./hardening-args";
import {
  isAksPoolName,
  isDns1123Label,
  isDns1123Subdomain,
  isGuid,
  isResourceGroupId,
  reservedNamespaceProblem,
} from "../../conventions/formats";
import { platformUserProblem, podIdentitySelector } from "../../conventions/kubernetes";
import { podIdentityVersionProblem } from "../../conventions/pod-identity-release";

/** PSA version pinned when none is given. */
export const DEFAULT_POD_SECURITY_VERSION = "v1.33";

/** System namespaces that may stay privileged (AKS add-ons run there). */
export const DEFAULT_PRIVILEGED_NAMESPACES: readonly string[] = [
  "kube-system",
  "kube-public",
  "kube-node-lease",
  "gatekeeper-system",
];

/** Team namespace quota and container defaults when none are given. */
export const DEFAULT_TEAM_NAMESPACE_LIMITS: Required<TeamNamespaceLimits> = {
  quota: {
    "requests.cpu": "8",
    "requests.memory": "16Gi",
    "limits.cpu": "16",
    "limits.memory": "32Gi",
    pods: "50",
    services: "20",
    "services.loadbalancers": "0",
    "services.nodeports": "0",
    persistentvolumeclaims: "20",
  },
  defaultRequest: { cpu: "100m", memory: "128Mi" },
  defaultLimit: { cpu: "500m", memory: "512Mi" },
};

/** One problem found in the arguments (the blueprint's one problem shape). */
export type HardeningArgsProblem = Problem;

/**
 * Thrown with every problem found in the arguments; nothing has been registered yet. A `RunError`,
 * so the Pulumi CLI prints the message alone (no stack trace, no object dump).
 */
export class HardeningArgsError extends RunError {
  readonly problems: readonly HardeningArgsProblem[];
  constructor(problems: HardeningArgsProblem[]) {
    super(`invalid KubernetesHardening arguments:\n${problems.map(formatProblem).join("\n")}`);
    this.name = "HardeningArgsError";
    this.problems = problems;
  }
}

/** The arguments with every default applied. */
export interface ResolvedHardeningArgs extends KubernetesHardeningArgs {
  platformUsers: string[];
  privilegedNamespaces: string[];
  podSecurityVersion: string;
  teamNamespaceLimits: Required<TeamNamespaceLimits>;
}

/** Validates `args` and applies defaults; throws `HardeningArgsError` listing every problem. */
export function resolveHardeningArgs(args: KubernetesHardeningArgs): ResolvedHardeningArgs {
  const problems: HardeningArgsProblem[] = [];
  const problem = (key: string, value: unknown, message: string): void => {
    problems.push({ key, value, message });
  };
  const checkGroups = (key: string, ids: unknown): void => {
    if (!Array.isArray(ids) || ids.length === 0) {
      problem(key, ids, "at least one Entra group object ID");
      return;
    }
    ids.forEach((id, i) => {
      if (!isGuid(id)) problem(`${key}[${i}]`, id, "must be a group object ID (GUID)");
    });
  };

  if (!args.provider) problem("provider", args.provider, "an explicit Kubernetes provider is required");
  checkGroups("platformGroupIds", args.platformGroupIds);

  const pi = args.podIdentity ?? ({} as KubernetesHardeningArgs["podIdentity"]);
  const identityNs = pi.namespace;
  if (!isDns1123Label(identityNs)) {
    problem("podIdentity.namespace", identityNs, "must be a DNS-1123 label");
  } else {
    const reserved = reservedNamespaceProblem(identityNs, "");
    if (reserved) problem("podIdentity.namespace", identityNs, reserved);
  }
  if (pi.mode !== "standard" && pi.mode !== "managed") {
    problem("podIdentity.mode", pi.mode, "must be `standard` or `managed`");
  }
  const versionProblem = podIdentityVersionProblem(pi.version);
  if (versionProblem) problem("podIdentity.version", pi.version, versionProblem);
  if (pi.mode === "standard") {
    if (!args.kubeletIdentity) {
      problem("kubeletIdentity", args.kubeletIdentity, "standard mode needs the kubelet identity for MIC");
    }
    if (!args.azure)
      problem("azure", args.azure, "standard mode needs subscription, node resource group, tenant");
  }

  const podSecurityVersion = args.podSecurityVersion ?? DEFAULT_POD_SECURITY_VERSION;
  const pinned = parsePodSecurityVersion(podSecurityVersion);
  if (pinned === undefined || pinned === "latest") {
    problem("podSecurityVersion", podSecurityVersion, "must be a pinned `v1.N` (not `latest`)");
  }

  const namespaceOwner = new Map<string, string>();
  const teamNames = new Set<string>();
  const selectors = new Map<string, string>();
  const poolOwners = new Map<string, string>();
  const teams = Array.isArray(args.teams) ? args.teams : [];
  if (!Array.isArray(args.teams)) problem("teams", args.teams, "must be a list");
  teams.forEach((team, t) => {
    const at = `teams[${t}]`;
    if (!isDns1123Label(team.name)) problem(`${at}.name`, team.name, "must be a DNS-1123 label");
    else if (teamNames.has(team.name)) problem(`${at}.name`, team.name, "duplicate team name");
    teamNames.add(team.name);
    checkGroups(`${at}.developerGroupIds`, team.developerGroupIds);
    (team.developerGroupIds ?? []).forEach((id, i) => {
      if ((args.platformGroupIds ?? []).includes(id)) {
        problem(
          `${at}.developerGroupIds[${i}]`,
          id,
          "is a platform group; a team group must not be platform",
        );
      }
    });
    if (team.identityMode !== "pod-identity" && team.identityMode !== "workload-identity") {
      problem(`${at}.identityMode`, team.identityMode, "must be `pod-identity` or `workload-identity`");
    }
    if (typeof team.resourceGroupId === "string" && !isResourceGroupId(team.resourceGroupId)) {
      problem(
        `${at}.resourceGroupId`,
        team.resourceGroupId,
        "must be `/subscriptions/<subscription GUID>/resourceGroups/<rg>`",
      );
    }
    if (team.nodePool !== undefined) {
      // One pool, one team: a shared pool would put both teams' identities on the same nodes.
      if (typeof team.nodePool !== "string" || !isAksPoolName(team.nodePool)) {
        problem(
          `${at}.nodePool`,
          team.nodePool,
          "must be an AKS pool name (lowercase alphanumeric, at most 12)",
        );
      } else if (poolOwners.has(team.nodePool)) {
        problem(`${at}.nodePool`, team.nodePool, `is already team ${poolOwners.get(team.nodePool)}'s pool`);
      } else {
        poolOwners.set(team.nodePool, team.name);
      }
    }
    const namespaces = Array.isArray(team.namespaces) ? team.namespaces : [];
    if (namespaces.length === 0) problem(`${at}.namespaces`, team.namespaces, "at least one namespace");
    namespaces.forEach((ns, n) => {
      const key = `${at}.namespaces[${n}]`;
      // Reserved namespaces, the identity namespace included (one rule with config validation).
      const reserved = isDns1123Label(ns) ? reservedNamespaceProblem(ns, identityNs) : undefined;
      if (!isDns1123Label(ns)) {
        problem(key, ns, "must be a DNS-1123 label");
      } else if (reserved) {
        problem(key, ns, reserved);
      } else if (namespaceOwner.has(ns)) {
        problem(key, ns, `already owned by team ${namespaceOwner.get(ns)}`);
      } else if ((args.privilegedNamespaces ?? []).includes(ns)) {
        problem(key, ns, "is listed in privilegedNamespaces; team namespaces are always restricted");
      }
      namespaceOwner.set(ns, team.name);
    });
    const identityNames = new Set<string>();
    const serviceAccounts = new Map<string, string>();
    (team.identities ?? []).forEach((identity, i) => {
      const key = `${at}.identities[${i}]`;
      if (!isDns1123Label(identity.name)) problem(`${key}.name`, identity.name, "must be a DNS-1123 label");
      else if (identityNames.has(identity.name))
        problem(`${key}.name`, identity.name, "duplicate identity name");
      identityNames.add(identity.name);
      if (!namespaces.includes(identity.namespace)) {
        problem(`${key}.namespace`, identity.namespace, `must be one of team ${team.name}'s namespaces`);
      }
      if (!isDns1123Subdomain(identity.serviceAccount)) {
        problem(`${key}.serviceAccount`, identity.serviceAccount, "must be a DNS-1123 subdomain");
      }
      // One ServiceAccount object per identity: two identities cannot share one.
      const account = `${identity.namespace}/${identity.serviceAccount}`;
      if (serviceAccounts.has(account))
        problem(
          `${key}.serviceAccount`,
          identity.serviceAccount,
          `also used by ${serviceAccounts.get(account)}`,
        );
      serviceAccounts.set(account, key);
      const selector = podIdentitySelector(identity.namespace, identity.name);
      if (selectors.has(selector))
        problem(`${key}`, selector, `selector also used by ${selectors.get(selector)}`);
      selectors.set(selector, key);
    });
  });

  const privilegedNamespaces = [
    ...new Set([...(args.privilegedNamespaces ?? DEFAULT_PRIVILEGED_NAMESPACES), identityNs]),
  ];
  privilegedNamespaces.forEach((ns, i) => {
    if (ns === "default") problem(`privilegedNamespaces[${i}]`, ns, "`default` is always restricted");
  });
  (args.platformUsers ?? []).forEach((user, i) => {
    const why = platformUserProblem(user);
    if (why) problem(`platformUsers[${i}]`, user, why);
  });

  if (problems.length > 0) throw new HardeningArgsError(problems);
  const limits = args.teamNamespaceLimits ?? {};
  return {
    ...args,
    teams: teams.map((team) => ({ ...team, identities: team.identities ?? [] })),
    platformUsers: args.platformUsers ?? [],
    privilegedNamespaces,
    podSecurityVersion,
    teamNamespaceLimits: {
      quota: limits.quota ?? DEFAULT_TEAM_NAMESPACE_LIMITS.quota,
      defaultRequest: limits.defaultRequest ?? DEFAULT_TEAM_NAMESPACE_LIMITS.defaultRequest,
      defaultLimit: limits.defaultLimit ?? DEFAULT_TEAM_NAMESPACE_LIMITS.defaultLimit,
    },
  };
}
