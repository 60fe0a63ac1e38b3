/**
 * The stack configuration's one schema: every key, its type, its default, the form of its value and
 * its documentation. A union discriminated by `clusterMode`, since the two modes accept different
 * keys (`existing` mode names what exists; `create` mode makes it).
 *
 * `validate.ts` parses with it, `rules.ts` adds the rules that relate keys to each other, the
 * README reference and the `Pulumi.yaml` config block are rendered from it (`reference.ts`, `npm
 * run docs`), and `types.ts` is its output type.
 */
import { z } from "zod";
import {
  compareVersions,
  dns1123LabelProblem,
  dns1123SubdomainProblem,
  isAksPoolName,
  isEmail,
  isGuid,
  isIdentityResourceId,
  isResourceGroupId,
  MAX_POOL_NAME_LENGTH,
  parseIpv4Cidr,
  parseVersion,
  reservedNamespaceProblem,
  closestKey,
} from "../../conventions/formats";
import { platformUserProblem, USER_ASSIGNED_IDENTITY_PATH } from "../../conventions/kubernetes";
import { MAX_SELECTOR_LENGTH } from "../../conventions/isolation";
import { IDENTITY_MODES, POD_IDENTITY_MODES } from "../../conventions/modes";
import { podIdentityVersionProblem } from "../../conventions/pod-identity-release";
import { BUILT_IN_ROLES, FORBIDDEN_WORKLOAD_ROLES, isBuiltInRole } from "../../conventions/roles";
import {
  AVAILABILITY_ZONES,
  CLUSTER_MODES,
  CLUSTER_TIERS,
  DEFAULT_CLUSTER_MODE,
  DEFAULT_GUARDRAILS,
  DEFAULT_IDENTITY_MODE,
  DEFAULT_LOG_RETENTION_DAYS,
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
  UPGRADE_CHANNELS,
} from "./defaults";
import {
  documented,
  exactObject,
  flag,
  integer,
  list,
  object,
  oneOf,
  refused,
  isPlainObject,
  parseJsonText,
  SHOWN,
  text,
  type Check,
} from "./schema-kit";
import {
  isKubeconfig,
  kubeconfigCredentials,
  kubeconfigServer,
  parseKubeconfig,
} from "../../components/team/kubeconfig";

type Mode = (typeof CLUSTER_MODES)[number];

const GUID_PROBLEM = "must be an Entra object ID (a GUID such as 00000000-0000-0000-0000-000000000000)";
const guid: Check = (value) => (isGuid(value) ? undefined : GUID_PROBLEM);

/**
 * A registry host (a dot, a port or `localhost`, as container runtimes tell a registry from a
 * Docker Hub user), optionally with a lowercase repository path: what `imageProblem` matches as a prefix.
 */
const REGISTRY_PREFIX =
  /^(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)+(?::\d{1,5})?|localhost(?::\d{1,5})?|[a-z0-9-]+:\d{1,5})(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;

/** Team and namespace names: DNS-1123 and not reserved (the identity namespace is a cross-field rule). */
const unreservedLabel: Check = (name) => dns1123LabelProblem(name) ?? reservedNamespaceProblem(name, "");

const poolName: Check = (name) =>
  isAksPoolName(name)
    ? undefined
    : `must be lowercase alphanumeric, start with a letter, at most ${MAX_POOL_NAME_LENGTH} characters (AKS rule)`;

const vmSize: Check = (size) =>
  /^Standard_[A-Za-z0-9_]+$/.test(size) ? undefined : "must be an Azure VM size such as Standard_D4ds_v5";

const zones = () =>
  list(
    z.preprocess(
      // YAML `zones: [1, 2, 3]` gives numbers; Azure wants the strings "1", "2", "3".
      (zone) => (typeof zone === "number" ? String(zone) : zone),
      text((zone) =>
        (AVAILABILITY_ZONES as readonly string[]).includes(zone)
          ? undefined
          : 'must be an availability zone: "1", "2" or "3"',
      ),
    ),
  ).default(() => [...AVAILABILITY_ZONES]);

/** A node pool the blueprint creates; `minNodes`: the fewest nodes it may scale to. */
function createdPool(minNodes: number, docs: PoolDocs) {
  return object({
    name: documented(text(poolName), { description: docs.name }),
    vmSize: documented(text(vmSize), { description: docs.vmSize, ...docs.createOnly }),
    minCount: documented(integer(minNodes, 1000), { description: docs.minCount, ...docs.createOnly }),
    maxCount: documented(integer(1, 1000), { description: docs.maxCount, ...docs.createOnly }),
    zones: documented(zones(), { description: docs.zones }),
  }).superRefine((pool, ctx) => {
    // Only when both counts are well-formed: a count out of range is its own problem.
    const countHasProblem = ctx.issues.some((i) => i.path?.[0] === "minCount" || i.path?.[0] === "maxCount");
    if (!countHasProblem && pool.minCount > pool.maxCount)
      ctx.addIssue({
        code: "custom",
        message: `must not exceed maxCount (${pool.maxCount})`,
        path: ["minCount"],
        input: pool.minCount,
      });
  });
}

interface PoolDocs {
  name: string;
  vmSize: string;
  minCount: string;
  maxCount: string;
  zones: string;
  createOnly?: { defaultText: string };
}

const SYSTEM_POOL_DOCS: PoolDocs = {
  name: `Lowercase alphanumeric, starts with a letter, at most ${MAX_POOL_NAME_LENGTH} characters (AKS rule).`,
  vmSize: "VM size, e.g. `Standard_D4ds_v5`.",
  minCount: "Autoscaler minimum, 1 or more, at most `maxCount`.",
  maxCount: "Autoscaler maximum, at most 1000.",
  zones: "Availability zones; at least 2 in production, `[]` in a region without zones.",
};
const USER_POOL_DOCS: PoolDocs = {
  name: "As `systemPool.name`.",
  vmSize: "As `systemPool.vmSize`.",
  minCount: "0 or more, at most `maxCount`.",
  maxCount: "At most 1000.",
  zones: "As `systemPool.zones`.",
};
const TEAM_POOL_DOCS: PoolDocs = {
  name: "As `systemPool.name`; unique across the system pool, the user pools and every team's pool.",
  vmSize: "As `systemPool.vmSize`; refused in existing mode.",
  minCount:
    "1 or more (a team pool at zero leaves its pods pending: they may run nowhere else), at most `maxCount`; refused in existing mode.",
  maxCount: "At most 1000; refused in existing mode.",
  zones: "As `systemPool.zones` (at least 2 in production); refused in existing mode.",
  createOnly: { defaultText: "create mode: required" },
};

function cluster(mode: Mode) {
  const createMode = mode === "create";
  return documented(
    object(
      {
        name: documented(
          text((name) => dns1123LabelProblem(name, MAX_CLUSTER_NAME_LENGTH)),
          {
            description: `DNS-1123 label, at most ${MAX_CLUSTER_NAME_LENGTH} characters; prefixes every resource name.`,
          },
        ),
        location: documented(createMode ? text(regionProblem) : text(regionProblem).default(""), {
          description: "Azure region, e.g. `westeurope`.",
          defaultText: "required in create mode",
        }),
        kubernetesVersion: documented(text(kubernetesVersionProblem), {
          description:
            '`"1.33"` or `"1.33.2"`, quoted (YAML reads `1.30` as `1.3`); 1.30 or newer (ValidatingAdmissionPolicy is GA there).',
        }),
        tier: documented(oneOf(CLUSTER_TIERS).default(DEFAULT_TIER), {
          description: "`Free`, `Standard` or `Premium`; Standard or Premium in production.",
        }),
        systemPool: documented(
          createdPool(1, SYSTEM_POOL_DOCS).default(() => clonePool(DEFAULT_SYSTEM_POOL)),
          {
            description: "The system pool, tainted `CriticalAddonsOnly` so team pods never land there.",
            defaultText: "2-3 × `Standard_D4ds_v5` in zones 1-3",
          },
        ),
        userPools: documented(
          list(createdPool(0, USER_POOL_DOCS), { repeatable: true })
            .refine((pools) => pools.length > 0, {
              message: "must list at least one pool: team workloads never run on the tainted system pool",
            })
            .default(() => DEFAULT_USER_POOLS.map(clonePool)),
          {
            description: "Pools for team workloads; at least one. Pool names are unique across all pools.",
            defaultText: "one pool `user`, 2-6 × `Standard_D4ds_v5`, zones 1-3",
          },
        ),
        authorizedIpRanges: documented(
          list(
            text((range) => {
              const parsed = parseIpv4Cidr(range);
              return typeof parsed === "string" ? parsed : undefined;
            }),
          ).default([]),
          {
            description:
              "IPv4 CIDRs allowed to reach a public API server; required (non-empty) unless `privateCluster`. Host bits must be clear; `/0` is refused in production.",
          },
        ),
        privateCluster: documented(flag(false), {
          description:
            "API server reachable only from the VNet (private endpoint); `pulumi up` must then run from inside it.",
        }),
        adminGroupIds: documented(
          createMode
            ? list(text(guid), {
                hint: "local accounts are disabled, so an Entra admin group is the only way in",
              }).refine((ids) => ids.length > 0, {
                message: "must name at least one Entra group (local accounts are disabled)",
              })
            : list(text(guid)).default([]),
          {
            description:
              "Entra group object IDs (GUIDs) of the cluster administrators: local accounts are disabled, Entra ID + Azure RBAC is the only way in.",
            defaultText: "required in create mode",
          },
        ),
        defender: documented(flag(true), {
          description: "Microsoft Defender for Containers; must stay on in production.",
        }),
        azurePolicy: documented(flag(true), { description: "Azure Policy add-on." }),
        upgradeChannel: documented(oneOf(UPGRADE_CHANNELS).default(DEFAULT_UPGRADE_CHANNEL), {
          description: "`patch`, `stable`, `rapid` or `node-image` (`none` is refused).",
        }),
        nodeOsUpgradeChannel: documented(
          oneOf(NODE_OS_UPGRADE_CHANNELS).default(DEFAULT_NODE_OS_UPGRADE_CHANNEL),
          { description: "`NodeImage`, `SecurityPatch` or `Unmanaged`." },
        ),
        logRetentionDays: documented(integer(30, 730).default(DEFAULT_LOG_RETENTION_DAYS), {
          description: "Log Analytics retention of the audit logs, 30 to 730.",
        }),
      },
      createMode
        ? "at least name, location, kubernetesVersion and adminGroupIds"
        : "at least name and kubernetesVersion",
    ),
    { description: "Cluster settings." },
  );
}

function clonePool<T extends { zones: readonly string[] }>(pool: T): T {
  return { ...pool, zones: [...pool.zones] };
}

function regionProblem(location: string): string | undefined {
  return /^[a-z][a-z0-9]*$/.test(location)
    ? undefined
    : "must be an Azure region name such as westeurope (lowercase, no spaces)";
}

function kubernetesVersionProblem(version: string): string | undefined {
  const parsed = parseVersion(version);
  if (!parsed) return 'must be "major.minor" or "major.minor.patch", e.g. "1.33"';
  if (compareVersions(parsed, MIN_KUBERNETES_VERSION) < 0)
    return "must be 1.30 or newer: the guardrails use ValidatingAdmissionPolicy (GA in 1.30)";
  return undefined;
}

function podIdentity(mode: Mode) {
  return documented(
    object({
      namespace: documented(
        text(
          (namespace) =>
            dns1123LabelProblem(namespace) ??
            (namespace === "default" || namespace.startsWith("kube-")
              ? "must be a dedicated namespace, not `default` or `kube-*` (NMI's MIC namespace defaults to `default`)"
              : reservedNamespaceProblem(namespace, "")),
        ).default(DEFAULT_POD_IDENTITY.namespace),
        {
          description: "Where MIC and NMI run (privileged); never `default`, `kube-*` or a team namespace.",
        },
      ),
      // MIC (standard mode) needs the cluster's Azure context (kubelet identity, node resource
      // group), which only create mode knows; an existing cluster gets NMI only.
      mode: documented(
        mode === "create"
          ? oneOf(POD_IDENTITY_MODES).default(DEFAULT_POD_IDENTITY.mode)
          : oneOf(POD_IDENTITY_MODES)
              .refine((m) => m === "managed", {
                message:
                  'must be "managed" with clusterMode: existing: MIC needs the cluster\'s Azure context (kubelet identity, node resource group), which only create mode has',
              })
              .default("managed"),
        {
          description:
            "`standard` (MIC + NMI) or `managed` (NMI only; identities assigned to the nodes outside the cluster). Existing mode allows only `managed`: MIC needs the cluster's Azure context, which only create mode has.",
          defaultText: "`standard`; `managed` in existing mode",
        },
      ),
      version: documented(text((v) => podIdentityVersionProblem(v)).default(DEFAULT_POD_IDENTITY.version), {
        description:
          "Image tag `vX.Y.Z`, from v1.8.13 (token-validation bypass fixed, GHSA-p82q-rxpm-hjpc) to v1.8.17 (the last release).",
      }),
      isolateNodes: documented(flag(DEFAULT_POD_IDENTITY.isolateNodes), {
        description:
          "Every pod-identity team must have its own pool (`teams[].nodePool`): a node's scale set carries the identities of every team whose pods ran there, and anything that reaches the node's IMDS (an evicted NMI, a host-network pod that slipped through, a container escape) reaches them all. On by default because the insecure setting would be silent, while a refused config names the key; `false` lets pod-identity teams share `cluster.userPools` (the attack-path analysis then reports the co-residency). See [Team node pools](#team-node-pools-identities-stay-on-their-teams-nodes).",
      }),
    }).prefault({}),
    { description: "aad-pod-identity settings." },
  );
}

const monitoring = documented(
  object({
    alertEmails: documented(
      list(text((email) => (isEmail(email) ? undefined : "must be an e-mail address"))).default([]),
      { description: "E-mail receivers of the security action group; at least one in production." },
    ),
  }).prefault({}),
  { description: "Where security alerts go." },
);

const roleProblem: Check = (role) => {
  if (!isBuiltInRole(role)) {
    const guess = closestKey(role, Object.keys(BUILT_IN_ROLES));
    return `is not a known built-in role${guess ? `; did you mean "${guess}"?` : `; known roles: ${Object.keys(BUILT_IN_ROLES).join(", ")}`}`;
  }
  const reason = FORBIDDEN_WORKLOAD_ROLES[role];
  return reason === undefined ? undefined : `must not be granted to a workload identity: it ${reason}`;
};

function identity(mode: Mode) {
  return object({
    name: documented(text(dns1123LabelProblem), {
      description: `DNS-1123 label, unique in the team; \`<namespace>.<name>\` (the pod-identity selector) at most ${MAX_SELECTOR_LENGTH} characters.`,
    }),
    namespace: documented(text(dns1123LabelProblem, "one of the team's namespaces"), {
      description: "One of the team's own namespaces.",
    }),
    roles: documented(list(text(roleProblem)).default([]), {
      description: "Built-in role names granted on the team's resource group only (catalogue below).",
    }),
    serviceAccount: documented(text(dns1123SubdomainProblem).optional(), {
      description:
        "The ServiceAccount the platform creates for the identity's pods, in both modes (team developers may not write ServiceAccounts); workload identity: annotated with the client ID and named in the federated credential subject `system:serviceaccount:<namespace>:<serviceAccount>`; one identity per ServiceAccount.",
      defaultText: "the identity's name",
    }),
    existing:
      mode === "create"
        ? refused("is only used with clusterMode: existing (in create mode the blueprint makes the identity)")
        : documented(
            object(
              {
                clientId: documented(
                  text((id) => (isGuid(id) ? undefined : "must be a client ID (a GUID)")),
                  {
                    description:
                      "Its client ID (GUID), declared once across all teams: NMI requests tokens by client ID, so another team's client ID beside an own resource ID would get the other team's token.",
                  },
                ),
                resourceId: documented(
                  text((id) =>
                    isIdentityResourceId(id)
                      ? undefined
                      : `must be a user-assigned identity ID: /subscriptions/<id>/resourceGroups/<rg>${USER_ASSIGNED_IDENTITY_PATH}<name>`,
                  ),
                  {
                    description:
                      "Its full ID, which must lie in the team's `resourceGroupId` (`.../providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>`); declared once.",
                  },
                ),
              },
              "the existing managed identity's clientId and resourceId",
            ),
            {
              description: "The identity that already exists (existing mode only).",
              defaultText: "existing mode: required",
            },
          ),
  }).transform(({ serviceAccount, ...rest }) => ({ ...rest, serviceAccount: serviceAccount ?? rest.name }));
}

const TEAM_POOL_DESCRIPTION =
  "The team's own user pool, labelled and tainted `aks-hardening.io/team-pool=<team>` (`NoSchedule`): the team's pods run only there and no other team's pod can. Create mode: the blueprint creates it (fields below, as `cluster.userPools[]`). Existing mode: only `name`, a pool the team already has, which you label and taint as above. A pool serves one team: a name used by another team or by the cluster's own pools is refused. Optional for workload-identity teams.";

function teamPool(mode: Mode) {
  const onlyCreate =
    "is only used with clusterMode: create (in existing mode name the pool the team already has)";
  const pool =
    mode === "create"
      ? createdPool(1, TEAM_POOL_DOCS)
      : object({
          name: documented(text(poolName, "the existing pool's name"), { description: TEAM_POOL_DOCS.name }),
          vmSize: refused(onlyCreate),
          minCount: refused(onlyCreate),
          maxCount: refused(onlyCreate),
          zones: refused(onlyCreate),
        });
  return documented(pool.optional(), {
    description: TEAM_POOL_DESCRIPTION,
    defaultText: "none; required for a pod-identity team when `podIdentity.isolateNodes`",
  });
}

function team(mode: Mode) {
  return object({
    name: documented(text(unreservedLabel), {
      description:
        "DNS-1123 label, unique, not reserved (`default`, `kube-*`, AKS add-on namespaces, the identity namespace).",
    }),
    developerGroupIds: documented(
      list(text(guid), { hint: "the Entra groups of the team's developers" }).refine(
        (ids) => ids.length > 0,
        {
          message: "must name at least one Entra group: the team's developers",
        },
      ),
      {
        description:
          "Entra group object IDs (GUIDs) of the team's developers; each group belongs to one team only and is neither a platform nor a cluster-admin group (its members would act as both).",
      },
    ),
    namespaces: documented(
      list(text(unreservedLabel), { hint: "the namespaces the team owns" }).refine((ns) => ns.length > 0, {
        message: "must list at least one namespace",
      }),
      { description: "Namespaces the team owns: DNS-1123 labels, not reserved, owned by no other team." },
    ),
    identityMode: documented(oneOf(IDENTITY_MODES).default(DEFAULT_IDENTITY_MODE), {
      description: "`pod-identity` or `workload-identity`; teams migrate one at a time.",
    }),
    identities: documented(list(identity(mode), { repeatable: true }).default([]), {
      description: "The managed identities the team's pods use.",
    }),
    resourceGroupId:
      mode === "create"
        ? refused("is only used with clusterMode: existing (in create mode the blueprint makes the group)")
        : documented(
            text(
              (id) =>
                isResourceGroupId(id)
                  ? undefined
                  : "must be a resource group ID: /subscriptions/<subscription GUID>/resourceGroups/<name>",
              "the full ID /subscriptions/<id>/resourceGroups/<name>",
            ),
            {
              description:
                "`/subscriptions/<id>/resourceGroups/<name>` of the team's own group, shared with no other team (existing mode only; create mode makes `rg-<cluster>-<team>`).",
              defaultText: "existing mode: required",
            },
          ),
    imageRegistries: documented(
      list(
        text((entry) =>
          REGISTRY_PREFIX.test(entry)
            ? undefined
            : "must be a registry host, optionally with a repository path (e.g. myacr.azurecr.io/team-a), without scheme or tag",
        ),
      ).default([]),
      {
        description:
          "Registries the team's workloads may pull from, a host (with a dot, a port, or `localhost`) and optionally a repository path, e.g. `myacr.azurecr.io/team-a`; no scheme or tag. Published in the team's contract; `TeamWorkload` refuses any other registry. With `[]` every workload must name its own list.",
      },
    ),
    nodePool: teamPool(mode),
  });
}

const guardrails = documented(
  object({
    platformUsers: documented(
      list(text(platformUserProblem)).default([...DEFAULT_GUARDRAILS.platformUsers]),
      {
        description:
          "Kubernetes user names treated as platform principals besides the platform groups and `system:masters`, e.g. the CI principal running `pulumi up` when its token carries no platform group. Never a service account (`system:serviceaccount:...`: any pod running as it would pass as the platform) nor `system:anonymous`.",
      },
    ),
    privilegedNamespaces: documented(
      list(text(privilegedNamespaceProblem)).default([...DEFAULT_GUARDRAILS.privilegedNamespaces]),
      {
        description:
          "Namespaces the namespace policy lets stay PSA `privileged` (or unlabelled); the identity namespace is always added, every other namespace must enforce `baseline` or `restricted`. DNS-1123 labels; never `default`, a team namespace, or a `kube-*` name Kubernetes does not create (a typo such as `kube-sytem` would leave a privileged slot open). The default is the Kubernetes layer's `DEFAULT_PRIVILEGED_NAMESPACES`. If you add one, add it to the policy pack's `k8s-namespace-pod-security.exemptNamespaces` only if the stack itself declares that namespace.",
      },
    ),
  }).prefault({}),
  {
    description:
      "Who the admission policies trust: extra platform users and the namespaces that may run privileged.",
  },
);

function privilegedNamespaceProblem(ns: string): string | undefined {
  const problem = dns1123LabelProblem(ns);
  if (problem) return problem;
  if (ns === "default") return "must stay restricted: `default` is where manifests without a namespace land";
  const systemKube: readonly string[] = KUBERNETES_SYSTEM_NAMESPACES;
  if (ns.startsWith("kube-") && !systemKube.includes(ns)) {
    const guess = closestKey(ns, systemKube);
    return `is a reserved kube-* name Kubernetes does not create${guess ? `; did you mean "${guess}"?` : ""}`;
  }
  return undefined;
}

const KUBECONFIG_HINT =
  'set it with `pulumi config set --secret --path existing.kubeconfig "$(cat kubeconfig)"` (kept encrypted in the stack file)';

/**
 * `existing.teamKubeconfig`: published to teams in their contracts, so it reaches every team and
 * must carry no credential (users log in through an exec plugin such as kubelogin). Refused here,
 * before anything is created, rather than when the contract is built.
 */
const teamKubeconfig = z.string().check((ctx) => {
  const parsed = parseKubeconfig(ctx.value);
  if (!isKubeconfig(parsed)) {
    ctx.issues.push({
      code: "custom",
      message: "must be a kubeconfig (a YAML or JSON mapping with clusters and users)",
      input: ctx.value,
      continue: true,
    });
    return;
  }
  // The contract publishes this server to teams, and their side accepts only https.
  const server = kubeconfigServer(parsed);
  if (server === undefined || !/^https:\/\//.test(server))
    ctx.issues.push({
      code: "custom",
      message:
        "must name the cluster's API server as an https:// URL (clusters[].cluster.server): the team contract publishes it",
      input: server === undefined ? "(kubeconfig without a server)" : `(kubeconfig with server ${server})`,
      params: SHOWN,
      continue: true,
    });
  const credentials = kubeconfigCredentials(parsed);
  if (credentials.length > 0)
    ctx.issues.push({
      code: "custom",
      message:
        "embeds credentials and would reach every team; give a kubeconfig whose users log in themselves (exec: kubelogin)",
      input: `(kubeconfig with ${credentials.join(", ")})`,
      params: SHOWN,
      continue: true,
    });
});

/** `existing.kubeconfig`: the secret itself, so no problem ever shows it (see `validate.ts`). */
const kubeconfig = z
  .string({
    error: (issue) =>
      issue.input === undefined
        ? `is required; ${KUBECONFIG_HINT}`
        : `must be the kubeconfig file's text; ${KUBECONFIG_HINT}`,
  })
  .refine((text) => text.trim() !== "", {
    message: `must be the kubeconfig file's text; ${KUBECONFIG_HINT}`,
  });

function existing(mode: Mode) {
  if (mode === "create") {
    // Pulumi.yaml declares `existing` with default `{}`, so an empty object means "not set".
    return z
      .preprocess(parseJsonText, z.unknown())
      .refine((value) => value === undefined || (isPlainObject(value) && Object.keys(value).length === 0), {
        message: "is only used with clusterMode: existing",
      })
      .transform(() => undefined)
      .optional()
      .meta({ refused: true });
  }
  return documented(
    object(
      {
        kubeconfig: documented(kubeconfig, {
          description:
            'The target cluster\'s kubeconfig. Never in plain text: `pulumi config set --secret --path existing.kubeconfig "$(cat kubeconfig)"`; problems never echo it.',
          typeText: "string (secret)",
          defaultText: "existing mode: required",
        }),
        teamKubeconfig: documented(teamKubeconfig.optional(), {
          description:
            "The kubeconfig published to teams in their contracts: the same cluster, users that log in as themselves (e.g. `exec: kubelogin`). One with a token, key, password or secret-bearing exec argument is refused, since every team reads it. Without it the stack exports no `teamContracts`.",
          defaultText: "none",
        }),
      },
      "set the kubeconfig with `--path existing.kubeconfig`",
    ).prefault({}),
    { description: "`clusterMode: existing` only; must stay empty in create mode." },
  );
}

/** The configuration of one mode. */
function modeConfig(mode: Mode) {
  return exactObject({
    production: documented(flag(DEFAULT_PRODUCTION), {
      description:
        "Production rules: tier Standard/Premium, Defender on, every pool in >= 2 zones, at least one alert e-mail, no `/0` authorized range. A stack named `prod*` must set it.",
    }),
    clusterMode: documented(z.literal(mode), {
      description:
        "`create` provisions AKS and each team's resource group, identities and role assignments. `existing` hardens a cluster you already run, from `existing.kubeconfig` and the identities' IDs; it creates no Azure resource and ignores the cluster settings except `name` and `kubernetesVersion`.",
      defaultValue: DEFAULT_CLUSTER_MODE,
    }),
    cluster: cluster(mode),
    podIdentity: podIdentity(mode),
    monitoring,
    teams: documented(
      list(team(mode), { repeatable: true, hint: "list the teams that share the cluster" }).refine(
        (teams) => teams.length > 0,
        { message: "must list at least one team" },
      ),
      { description: "The teams sharing the cluster, at least one." },
    ),
    platformGroupIds: documented(
      list(text(guid), { hint: "the Entra groups of the platform team" }).refine((ids) => ids.length > 0, {
        message:
          "must name at least one Entra group: the admission policies trust the platform team by group, and KubernetesHardening refuses none",
      }),
      {
        description:
          "Entra group object IDs of the platform team (Kubernetes administration rights); at least one.",
      },
    ),
    guardrails,
    existing: existing(mode),
  });
}

export const createModeSchema = modeConfig("create");
export const existingModeSchema = modeConfig("existing");

/** The whole stack configuration: `clusterMode` (default `create`) picks the mode's schema. */
export const stackConfigSchema = z.preprocess(
  (raw) =>
    isPlainObject(raw) && raw.clusterMode === undefined ? { ...raw, clusterMode: DEFAULT_CLUSTER_MODE } : raw,
  z.discriminatedUnion("clusterMode", [createModeSchema, existingModeSchema]),
);

/** What the schema makes of a stack configuration (before the cross-field rules). */
export type ParsedConfig = z.output<typeof stackConfigSchema>;
