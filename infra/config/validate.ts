/**
 * Turns raw project configuration into the typed `BlueprintConfig`, reporting every problem at once.
 *
 * The one place where stack configuration is judged: nothing downstream re-validates, so every rule
 * that keeps one team away from another team's identity (unique namespaces, identities inside their
 * team's namespaces and resource group, no role that can grant roles) is enforced here, before any
 * resource is registered.
 */
import {
  AVAILABILITY_ZONES,
  CLUSTER_MODES,
  CLUSTER_TIERS,
  DEFAULT_CLUSTER_MODE,
  DEFAULT_GUARDRAILS,
  DEFAULT_IDENTITY_MODE,
  DEFAULT_LOG_RETENTION_DAYS,
  DEFAULT_MONITORING,
  DEFAULT_NODE_OS_UPGRADE_CHANNEL,
  DEFAULT_POD_IDENTITY,
  DEFAULT_PRODUCTION,
  DEFAULT_SYSTEM_POOL,
  DEFAULT_TIER,
  DEFAULT_UPGRADE_CHANNEL,
  DEFAULT_USER_POOLS,
  KUBERNETES_SYSTEM_NAMESPACES,
  MAX_CLUSTER_NAME_LENGTH,
  MIN_KUBERNETES_VERSION,
  NODE_OS_UPGRADE_CHANNELS,
  PRODUCTION_TIERS,
  UPGRADE_CHANNELS,
} from "./defaults";
import { ConfigValidationError } from "./errors";
import {
  closestKey,
  compareVersions,
  dns1123LabelProblem,
  dns1123SubdomainProblem,
  MAX_POOL_NAME_LENGTH,
  isEmail,
  isAksPoolName,
  isGuid,
  isIdentityResourceId,
  isResourceGroupId,
  parseIpv4Cidr,
  parseVersion,
  reservedNamespaceProblem,
} from "../../conventions/formats";
import { platformUserProblem, USER_ASSIGNED_IDENTITY_PATH } from "../../conventions/kubernetes";
import {
  isolationProblems,
  type Declared,
  type TenantIdentity,
  type TenantTeam,
} from "../../conventions/isolation";
import { IDENTITY_MODES, POD_IDENTITY_MODES } from "../../conventions/modes";
import { podIdentityVersionProblem } from "../../conventions/pod-identity-release";
import { ConfigReader, REDACTED, childKey, indexKey } from "./reader";
import { isKubeconfig, kubeconfigCredentials, parseKubeconfig } from "../../components/team/kubeconfig";
import { BUILT_IN_ROLES, FORBIDDEN_WORKLOAD_ROLES, isBuiltInRole } from "../../conventions/roles";
import type {
  BlueprintConfig,
  ClusterConfig,
  ClusterMode,
  ExistingClusterConfig,
  GuardrailsConfig,
  MonitoringConfig,
  NodePoolConfig,
  PodIdentityConfig,
  TeamConfig,
  TeamIdentityConfig,
  TeamNodePoolConfig,
} from "./types";

/**
 * Every key the configuration accepts, by object path (`[]` marks list items). The single source
 * for unknown-key detection and for the README reference test.
 */
export const CONFIG_KEYS = {
  "": [
    "production",
    "clusterMode",
    "cluster",
    "podIdentity",
    "monitoring",
    "teams",
    "platformGroupIds",
    "guardrails",
    "existing",
  ],
  cluster: [
    "name",
    "location",
    "kubernetesVersion",
    "tier",
    "systemPool",
    "userPools",
    "authorizedIpRanges",
    "privateCluster",
    "adminGroupIds",
    "defender",
    "azurePolicy",
    "upgradeChannel",
    "nodeOsUpgradeChannel",
    "logRetentionDays",
  ],
  "cluster.systemPool": ["name", "vmSize", "minCount", "maxCount", "zones"],
  "cluster.userPools[]": ["name", "vmSize", "minCount", "maxCount", "zones"],
  podIdentity: ["namespace", "mode", "version", "isolateNodes"],
  monitoring: ["alertEmails"],
  "teams[]": [
    "name",
    "developerGroupIds",
    "namespaces",
    "identityMode",
    "identities",
    "resourceGroupId",
    "imageRegistries",
    "nodePool",
  ],
  "teams[].nodePool": ["name", "vmSize", "minCount", "maxCount", "zones"],
  "teams[].identities[]": ["name", "namespace", "roles", "serviceAccount", "existing"],
  "teams[].identities[].existing": ["clientId", "resourceId"],
  guardrails: ["platformUsers", "privilegedNamespaces"],
  existing: ["kubeconfig", "teamKubeconfig"],
} as const satisfies Record<string, readonly string[]>;

/** Every leaf and object key path, e.g. `cluster.systemPool.name`, `teams[].identities[].roles`. */
export function configKeyPaths(): string[] {
  return Object.entries(CONFIG_KEYS).flatMap(([parent, keys]) => keys.map((key) => childKey(parent, key)));
}

const GUID_PROBLEM = "must be an Entra object ID (a GUID such as 00000000-0000-0000-0000-000000000000)";
const guidProblem = (value: string): string | undefined => (isGuid(value) ? undefined : GUID_PROBLEM);

/**
 * A registry host (a dot, a port or `localhost`, as container runtimes tell a registry from a
 * Docker Hub user), optionally with a lowercase repository path: what `imageProblem` matches as a prefix.
 */
const REGISTRY_PREFIX =
  /^(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)+(?::\d{1,5})?|localhost(?::\d{1,5})?|[a-z0-9-]+:\d{1,5})(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;

/** What the team and identity checks need to know about the rest of the configuration. */
interface TeamContext {
  existingMode: boolean;
  production: boolean;
  /** `podIdentity.isolateNodes`: every pod-identity team needs its own pool. */
  isolateNodes: boolean;
  identityNamespace: string;
}

/** A team as read, and its well-formed declarations for the isolation rules. */
interface ReadTeam {
  team: TeamConfig;
  tenant: TenantTeam;
}

/**
 * Validates the raw project config (keys without the `aks-hardening:` prefix; values either parsed
 * or as the JSON strings `pulumi.Config` holds) and fills the documented defaults.
 *
 * @throws ConfigValidationError listing every problem, each with its key path and value.
 */
export function validateConfig(raw: Record<string, unknown>, stack: string): BlueprintConfig {
  const r = new ConfigReader();
  r.object(raw, "", CONFIG_KEYS[""]);

  const production = r.boolean(raw.production, "production", DEFAULT_PRODUCTION);
  if (!production && /^prod/i.test(stack)) {
    r.report("production", raw.production, `stack "${stack}" looks like production; set production: true`);
  }
  const clusterMode: ClusterMode = r.oneOf(
    raw.clusterMode,
    "clusterMode",
    CLUSTER_MODES,
    DEFAULT_CLUSTER_MODE,
  );
  const existingMode = clusterMode === "existing";

  const podIdentity = readPodIdentity(r, raw.podIdentity, existingMode);
  const cluster = readCluster(r, raw.cluster, production, existingMode);
  const monitoring = readMonitoring(r, raw.monitoring, production);
  const platformGroupIds = r.stringList(raw.platformGroupIds, "platformGroupIds", [], guidProblem);
  const existing = readExisting(r, raw.existing, existingMode);
  const read = readTeams(r, raw.teams, {
    existingMode,
    production,
    isolateNodes: podIdentity.isolateNodes,
    identityNamespace: podIdentity.namespace,
  });
  const teams = read.map((t) => t.team);
  const { guardrails, privilegedNamespaces } = readGuardrails(r, raw.guardrails);
  r.problems.push(
    ...isolationProblems({
      teams: read.map((t) => t.tenant),
      privilegedGroups: [
        ...declaredList(cluster.adminGroupIds, "cluster.adminGroupIds"),
        ...declaredList(platformGroupIds, "platformGroupIds"),
      ],
      privilegedNamespaces,
      // In create mode the cluster's own pools share the name space with the teams' pools; in
      // existing mode the blueprint declares none (it ignores the cluster pool settings).
      clusterPools: existingMode
        ? []
        : [cluster.systemPool, ...cluster.userPools].map((pool, i) => ({
            value: pool.name,
            key: childKey(poolKey(i), "name"),
          })),
    }),
  );

  if (r.problems.length > 0) throw new ConfigValidationError(stack, r.problems);
  return {
    environment: stack,
    production,
    clusterMode,
    cluster,
    podIdentity,
    monitoring,
    teams,
    ...(existing ? { existing } : {}),
    platformGroupIds,
    guardrails,
  };
}

/** `check`, also recording every item it accepts, with its key, in `into` (for the isolation rules). */
function recording(
  into: Declared[],
  check: (item: string) => string | undefined,
): (item: string, key: string) => string | undefined {
  return (item, key) => {
    const problem = check(item);
    if (problem === undefined) into.push({ value: item, key });
    return problem;
  };
}

/** `values` with the keys `key[0]`, `key[1]`...: a list whose every item was well-formed. */
function declaredList(values: readonly string[], key: string): Declared[] {
  return values.map((value, i) => ({ value, key: indexKey(key, i) }));
}

/**
 * Who the admission policies trust. A platform user bypasses the identity guardrails, so it must
 * name a person or CI principal; a privileged namespace admits hostNetwork/NET_RAW pods (S4), so it
 * must be a real system namespace, never `default` or (an isolation rule) a team's.
 */
function readGuardrails(
  r: ConfigReader,
  value: unknown,
): { guardrails: GuardrailsConfig; privilegedNamespaces: Declared[] } {
  const raw = r.object(value, "guardrails", CONFIG_KEYS.guardrails) ?? {};
  const platformUsers = r.stringList(
    raw.platformUsers,
    "guardrails.platformUsers",
    DEFAULT_GUARDRAILS.platformUsers,
    platformUserProblem,
  );

  const systemKube: readonly string[] = KUBERNETES_SYSTEM_NAMESPACES;
  const declared: Declared[] = [];
  const privilegedNamespaces = r.stringList(
    raw.privilegedNamespaces,
    "guardrails.privilegedNamespaces",
    DEFAULT_GUARDRAILS.privilegedNamespaces,
    recording(declared, (ns) => {
      const problem = dns1123LabelProblem(ns);
      if (problem) return problem;
      if (ns === "default")
        return "must stay restricted: `default` is where manifests without a namespace land";
      if (ns.startsWith("kube-") && !systemKube.includes(ns)) {
        const guess = closestKey(ns, systemKube);
        return `is a reserved kube-* name Kubernetes does not create${guess ? `; did you mean "${guess}"?` : ""}`;
      }
      return undefined;
    }),
  );
  return { guardrails: { platformUsers, privilegedNamespaces }, privilegedNamespaces: declared };
}

function readPodIdentity(r: ConfigReader, value: unknown, existingMode: boolean): PodIdentityConfig {
  const raw = r.object(value, "podIdentity", CONFIG_KEYS.podIdentity) ?? {};
  const namespace = r.string(raw.namespace, "podIdentity.namespace") ?? DEFAULT_POD_IDENTITY.namespace;
  const namespaceProblem =
    dns1123LabelProblem(namespace) ??
    (namespace === "default" || namespace.startsWith("kube-")
      ? "must be a dedicated namespace, not `default` or `kube-*` (NMI's MIC namespace defaults to `default`)"
      : undefined);
  if (namespaceProblem) r.report("podIdentity.namespace", namespace, namespaceProblem);

  // MIC (standard mode) needs the cluster's Azure context (kubelet identity, node resource group),
  // which only create mode knows; an existing cluster gets NMI only, identities assigned outside.
  const mode = r.oneOf(
    raw.mode,
    "podIdentity.mode",
    POD_IDENTITY_MODES,
    existingMode ? "managed" : DEFAULT_POD_IDENTITY.mode,
  );
  if (existingMode && mode === "standard") {
    r.report(
      "podIdentity.mode",
      raw.mode,
      'must be "managed" with clusterMode: existing: MIC needs the cluster\'s Azure context (kubelet identity, node resource group), which only create mode has',
    );
  }
  const isolateNodes = r.boolean(
    raw.isolateNodes,
    "podIdentity.isolateNodes",
    DEFAULT_POD_IDENTITY.isolateNodes,
  );
  const version = r.string(raw.version, "podIdentity.version") ?? DEFAULT_POD_IDENTITY.version;
  const versionProblem = podIdentityVersionProblem(version);
  if (versionProblem) r.report("podIdentity.version", version, versionProblem);
  return { namespace, mode, version, isolateNodes };
}

function readCluster(
  r: ConfigReader,
  value: unknown,
  production: boolean,
  existingMode: boolean,
): ClusterConfig {
  if (value === undefined) {
    r.missing(
      "cluster",
      existingMode
        ? "at least name and kubernetesVersion"
        : "at least name, location, kubernetesVersion and adminGroupIds",
    );
  }
  const parsed = r.object(value, "cluster", CONFIG_KEYS.cluster);
  // Missing or wrong-typed: that one problem is enough, the fields fall back to their defaults.
  const fieldReader = parsed === undefined ? new ConfigReader() : r;
  return readClusterFields(fieldReader, parsed ?? {}, production, existingMode);
}

/** `cluster.systemPool` for index 0, `cluster.userPools[i - 1]` after it. */
function poolKey(index: number): string {
  return index === 0 ? "cluster.systemPool" : indexKey("cluster.userPools", index - 1);
}

function readClusterFields(
  r: ConfigReader,
  raw: Record<string, unknown>,
  production: boolean,
  existingMode: boolean,
): ClusterConfig {
  const createMode = !existingMode;

  const name = r.requiredString(raw.name, "cluster.name") ?? "";
  if (raw.name !== undefined && name !== "") {
    const problem = dns1123LabelProblem(name, MAX_CLUSTER_NAME_LENGTH);
    if (problem) r.report("cluster.name", name, problem);
  }

  const location =
    (createMode
      ? r.requiredString(raw.location, "cluster.location")
      : r.string(raw.location, "cluster.location")) ?? "";
  if (location !== "" && !/^[a-z][a-z0-9]*$/.test(location)) {
    r.report(
      "cluster.location",
      location,
      "must be an Azure region name such as westeurope (lowercase, no spaces)",
    );
  }

  const kubernetesVersion = r.requiredString(raw.kubernetesVersion, "cluster.kubernetesVersion") ?? "";
  if (typeof raw.kubernetesVersion === "string") {
    const parsed = parseVersion(kubernetesVersion);
    if (!parsed) {
      r.report(
        "cluster.kubernetesVersion",
        kubernetesVersion,
        'must be "major.minor" or "major.minor.patch", e.g. "1.33"',
      );
    } else if (compareVersions(parsed, MIN_KUBERNETES_VERSION) < 0) {
      r.report(
        "cluster.kubernetesVersion",
        kubernetesVersion,
        "must be 1.30 or newer: the guardrails use ValidatingAdmissionPolicy (GA in 1.30)",
      );
    }
  }

  const tier = r.oneOf(raw.tier, "cluster.tier", CLUSTER_TIERS, DEFAULT_TIER);
  const systemPool =
    raw.systemPool === undefined
      ? cloneDefaultPool(DEFAULT_SYSTEM_POOL)
      : readPool(r, raw.systemPool, "cluster.systemPool", 1);
  const userPools = readUserPools(r, raw.userPools);
  const poolNames = new Map<string, string>();
  [systemPool, ...userPools].forEach((pool, index) => {
    const key = childKey(poolKey(index), "name");
    const first = poolNames.get(pool.name);
    if (pool.name !== "" && first !== undefined) r.report(key, pool.name, `is already used by ${first}`);
    else poolNames.set(pool.name, key);
  });

  const authorizedIpRanges = r.stringList(
    raw.authorizedIpRanges,
    "cluster.authorizedIpRanges",
    [],
    (range) => {
      const parsed = parseIpv4Cidr(range);
      if (typeof parsed === "string") return parsed;
      if (parsed.prefixLength === 0 && production) {
        return "opens the API server to the whole internet; not allowed in production";
      }
      return undefined;
    },
  );
  const privateCluster = r.boolean(raw.privateCluster, "cluster.privateCluster", false);
  const adminGroupIds = r.stringList(raw.adminGroupIds, "cluster.adminGroupIds", [], guidProblem);
  const defender = r.boolean(raw.defender, "cluster.defender", true);
  const azurePolicy = r.boolean(raw.azurePolicy, "cluster.azurePolicy", true);
  const upgradeChannel = r.oneOf(
    raw.upgradeChannel,
    "cluster.upgradeChannel",
    UPGRADE_CHANNELS,
    DEFAULT_UPGRADE_CHANNEL,
  );
  const nodeOsUpgradeChannel = r.oneOf(
    raw.nodeOsUpgradeChannel,
    "cluster.nodeOsUpgradeChannel",
    NODE_OS_UPGRADE_CHANNELS,
    DEFAULT_NODE_OS_UPGRADE_CHANNEL,
  );
  const logRetentionDays = r.integer(
    raw.logRetentionDays,
    "cluster.logRetentionDays",
    DEFAULT_LOG_RETENTION_DAYS,
    30,
    730,
  );

  // The rules below judge a cluster the blueprint creates; in `existing` mode it creates none.
  if (createMode) {
    if (
      !privateCluster &&
      authorizedIpRanges.length === 0 &&
      !r.reportedUnder("cluster.authorizedIpRanges")
    ) {
      r.report(
        "cluster.authorizedIpRanges",
        raw.authorizedIpRanges,
        "must list the CIDRs allowed to reach the public API server (or set cluster.privateCluster: true)",
      );
    }
    if (raw.adminGroupIds === undefined) {
      r.missing(
        "cluster.adminGroupIds",
        "local accounts are disabled, so an Entra admin group is the only way in",
      );
    } else if (adminGroupIds.length === 0 && !r.reportedUnder("cluster.adminGroupIds")) {
      r.report(
        "cluster.adminGroupIds",
        raw.adminGroupIds,
        "must name at least one Entra group (local accounts are disabled)",
      );
    }
    if (production) {
      if (!PRODUCTION_TIERS.includes(tier)) {
        r.report("cluster.tier", tier, "must be Standard or Premium in production (Free has no uptime SLA)");
      }
      if (!defender)
        r.report(
          "cluster.defender",
          raw.defender,
          "must be true in production (Microsoft Defender for Containers)",
        );
      [systemPool, ...userPools].forEach((pool, index) => {
        if (pool.zones.length < 2) {
          const key = childKey(poolKey(index), "zones");
          r.report(key, pool.zones, "must span at least 2 availability zones in production");
        }
      });
    }
  }

  return {
    name,
    location,
    kubernetesVersion,
    tier,
    systemPool,
    userPools,
    authorizedIpRanges,
    privateCluster,
    adminGroupIds,
    defender,
    azurePolicy,
    upgradeChannel,
    nodeOsUpgradeChannel,
    logRetentionDays,
  };
}

function cloneDefaultPool(pool: NodePoolConfig): NodePoolConfig {
  return { ...pool, zones: [...pool.zones] };
}

function readUserPools(r: ConfigReader, value: unknown): NodePoolConfig[] {
  if (value === undefined) return DEFAULT_USER_POOLS.map(cloneDefaultPool);
  const items = r.array(value, "cluster.userPools") ?? [];
  if (items.length === 0 && !r.reportedUnder("cluster.userPools")) {
    r.report(
      "cluster.userPools",
      value,
      "must list at least one pool: team workloads never run on the tainted system pool",
    );
  }
  return items.map((item, index) => readPool(r, item, indexKey("cluster.userPools", index), 0));
}

function readPool(outer: ConfigReader, value: unknown, key: string, minNodes: number): NodePoolConfig {
  const parsed = outer.object(value, key, CONFIG_KEYS["cluster.systemPool"]);
  return readPoolFields(parsed === undefined ? new ConfigReader() : outer, parsed ?? {}, key, minNodes);
}

function poolNameProblem(name: string): string | undefined {
  return isAksPoolName(name)
    ? undefined
    : `must be lowercase alphanumeric, start with a letter, at most ${MAX_POOL_NAME_LENGTH} characters (AKS rule)`;
}

function readPoolFields(
  r: ConfigReader,
  raw: Record<string, unknown>,
  key: string,
  minNodes: number,
): NodePoolConfig {
  const name = r.requiredString(raw.name, childKey(key, "name")) ?? "";
  const nameProblem = typeof raw.name === "string" ? poolNameProblem(name) : undefined;
  if (nameProblem) r.report(childKey(key, "name"), name, nameProblem);
  const vmSize = r.requiredString(raw.vmSize, childKey(key, "vmSize")) ?? "";
  if (typeof raw.vmSize === "string" && !/^Standard_[A-Za-z0-9_]+$/.test(vmSize)) {
    r.report(childKey(key, "vmSize"), vmSize, "must be an Azure VM size such as Standard_D4ds_v5");
  }
  if (raw.minCount === undefined) r.missing(childKey(key, "minCount"));
  if (raw.maxCount === undefined) r.missing(childKey(key, "maxCount"));
  const minCount = r.integer(raw.minCount, childKey(key, "minCount"), minNodes, minNodes, 1000);
  const maxCount = r.integer(raw.maxCount, childKey(key, "maxCount"), Math.max(minNodes, 1), 1, 1000);
  if (raw.minCount !== undefined && raw.maxCount !== undefined && minCount > maxCount) {
    r.report(childKey(key, "minCount"), raw.minCount, `must not exceed maxCount (${maxCount})`);
  }
  // YAML `zones: [1, 2, 3]` gives numbers; Azure wants the strings "1", "2", "3".
  const zonesValue = r
    .array(raw.zones, childKey(key, "zones"))
    ?.map((z) => (typeof z === "number" ? String(z) : z));
  const zones = r.stringList(zonesValue, childKey(key, "zones"), [...AVAILABILITY_ZONES], (zone) =>
    (AVAILABILITY_ZONES as readonly string[]).includes(zone)
      ? undefined
      : 'must be an availability zone: "1", "2" or "3"',
  );
  return { name, vmSize, minCount, maxCount, zones };
}

function readMonitoring(r: ConfigReader, value: unknown, production: boolean): MonitoringConfig {
  const raw = r.object(value, "monitoring", CONFIG_KEYS.monitoring) ?? {};
  const alertEmails = r.stringList(
    raw.alertEmails,
    "monitoring.alertEmails",
    DEFAULT_MONITORING.alertEmails,
    (email) => (isEmail(email) ? undefined : "must be an e-mail address"),
  );
  if (production && alertEmails.length === 0 && !r.reportedUnder("monitoring.alertEmails")) {
    r.report(
      "monitoring.alertEmails",
      raw.alertEmails,
      "must name at least one receiver in production: an unread alert protects no one",
    );
  }
  return { alertEmails };
}

function readExisting(
  r: ConfigReader,
  value: unknown,
  existingMode: boolean,
): ExistingClusterConfig | undefined {
  const raw = r.object(value, "existing", CONFIG_KEYS.existing, {
    secret: true,
    hint: "set the kubeconfig with `--path existing.kubeconfig`",
  });
  if (!existingMode) {
    // Pulumi.yaml declares `existing` with default `{}`, so an empty object means "not set".
    if (raw !== undefined && Object.keys(raw).length > 0) {
      r.report("existing", REDACTED, "is only used with clusterMode: existing");
    }
    return undefined;
  }
  const hint =
    'set it with `pulumi config set --secret --path existing.kubeconfig "$(cat kubeconfig)"` (kept encrypted in the stack file)';
  if (raw?.kubeconfig === undefined) {
    r.missing("existing.kubeconfig", hint);
    return undefined;
  }
  if (typeof raw.kubeconfig !== "string" || raw.kubeconfig.trim() === "") {
    r.report("existing.kubeconfig", REDACTED, `must be the kubeconfig file's text; ${hint}`);
    return undefined;
  }
  const teamKubeconfig = readTeamKubeconfig(r, raw.teamKubeconfig);
  return { kubeconfig: raw.kubeconfig, ...(teamKubeconfig !== undefined ? { teamKubeconfig } : {}) };
}

/**
 * `existing.teamKubeconfig`: the kubeconfig published to teams in their contracts. It reaches every
 * team, so it must carry no credential of its own (users log in through an exec plugin such as
 * kubelogin); refused here, before anything is created, rather than when the contract is built.
 */
function readTeamKubeconfig(r: ConfigReader, value: unknown): string | undefined {
  const key = "existing.teamKubeconfig";
  const text = r.string(value, key);
  if (text === undefined) return undefined;
  const parsed = parseKubeconfig(text);
  if (!isKubeconfig(parsed)) {
    r.report(key, REDACTED, "must be a kubeconfig (a YAML or JSON mapping with clusters and users)");
    return undefined;
  }
  const credentials = kubeconfigCredentials(parsed);
  if (credentials.length > 0) {
    r.report(
      key,
      `(kubeconfig with ${credentials.join(", ")})`,
      "embeds credentials and would reach every team; give a kubeconfig whose users log in themselves (exec: kubelogin)",
    );
    return undefined;
  }
  return text;
}

function readTeams(r: ConfigReader, value: unknown, context: TeamContext): ReadTeam[] {
  if (value === undefined) {
    r.missing("teams", "list the teams that share the cluster");
    return [];
  }
  const items = r.array(value, "teams");
  if (items === undefined) return [];
  if (items.length === 0) r.report("teams", value, "must list at least one team");
  return items.map((item, index) => readTeam(r, item, indexKey("teams", index), context));
}

/**
 * One team's fields, each checked on its own; how they relate to the other teams' and to the
 * platform's (ownership, sharing, containment) is judged by `isolationProblems` afterwards.
 */
function readTeam(outer: ConfigReader, value: unknown, key: string, context: TeamContext): ReadTeam {
  const parsed = outer.object(value, key, CONFIG_KEYS["teams[]"]);
  const r = parsed === undefined ? new ConfigReader() : outer; // a wrong-typed item is one problem, not one per field
  const raw = parsed ?? {};
  const name = r.requiredString(raw.name, childKey(key, "name")) ?? "";
  let tenantName = "";
  if (typeof raw.name === "string") {
    const problem = dns1123LabelProblem(name) ?? reservedNamespaceProblem(name, context.identityNamespace);
    if (problem) r.report(childKey(key, "name"), name, problem);
    else tenantName = name;
  }

  const groups: Declared[] = [];
  if (raw.developerGroupIds === undefined)
    r.missing(childKey(key, "developerGroupIds"), "the Entra groups of the team's developers");
  const developerGroupIds = r.stringList(
    raw.developerGroupIds,
    childKey(key, "developerGroupIds"),
    [],
    recording(groups, guidProblem),
  );

  const namespacesKey = childKey(key, "namespaces");
  const declaredNamespaces: Declared[] = [];
  if (raw.namespaces === undefined) r.missing(namespacesKey, "the namespaces the team owns");
  const namespaces = r.stringList(
    raw.namespaces,
    namespacesKey,
    [],
    recording(
      declaredNamespaces,
      (ns) => dns1123LabelProblem(ns) ?? reservedNamespaceProblem(ns, context.identityNamespace),
    ),
  );
  if (raw.namespaces !== undefined && namespaces.length === 0 && !r.reportedUnder(namespacesKey)) {
    r.report(namespacesKey, raw.namespaces, "must list at least one namespace");
  }

  const identityMode = r.oneOf(
    raw.identityMode,
    childKey(key, "identityMode"),
    IDENTITY_MODES,
    DEFAULT_IDENTITY_MODE,
  );
  const resourceGroupId = readResourceGroupId(
    r,
    raw.resourceGroupId,
    childKey(key, "resourceGroupId"),
    context,
  );

  const identitiesKey = childKey(key, "identities");
  const identities = (r.array(raw.identities, identitiesKey) ?? []).map((item, index) =>
    readIdentity(r, item, indexKey(identitiesKey, index), context),
  );

  const imageRegistries = r.stringList(raw.imageRegistries, childKey(key, "imageRegistries"), [], (entry) =>
    REGISTRY_PREFIX.test(entry)
      ? undefined
      : "must be a registry host, optionally with a repository path (e.g. myacr.azurecr.io/team-a), without scheme or tag",
  );

  const nodePoolKey = childKey(key, "nodePool");
  const nodePool = readTeamNodePool(r, raw.nodePool, nodePoolKey, context);
  if (raw.nodePool === undefined && context.isolateNodes && identityMode === "pod-identity") {
    r.report(
      nodePoolKey,
      undefined,
      `is required: team "${name}" uses pod identity and podIdentity.isolateNodes is on, so its identities may only be assigned to a pool of its own (${context.existingMode ? "name the pool the team already has: { name: <pool> }" : "give name, vmSize, minCount and maxCount"}); set podIdentity.isolateNodes: false to share nodes`,
    );
  }

  const team: TeamConfig = {
    name,
    developerGroupIds,
    namespaces,
    identityMode,
    identities: identities.map((i) => i.identity),
    imageRegistries,
    ...(resourceGroupId !== undefined ? { resourceGroupId: resourceGroupId.value } : {}),
    ...(nodePool !== undefined ? { nodePool: nodePool.pool } : {}),
  };
  const tenant: TenantTeam = {
    key,
    name: tenantName,
    developerGroupIds: groups,
    namespaces: declaredNamespaces,
    identities: identities.map((i) => i.tenant),
    ...(resourceGroupId !== undefined ? { resourceGroupId } : {}),
    ...(nodePool?.name !== undefined ? { nodePool: nodePool.name } : {}),
  };
  return { team, tenant };
}

/** `teams[].resourceGroupId`: required in existing mode, refused in create mode (the blueprint makes it). */
function readResourceGroupId(
  r: ConfigReader,
  value: unknown,
  key: string,
  context: TeamContext,
): Declared | undefined {
  if (!context.existingMode) {
    if (value !== undefined)
      r.report(
        key,
        value,
        "is only used with clusterMode: existing (in create mode the blueprint makes the group)",
      );
    return undefined;
  }
  const id = r.requiredString(value, key, "the full ID /subscriptions/<id>/resourceGroups/<name>");
  if (id === undefined) return undefined;
  if (!isResourceGroupId(id)) {
    r.report(
      key,
      id,
      "must be a resource group ID: /subscriptions/<subscription GUID>/resourceGroups/<name>",
    );
    return undefined;
  }
  return { value: id, key };
}

/**
 * `teams[].nodePool`: the team's dedicated pool. Create mode: a pool to create, with the fields of
 * `cluster.userPools[]` (at least one node: a team pool at zero would leave its pods pending with
 * nowhere else to go). Existing mode: only the name of a pool that exists. That no other team or
 * the cluster itself uses it is an isolation rule.
 */
function readTeamNodePool(
  r: ConfigReader,
  value: unknown,
  key: string,
  context: TeamContext,
): { pool: TeamNodePoolConfig; name: Declared | undefined } | undefined {
  if (value === undefined) return undefined;
  const parsed = r.object(value, key, CONFIG_KEYS["teams[].nodePool"]);
  if (parsed === undefined) return undefined;
  let pool: TeamNodePoolConfig;
  let wellFormed: boolean;
  if (context.existingMode) {
    for (const field of ["vmSize", "minCount", "maxCount", "zones"] as const) {
      if (parsed[field] !== undefined)
        r.report(
          childKey(key, field),
          parsed[field],
          "is only used with clusterMode: create (in existing mode name the pool the team already has)",
        );
    }
    const name = r.requiredString(parsed.name, childKey(key, "name"), "the existing pool's name") ?? "";
    const problem = typeof parsed.name === "string" ? poolNameProblem(name) : undefined;
    if (problem) r.report(childKey(key, "name"), name, problem);
    wellFormed = typeof parsed.name === "string" && problem === undefined;
    pool = { name };
  } else {
    const created = readPoolFields(r, parsed, key, 1);
    if (context.production && created.zones.length < 2)
      r.report(
        childKey(key, "zones"),
        created.zones,
        "must span at least 2 availability zones in production",
      );
    wellFormed = typeof parsed.name === "string" && poolNameProblem(created.name) === undefined;
    pool = created;
  }
  return { pool, name: wellFormed ? { value: pool.name, key: childKey(key, "name") } : undefined };
}

function readIdentity(
  outer: ConfigReader,
  value: unknown,
  key: string,
  context: TeamContext,
): { identity: TeamIdentityConfig; tenant: TenantIdentity } {
  const parsed = outer.object(value, key, CONFIG_KEYS["teams[].identities[]"]);
  const r = parsed === undefined ? new ConfigReader() : outer; // a wrong-typed item is one problem, not one per field
  const raw = parsed ?? {};
  const name = r.requiredString(raw.name, childKey(key, "name")) ?? "";
  const nameProblem = typeof raw.name === "string" ? dns1123LabelProblem(name) : undefined;
  if (nameProblem) r.report(childKey(key, "name"), name, nameProblem);

  const namespace =
    r.requiredString(raw.namespace, childKey(key, "namespace"), `one of the team's namespaces`) ?? "";

  const roles = r.stringList(raw.roles, childKey(key, "roles"), [], (role) => {
    if (!isBuiltInRole(role)) {
      const guess = closestKey(role, Object.keys(BUILT_IN_ROLES));
      return `is not a known built-in role${guess ? `; did you mean "${guess}"?` : `; known roles: ${Object.keys(BUILT_IN_ROLES).join(", ")}`}`;
    }
    const reason = FORBIDDEN_WORKLOAD_ROLES[role];
    return reason === undefined ? undefined : `must not be granted to a workload identity: it ${reason}`;
  });

  const serviceAccount = r.string(raw.serviceAccount, childKey(key, "serviceAccount")) ?? name;
  const accountProblem =
    typeof raw.serviceAccount === "string" ? dns1123SubdomainProblem(serviceAccount) : undefined;
  if (accountProblem) r.report(childKey(key, "serviceAccount"), serviceAccount, accountProblem);

  const existing = readIdentityExisting(r, raw.existing, childKey(key, "existing"), context);
  const identity: TeamIdentityConfig = {
    name,
    namespace,
    roles,
    serviceAccount,
    ...(existing?.clientId && existing.resourceId
      ? { existing: { clientId: existing.clientId.value, resourceId: existing.resourceId.value } }
      : {}),
  };
  const tenant: TenantIdentity = {
    key,
    name: nameProblem === undefined ? name : "",
    namespace,
    serviceAccount: accountProblem === undefined ? serviceAccount : "",
    ...(existing?.clientId ? { clientId: existing.clientId } : {}),
    ...(existing?.resourceId ? { resourceId: existing.resourceId } : {}),
  };
  return { identity, tenant };
}

/** `teams[].identities[].existing`: required in existing mode, refused in create mode. */
function readIdentityExisting(
  r: ConfigReader,
  value: unknown,
  key: string,
  context: TeamContext,
): { clientId?: Declared; resourceId?: Declared } | undefined {
  if (!context.existingMode) {
    if (value !== undefined)
      r.report(
        key,
        value,
        "is only used with clusterMode: existing (in create mode the blueprint makes the identity)",
      );
    return undefined;
  }
  if (value === undefined) {
    r.missing(key, "the existing managed identity's clientId and resourceId");
    return undefined;
  }
  const raw = r.object(value, key, CONFIG_KEYS["teams[].identities[].existing"]) ?? {};
  const clientKey = childKey(key, "clientId");
  const clientId = r.requiredString(raw.clientId, clientKey);
  const clientOk = clientId !== undefined && isGuid(clientId);
  if (clientId !== undefined && !clientOk) r.report(clientKey, clientId, "must be a client ID (a GUID)");
  const resourceKey = childKey(key, "resourceId");
  const resourceId = r.requiredString(raw.resourceId, resourceKey);
  const resourceOk = resourceId !== undefined && isIdentityResourceId(resourceId);
  if (resourceId !== undefined && !resourceOk)
    r.report(
      resourceKey,
      resourceId,
      `must be a user-assigned identity ID: /subscriptions/<id>/resourceGroups/<rg>${USER_ASSIGNED_IDENTITY_PATH}<name>`,
    );
  return {
    ...(clientOk ? { clientId: { value: clientId, key: clientKey } } : {}),
    ...(resourceOk ? { resourceId: { value: resourceId, key: resourceKey } } : {}),
  };
}
