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
  isIdentityResourceId,
  isResourceGroupId,
  reservedNamespaceProblem,
} from "../../conventions/formats";
import { platformUserProblem } from "../../conventions/kubernetes";
import {
  isolationProblems,
  type Declared,
  type TenantIdentity,
  type TenantTeam,
} from "../../conventions/isolation";
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

/** `{ [field]: value }`, or `{}` when `value` is undefined (the shape `exactOptionalPropertyTypes` wants). */
function optional<K extends string, V>(field: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [field]: value } as Record<K, V>);
}

/**
 * `value` with its key when it is well-formed text; `undefined` for an Output (an identity the Azure
 * layer creates), which the admission policies judge once it is known.
 */
function knownText(value: unknown, key: string, wellFormed: (text: string) => boolean): Declared | undefined {
  return typeof value === "string" && wellFormed(value) ? { value, key } : undefined;
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

  const teams = Array.isArray(args.teams) ? args.teams : [];
  if (!Array.isArray(args.teams)) problem("teams", args.teams, "must be a list");
  const tenants = teams.map((team, t) => {
    const at = `teams[${t}]`;
    const nameOk = isDns1123Label(team.name);
    if (!nameOk) problem(`${at}.name`, team.name, "must be a DNS-1123 label");
    checkGroups(`${at}.developerGroupIds`, team.developerGroupIds);
    if (team.identityMode !== "pod-identity" && team.identityMode !== "workload-identity") {
      problem(`${at}.identityMode`, team.identityMode, "must be `pod-identity` or `workload-identity`");
    }
    // Judged only when given as text: an Output is the resource group the Azure layer creates.
    const resourceGroupId = knownText(team.resourceGroupId, `${at}.resourceGroupId`, isResourceGroupId);
    if (typeof team.resourceGroupId === "string" && !resourceGroupId) {
      problem(
        `${at}.resourceGroupId`,
        team.resourceGroupId,
        "must be `/subscriptions/<subscription GUID>/resourceGroups/<rg>`",
      );
    }
    const nodePool = knownText(team.nodePool, `${at}.nodePool`, isAksPoolName);
    if (team.nodePool !== undefined && !nodePool) {
      problem(
        `${at}.nodePool`,
        team.nodePool,
        "must be an AKS pool name (lowercase alphanumeric, at most 12)",
      );
    }
    const namespaces = Array.isArray(team.namespaces) ? team.namespaces : [];
    if (namespaces.length === 0) problem(`${at}.namespaces`, team.namespaces, "at least one namespace");
    const declaredNamespaces = namespaces.flatMap((ns, n) => {
      const key = `${at}.namespaces[${n}]`;
      // Reserved namespaces, the identity namespace included (one rule with config validation).
      const why = isDns1123Label(ns) ? reservedNamespaceProblem(ns, identityNs) : "must be a DNS-1123 label";
      if (why) problem(key, ns, why);
      return why ? [] : [{ value: ns, key }];
    });
    const identities = (team.identities ?? []).map((identity, i): TenantIdentity => {
      const key = `${at}.identities[${i}]`;
      const identityNameOk = isDns1123Label(identity.name);
      if (!identityNameOk) problem(`${key}.name`, identity.name, "must be a DNS-1123 label");
      const accountOk = isDns1123Subdomain(identity.serviceAccount);
      if (!accountOk)
        problem(`${key}.serviceAccount`, identity.serviceAccount, "must be a DNS-1123 subdomain");
      return {
        key,
        name: identityNameOk ? identity.name : "",
        namespace: typeof identity.namespace === "string" ? identity.namespace : "",
        serviceAccount: accountOk ? identity.serviceAccount : "",
        ...optional("clientId", knownText(identity.clientId, `${key}.clientId`, isGuid)),
        ...optional("resourceId", knownText(identity.resourceId, `${key}.resourceId`, isIdentityResourceId)),
      };
    });
    const tenant: TenantTeam = {
      key: at,
      name: nameOk ? team.name : "",
      developerGroupIds: (team.developerGroupIds ?? []).flatMap((id, i) =>
        isGuid(id) ? [{ value: id, key: `${at}.developerGroupIds[${i}]` }] : [],
      ),
      namespaces: declaredNamespaces,
      identities,
      ...optional("resourceGroupId", resourceGroupId),
      ...optional("nodePool", nodePool),
    };
    return tenant;
  });

  const privilegedNamespaces = [
    ...new Set([...(args.privilegedNamespaces ?? DEFAULT_PRIVILEGED_NAMESPACES), identityNs]),
  ];
  privilegedNamespaces.forEach((ns, i) => {
    if (ns === "default") problem(`privilegedNamespaces[${i}]`, ns, "`default` is always restricted");
  });
  problems.push(
    ...isolationProblems({
      teams: tenants,
      privilegedGroups: (Array.isArray(args.platformGroupIds) ? args.platformGroupIds : []).map((id, i) => ({
        value: id,
        key: `platformGroupIds[${i}]`,
      })),
      privilegedNamespaces: privilegedNamespaces.map((ns, i) => ({
        value: ns,
        key: `privilegedNamespaces[${i}]`,
      })),
    }),
  );
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
