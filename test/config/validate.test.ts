/**
 * Config validation: one compliant fixture, then one mutation per rule. Each mutation must be
 * reported with its own key path and the offending value, and the unmutated fixture must pass (so
 * every case fails exactly because of its mutation).
 */
import { RunError } from "@pulumi/pulumi/errors";
import { ConfigValidationError } from "../../infra/config/errors";
import { REDACTED } from "../../infra/config/validate";
import { validateConfig } from "../../infra/config/validate";
import {
  GUID,
  identityResourceId,
  minimalCreateConfig,
  mutated,
  problemsOf,
  resourceGroupId,
  validCreateConfig,
  validExistingConfig,
  type RawConfig,
} from "./fixtures";

interface Case {
  name: string;
  base?: "create" | "existing";
  stack?: string;
  mutate: (c: RawConfig) => void;
  key: string;
  value: unknown;
  message?: RegExp;
}

const longName = (n: number) => "a".repeat(n);

const cases: Case[] = [
  // Names: DNS-1123 and reserved.
  {
    name: "team name not DNS-1123",
    mutate: (c) => (c.teams[1].name = "Team_B"),
    key: "teams[1].name",
    value: "Team_B",
    message: /DNS-1123/,
  },
  {
    name: "team name reserved",
    mutate: (c) => (c.teams[0].name = "kube-system"),
    key: "teams[0].name",
    value: "kube-system",
    message: /reserved/,
  },
  {
    name: "namespace not DNS-1123",
    mutate: (c) => (c.teams[0].namespaces[1] = "Team-A-Jobs"),
    key: "teams[0].namespaces[1]",
    value: "Team-A-Jobs",
    message: /DNS-1123/,
  },
  {
    name: "namespace too long",
    mutate: (c) => (c.teams[0].namespaces[1] = longName(64)),
    key: "teams[0].namespaces[1]",
    value: longName(64),
    message: /at most 63/,
  },
  {
    name: "namespace `default`",
    mutate: (c) => (c.teams[0].namespaces[1] = "default"),
    key: "teams[0].namespaces[1]",
    value: "default",
    message: /reserved/,
  },
  {
    name: "namespace `kube-*`",
    mutate: (c) => (c.teams[0].namespaces[1] = "kube-public"),
    key: "teams[0].namespaces[1]",
    value: "kube-public",
    message: /kube-\*/,
  },
  {
    name: "namespace = kube-system",
    mutate: (c) => (c.teams[1].namespaces = ["team-b", "kube-system"]),
    key: "teams[1].namespaces[1]",
    value: "kube-system",
    message: /reserved/,
  },
  {
    name: "namespace = identity namespace",
    mutate: (c) => (c.teams[0].namespaces[1] = "aad-pod-identity"),
    key: "teams[0].namespaces[1]",
    value: "aad-pod-identity",
    message: /pod-identity namespace/,
  },
  {
    name: "namespace = custom identity namespace",
    mutate: (c) => {
      c.podIdentity = { namespace: "identity-system" };
      c.teams[0].namespaces[1] = "identity-system";
    },
    key: "teams[0].namespaces[1]",
    value: "identity-system",
    message: /pod-identity namespace/,
  },
  {
    name: "identity namespace `default`",
    mutate: (c) => (c.podIdentity = { namespace: "default" }),
    key: "podIdentity.namespace",
    value: "default",
    message: /dedicated namespace/,
  },
  {
    name: "identity name not DNS-1123",
    mutate: (c) => (c.teams[0].identities[0].name = "App!"),
    key: "teams[0].identities[0].name",
    value: "App!",
    message: /DNS-1123/,
  },
  {
    name: "service account not DNS-1123",
    mutate: (c) => (c.teams[1].identities[0].serviceAccount = "API_sa"),
    key: "teams[1].identities[0].serviceAccount",
    value: "API_sa",
    message: /DNS-1123/,
  },

  // Duplicates and ownership.
  {
    name: "duplicate team name",
    mutate: (c) => (c.teams[1].name = "team-a"),
    key: "teams[1].name",
    value: "team-a",
    message: /already used by teams\[0\]\.name/,
  },
  {
    name: "namespace listed twice in a team",
    mutate: (c) => (c.teams[0].namespaces = ["team-a", "team-a"]),
    key: "teams[0].namespaces[1]",
    value: "team-a",
    message: /listed twice/,
  },
  {
    name: "team owning another team's namespace",
    mutate: (c) => c.teams[1].namespaces.push("team-a-jobs"),
    key: "teams[1].namespaces[1]",
    value: "team-a-jobs",
    message: /already owned by team "team-a" \(teams\[0\]\.namespaces\[1\]\)/,
  },
  {
    name: "duplicate identity in a team",
    mutate: (c) => c.teams[0].identities.push({ name: "app", namespace: "team-a-jobs", roles: [] }),
    key: "teams[0].identities[1].name",
    value: "app",
    message: /already used/,
  },
  {
    name: "identity in another team's namespace",
    mutate: (c) => (c.teams[1].identities[0].namespace = "team-a"),
    key: "teams[1].identities[0].namespace",
    value: "team-a",
    message: /belongs to team "team-a"/,
  },
  {
    name: "identity in an undeclared namespace",
    mutate: (c) => (c.teams[0].identities[0].namespace = "elsewhere"),
    key: "teams[0].identities[0].namespace",
    value: "elsewhere",
    message: /one of team "team-a"'s namespaces/,
  },
  {
    name: "two workload identities on one ServiceAccount",
    mutate: (c) =>
      c.teams[1].identities.push({ name: "worker", namespace: "team-b", serviceAccount: "api", roles: [] }),
    key: "teams[1].identities[1].serviceAccount",
    value: "api",
    message: /already bound/,
  },
  {
    // The platform creates the identity's ServiceAccount in pod-identity mode too.
    name: "two pod identities on one ServiceAccount",
    mutate: (c) =>
      c.teams[0].identities.push({ name: "worker", namespace: "team-a", serviceAccount: "app", roles: [] }),
    key: "teams[0].identities[1].serviceAccount",
    value: "app",
    message: /already bound/,
  },
  {
    name: "selector longer than 63",
    mutate: (c) => {
      c.teams[0].namespaces[1] = longName(40);
      c.teams[0].identities[0] = { name: "b".repeat(30), namespace: longName(40), roles: [] };
    },
    key: "teams[0].identities[0]",
    value: `${longName(40)}.${"b".repeat(30)}`,
    message: /at most 63/,
  },

  // Network.
  {
    name: "CIDR prefix above 32",
    mutate: (c) => (c.cluster.authorizedIpRanges = ["203.0.113.0/33"]),
    key: "cluster.authorizedIpRanges[0]",
    value: "203.0.113.0/33",
  },
  {
    name: "CIDR octet above 255",
    mutate: (c) => (c.cluster.authorizedIpRanges = ["203.0.313.0/24"]),
    key: "cluster.authorizedIpRanges[0]",
    value: "203.0.313.0/24",
  },
  {
    name: "CIDR with host bits",
    mutate: (c) => (c.cluster.authorizedIpRanges = ["203.0.113.5/24"]),
    key: "cluster.authorizedIpRanges[0]",
    value: "203.0.113.5/24",
    message: /203\.0\.113\.0\/24/,
  },
  {
    name: "not a CIDR",
    mutate: (c) => c.cluster.authorizedIpRanges.push("office"),
    key: "cluster.authorizedIpRanges[1]",
    value: "office",
  },
  {
    name: "0.0.0.0/0 in production",
    mutate: (c) => {
      c.production = true;
      c.cluster.authorizedIpRanges = ["0.0.0.0/0"];
    },
    stack: "prod",
    key: "cluster.authorizedIpRanges[0]",
    value: "0.0.0.0/0",
    message: /production/,
  },
  {
    name: "public API server without authorized ranges",
    mutate: (c) => (c.cluster.authorizedIpRanges = []),
    key: "cluster.authorizedIpRanges",
    value: [],
    message: /privateCluster/,
  },

  // Roles.
  {
    name: "unknown role",
    mutate: (c) => (c.teams[0].identities[0].roles = ["Storage Blob Reader"]),
    key: "teams[0].identities[0].roles[0]",
    value: "Storage Blob Reader",
    message: /did you mean "Storage Blob Data Reader"/,
  },
  ...[
    "Owner",
    "Contributor",
    "User Access Administrator",
    "Role Based Access Control Administrator",
    "Managed Identity Contributor",
  ].map(
    (role): Case => ({
      name: `forbidden role ${role}`,
      mutate: (c) => c.teams[1].identities[0].roles.push(role),
      key: "teams[1].identities[0].roles[1]",
      value: role,
      message: /must not be granted to a workload identity/,
    }),
  ),

  // Versions.
  {
    name: "pod-identity below v1.8.13",
    mutate: (c) => (c.podIdentity = { version: "v1.8.12" }),
    key: "podIdentity.version",
    value: "v1.8.12",
    message: /v1\.8\.13/,
  },
  {
    name: "pod-identity version without v",
    mutate: (c) => (c.podIdentity = { version: "1.8.17" }),
    key: "podIdentity.version",
    value: "1.8.17",
    message: /vX\.Y\.Z/,
  },
  {
    name: "pod-identity version not a tag",
    mutate: (c) => (c.podIdentity = { version: "latest" }),
    key: "podIdentity.version",
    value: "latest",
    message: /vX\.Y\.Z/,
  },
  {
    name: "pod-identity version that was never released",
    mutate: (c) => (c.podIdentity = { version: "v1.9.0" }),
    key: "podIdentity.version",
    value: "v1.9.0",
    message: /v1\.8\.17/,
  },
  {
    name: "Kubernetes below 1.30",
    mutate: (c) => (c.cluster.kubernetesVersion = "1.29"),
    key: "cluster.kubernetesVersion",
    value: "1.29",
    message: /1\.30/,
  },
  {
    name: "Kubernetes version malformed",
    mutate: (c) => (c.cluster.kubernetesVersion = "v1.33"),
    key: "cluster.kubernetesVersion",
    value: "v1.33",
  },
  {
    name: "Kubernetes version as a YAML number",
    mutate: (c) => (c.cluster.kubernetesVersion = 1.3),
    key: "cluster.kubernetesVersion",
    value: 1.3,
    message: /quote it/,
  },

  // Types.
  {
    name: "boolean given as a word",
    mutate: (c) => (c.production = "yes"),
    key: "production",
    value: "yes",
    message: /true or false/,
  },
  {
    name: "nested boolean of the wrong type",
    mutate: (c) => (c.cluster.privateCluster = "no"),
    key: "cluster.privateCluster",
    value: "no",
  },
  {
    name: "integer given as text",
    mutate: (c) => (c.cluster.systemPool.minCount = "two"),
    key: "cluster.systemPool.minCount",
    value: "two",
    message: /integer/,
  },
  {
    name: "integer out of range",
    mutate: (c) => (c.cluster.logRetentionDays = 7),
    key: "cluster.logRetentionDays",
    value: 7,
    message: /between 30 and 730/,
  },
  {
    name: "teams not a list",
    mutate: (c) => (c.teams = "team-a"),
    key: "teams",
    value: "team-a",
    message: /list/,
  },
  {
    name: "namespaces not a list",
    mutate: (c) => (c.teams[0].namespaces = "team-a"),
    key: "teams[0].namespaces",
    value: "team-a",
    message: /list/,
  },
  {
    name: "team not an object",
    mutate: (c) => (c.teams[1] = "team-b"),
    key: "teams[1]",
    value: "team-b",
    message: /object/,
  },
  {
    name: "cluster not an object",
    mutate: (c) => (c.cluster = ["aksh"]),
    key: "cluster",
    value: ["aksh"],
    message: /object/,
  },
  {
    name: "enum value unknown",
    mutate: (c) => (c.teams[0].identityMode = "aad"),
    key: "teams[0].identityMode",
    value: "aad",
    message: /"pod-identity", "workload-identity"/,
  },
  {
    name: "cluster mode unknown",
    mutate: (c) => (c.clusterMode = "import"),
    key: "clusterMode",
    value: "import",
  },
  {
    name: "upgrade channel none",
    mutate: (c) => (c.cluster.upgradeChannel = "none"),
    key: "cluster.upgradeChannel",
    value: "none",
  },

  // Missing keys.
  {
    name: "teams missing",
    mutate: (c) => delete c.teams,
    key: "teams",
    value: undefined,
    message: /required/,
  },
  { name: "teams empty", mutate: (c) => (c.teams = []), key: "teams", value: [], message: /at least one/ },
  {
    name: "cluster missing",
    mutate: (c) => delete c.cluster,
    key: "cluster",
    value: undefined,
    message: /required/,
  },
  {
    name: "cluster name missing",
    mutate: (c) => delete c.cluster.name,
    key: "cluster.name",
    value: undefined,
    message: /required/,
  },
  {
    name: "location missing in create mode",
    mutate: (c) => delete c.cluster.location,
    key: "cluster.location",
    value: undefined,
  },
  // Both were accepted before the schema (an empty string read as "given"); the differential run of
  // the old and new validators over 20,000 random configurations found them.
  {
    name: "cluster name empty",
    mutate: (c) => (c.cluster.name = ""),
    key: "cluster.name",
    value: "",
  },
  {
    name: "location empty in create mode",
    mutate: (c) => (c.cluster.location = ""),
    key: "cluster.location",
    value: "",
  },
  {
    name: "admin groups missing",
    mutate: (c) => delete c.cluster.adminGroupIds,
    key: "cluster.adminGroupIds",
    value: undefined,
  },
  {
    name: "team namespaces missing",
    mutate: (c) => delete c.teams[1].namespaces,
    key: "teams[1].namespaces",
    value: undefined,
  },
  {
    name: "team developer groups missing",
    mutate: (c) => delete c.teams[1].developerGroupIds,
    key: "teams[1].developerGroupIds",
    value: undefined,
  },
  {
    // KubernetesHardening refuses a cluster without a platform group, after the Azure resources.
    name: "platform groups missing",
    mutate: (c) => delete c.platformGroupIds,
    key: "platformGroupIds",
    value: undefined,
    message: /is required/,
  },
  {
    name: "platform groups empty",
    mutate: (c) => (c.platformGroupIds = []),
    key: "platformGroupIds",
    value: [],
    message: /at least one Entra group/,
  },
  {
    // The Kubernetes component refuses a team without groups; accepting it here failed half-way.
    name: "team developer groups empty",
    mutate: (c) => (c.teams[1].developerGroupIds = []),
    key: "teams[1].developerGroupIds",
    value: [],
    message: /at least one Entra group/,
  },
  {
    name: "identity namespace missing",
    mutate: (c) => delete c.teams[0].identities[0].namespace,
    key: "teams[0].identities[0].namespace",
    value: undefined,
  },
  {
    name: "pool size missing",
    mutate: (c) => delete c.cluster.userPools[0].maxCount,
    key: "cluster.userPools[0].maxCount",
    value: undefined,
  },

  // Unknown keys (typos must not silently fall back to a default).
  {
    name: "typo in a cluster key",
    mutate: (c) => {
      c.cluster.autorizedIpRanges = c.cluster.authorizedIpRanges;
      delete c.cluster.authorizedIpRanges;
    },
    key: "cluster.autorizedIpRanges",
    value: ["203.0.113.0/24"],
    message: /did you mean "authorizedIpRanges"/,
  },
  {
    name: "unknown top-level key",
    mutate: (c) => (c.team = []),
    key: "team",
    value: [],
    message: /did you mean "teams"/,
  },
  {
    name: "unknown team key",
    mutate: (c) => (c.teams[0].namespace = "team-a"),
    key: "teams[0].namespace",
    value: "team-a",
    message: /did you mean "namespaces"/,
  },
  {
    name: "unknown identity key",
    mutate: (c) => (c.teams[0].identities[0].role = "Reader"),
    key: "teams[0].identities[0].role",
    value: "Reader",
    message: /did you mean "roles"/,
  },
  {
    name: "unknown pool key",
    mutate: (c) => (c.cluster.systemPool.zone = ["1"]),
    key: "cluster.systemPool.zone",
    value: ["1"],
    message: /did you mean "zones"/,
  },

  // Group IDs.
  {
    name: "developer group not a GUID",
    mutate: (c) => (c.teams[0].developerGroupIds = ["team-a-devs"]),
    key: "teams[0].developerGroupIds[0]",
    value: "team-a-devs",
    message: /GUID/,
  },
  {
    name: "admin group not a GUID",
    mutate: (c) => (c.cluster.adminGroupIds = ["admins"]),
    key: "cluster.adminGroupIds[0]",
    value: "admins",
    message: /GUID/,
  },
  {
    name: "platform group not a GUID",
    mutate: (c) => c.platformGroupIds.push("1234"),
    key: "platformGroupIds[1]",
    value: "1234",
    message: /GUID/,
  },

  {
    name: "developer group shared by two teams",
    mutate: (c) => c.teams[1].developerGroupIds.push(GUID.teamA.toUpperCase()),
    key: "teams[1].developerGroupIds[1]",
    value: GUID.teamA.toUpperCase(),
    message: /already team "team-a"'s developer group \(teams\[0\]\.developerGroupIds\[0\]\)/,
  },
  {
    name: "developer group that is a platform group",
    mutate: (c) => c.teams[0].developerGroupIds.push(GUID.platform),
    key: "teams[0].developerGroupIds[1]",
    value: GUID.platform,
    message: /platformGroupIds\[0\]/,
  },
  {
    name: "developer group that is a cluster admin group",
    mutate: (c) => (c.teams[1].developerGroupIds = [GUID.admins]),
    key: "teams[1].developerGroupIds[0]",
    value: GUID.admins,
    message: /cluster\.adminGroupIds\[0\]/,
  },

  // Node pools.
  {
    name: "pool name uppercase",
    mutate: (c) => (c.cluster.systemPool.name = "System"),
    key: "cluster.systemPool.name",
    value: "System",
    message: /lowercase alphanumeric/,
  },
  {
    name: "pool name longer than 12",
    mutate: (c) => (c.cluster.userPools[0].name = "applications1"),
    key: "cluster.userPools[0].name",
    value: "applications1",
    message: /12/,
  },
  {
    name: "pool name with a dash",
    mutate: (c) => (c.cluster.userPools[0].name = "app-pool"),
    key: "cluster.userPools[0].name",
    value: "app-pool",
  },
  {
    name: "duplicate pool name",
    mutate: (c) => (c.cluster.userPools[0].name = "system"),
    key: "cluster.userPools[0].name",
    value: "system",
    message: /already used/,
  },
  {
    name: "minCount above maxCount",
    mutate: (c) => Object.assign(c.cluster.userPools[0], { minCount: 5, maxCount: 3 }),
    key: "cluster.userPools[0].minCount",
    value: 5,
    message: /maxCount \(3\)/,
  },
  {
    name: "zone outside 1-3",
    mutate: (c) => (c.cluster.userPools[0].zones = ["1", "4"]),
    key: "cluster.userPools[0].zones[1]",
    value: "4",
  },
  {
    name: "no user pool",
    mutate: (c) => (c.cluster.userPools = []),
    key: "cluster.userPools",
    value: [],
    message: /system pool/,
  },

  // Existing mode.
  {
    name: "existing: teamKubeconfig with an embedded credential",
    base: "existing",
    mutate: (c) =>
      (c.existing.teamKubeconfig =
        "clusters: [{name: c, cluster: {server: https://k}}]\nusers: [{name: u, user: {client-key-data: a2V5}}]"),
    key: "existing.teamKubeconfig",
    value: "(kubeconfig with users[0].user.client-key-data)",
    message: /embeds credentials/,
  },
  {
    name: "existing: teamKubeconfig not a kubeconfig",
    base: "existing",
    mutate: (c) => (c.existing.teamKubeconfig = "just text"),
    key: "existing.teamKubeconfig",
    value: REDACTED,
    message: /must be a kubeconfig/,
  },
  {
    // The contract publishes the server to teams, whose side accepts only https.
    name: "existing: teamKubeconfig without an https server",
    base: "existing",
    mutate: (c) =>
      (c.existing.teamKubeconfig =
        "clusters: [{name: c, cluster: {server: http://k}}]\nusers: [{name: u, user: {exec: {command: kubelogin}}}]"),
    key: "existing.teamKubeconfig",
    value: "(kubeconfig with server http://k)",
    message: /https:\/\/ URL/,
  },
  // Found by review: the component refused each of these after the Azure resources were registered.
  {
    name: "identity namespace an AKS add-on namespace",
    mutate: (c) => (c.podIdentity = { namespace: "calico-system" }),
    key: "podIdentity.namespace",
    value: "calico-system",
    message: /reserved for Kubernetes or an AKS add-on/,
  },
  {
    name: "identity in an empty namespace (it would land in the provider's default namespace)",
    mutate: (c) => (c.teams[0].identities[0].namespace = ""),
    key: "teams[0].identities[0].namespace",
    value: "",
  },
  {
    // `team-a` + `b-x` and `team-a-b` + `x` both join to the managed identity `team-a-b-x`.
    name: "two teams' identities whose joined resource names collide",
    mutate: (c) => {
      c.teams[0].identities[0].name = "b-x";
      c.teams[1] = { ...c.teams[1], name: "team-a-b" };
      c.teams[1].identities[0].name = "x";
    },
    key: "teams[1].identities[0].name",
    value: "x",
    message: /resource name "team-a-b-x", as teams\[0\]\.identities\[0\]\.name does/,
  },
  {
    // JSON.parse makes an own `__proto__` key, which zod's object parser skips silently.
    name: "a __proto__ key in a team (as JSON text may carry one)",
    mutate: (c) =>
      (c.teams[0] = JSON.parse(
        JSON.stringify(c.teams[0]).replace("{", '{"__proto__":{"identityMode":"x"},'),
      )),
    key: "teams[0].__proto__",
    value: { identityMode: "x" },
    message: /is not a known key/,
  },
  {
    name: "team image registry with a scheme",
    mutate: (c) => (c.teams[0].imageRegistries = ["https://myacr.azurecr.io"]),
    key: "teams[0].imageRegistries[0]",
    value: "https://myacr.azurecr.io",
    message: /registry host/,
  },
  {
    name: "team image registry without a host (a Docker Hub user)",
    mutate: (c) => (c.teams[1].imageRegistries = ["library"]),
    key: "teams[1].imageRegistries[0]",
    value: "library",
    message: /registry host/,
  },
  {
    name: "existing: kubeconfig missing",
    base: "existing",
    mutate: (c) => delete c.existing,
    key: "existing.kubeconfig",
    value: undefined,
    message: /--secret/,
  },
  {
    name: "existing: kubeconfig empty",
    base: "existing",
    mutate: (c) => (c.existing.kubeconfig = " "),
    key: "existing.kubeconfig",
    value: REDACTED,
  },
  {
    name: "existing: identity IDs missing",
    base: "existing",
    mutate: (c) => delete c.teams[1].identities[0].existing,
    key: "teams[1].identities[0].existing",
    value: undefined,
  },
  {
    name: "existing: clientId missing",
    base: "existing",
    mutate: (c) => delete c.teams[0].identities[0].existing.clientId,
    key: "teams[0].identities[0].existing.clientId",
    value: undefined,
  },
  {
    name: "existing: clientId not a GUID",
    base: "existing",
    mutate: (c) => (c.teams[0].identities[0].existing.clientId = "app"),
    key: "teams[0].identities[0].existing.clientId",
    value: "app",
  },
  {
    // The issue-13 bypass: own resourceID, another team's clientID (NMI requests tokens by client ID).
    name: "existing: clientId of another team's identity",
    base: "existing",
    mutate: (c) => (c.teams[1].identities[0].existing.clientId = GUID.clientA.toUpperCase()),
    key: "teams[1].identities[0].existing.clientId",
    value: GUID.clientA.toUpperCase(),
    message:
      /already the client ID of team "team-a"'s identity \(teams\[0\]\.identities\[0\]\.existing\.clientId\)/,
  },
  {
    name: "existing: resource group missing",
    base: "existing",
    mutate: (c) => delete c.teams[1].resourceGroupId,
    key: "teams[1].resourceGroupId",
    value: undefined,
  },
  {
    name: "existing: resource group malformed",
    base: "existing",
    mutate: (c) => (c.teams[1].resourceGroupId = "rg-team-b"),
    key: "teams[1].resourceGroupId",
    value: "rg-team-b",
  },
  {
    name: "existing: two teams share a resource group",
    base: "existing",
    mutate: (c) => (c.teams[1].resourceGroupId = resourceGroupId("TEAM-A")),
    key: "teams[1].resourceGroupId",
    value: resourceGroupId("TEAM-A"),
    message: /must not share/,
  },
  {
    name: "existing: identity outside its team's resource group",
    base: "existing",
    mutate: (c) =>
      (c.teams[1].identities[0].existing.resourceId = identityResourceId("team-a", "id-team-a-app")),
    key: "teams[1].identities[0].existing.resourceId",
    value: identityResourceId("team-a", "id-team-a-app"),
    message: /team "team-b"'s resource group/,
  },
  {
    name: "existing: resource ID of another resource type",
    base: "existing",
    mutate: (c) =>
      (c.teams[0].identities[0].existing.resourceId = `${resourceGroupId("team-a")}/providers/Microsoft.Storage/storageAccounts/sa`),
    key: "teams[0].identities[0].existing.resourceId",
    value: `${resourceGroupId("team-a")}/providers/Microsoft.Storage/storageAccounts/sa`,
    message: /user-assigned identity ID/,
  },
  {
    name: "existing: pod-identity standard mode (MIC has no Azure context)",
    base: "existing",
    mutate: (c) => (c.podIdentity = { mode: "standard" }),
    key: "podIdentity.mode",
    value: "standard",
    message: /"managed" with clusterMode: existing/,
  },
  {
    name: "create: resourceGroupId set",
    mutate: (c) => (c.teams[0].resourceGroupId = resourceGroupId("team-a")),
    key: "teams[0].resourceGroupId",
    value: resourceGroupId("team-a"),
    message: /clusterMode: existing/,
  },
  {
    name: "create: identity existing IDs set",
    mutate: (c) =>
      (c.teams[0].identities[0].existing = {
        clientId: GUID.clientA,
        resourceId: identityResourceId("team-a", "x"),
      }),
    key: "teams[0].identities[0].existing",
    value: { clientId: GUID.clientA, resourceId: identityResourceId("team-a", "x") },
  },
  {
    name: "create: kubeconfig set",
    mutate: (c) => (c.existing = { kubeconfig: "apiVersion: v1" }),
    key: "existing",
    value: REDACTED,
  },

  // Production.
  {
    name: "production: Free tier",
    mutate: (c) => Object.assign(c, { production: true }, { cluster: { ...c.cluster, tier: "Free" } }),
    stack: "prod",
    key: "cluster.tier",
    value: "Free",
    message: /Standard or Premium/,
  },
  {
    name: "production: Defender off",
    mutate: (c) => ((c.production = true), (c.cluster.defender = false)),
    stack: "prod",
    key: "cluster.defender",
    value: false,
  },
  {
    name: "production: single-zone system pool",
    mutate: (c) => ((c.production = true), (c.cluster.systemPool.zones = ["1"])),
    stack: "prod",
    key: "cluster.systemPool.zones",
    value: ["1"],
    message: /2 availability zones/,
  },
  {
    name: "production: zoneless user pool",
    mutate: (c) => ((c.production = true), (c.cluster.userPools[0].zones = [])),
    stack: "prod",
    key: "cluster.userPools[0].zones",
    value: [],
  },
  {
    name: "production: no alert receiver",
    mutate: (c) => ((c.production = true), (c.monitoring.alertEmails = [])),
    stack: "prod",
    key: "monitoring.alertEmails",
    value: [],
  },
  {
    name: "production stack without production: true",
    mutate: (c) => (c.production = false),
    stack: "prod",
    key: "production",
    value: false,
    message: /set production: true/,
  },
  {
    name: "alert receiver not an e-mail",
    mutate: (c) => (c.monitoring.alertEmails = ["ops team"]),
    key: "monitoring.alertEmails[0]",
    value: "ops team",
  },
  // Team node pools (issue 15).
  {
    name: "pod-identity team without a pool while isolateNodes is on (the default)",
    mutate: (c) => delete c.teams[0].nodePool,
    key: "teams[0].nodePool",
    value: undefined,
    message: /team "team-a" uses pod identity and podIdentity.isolateNodes is on/,
  },
  {
    name: "existing mode: pod-identity team without a pool names the existing pool to give",
    base: "existing",
    mutate: (c) => delete c.teams[0].nodePool,
    key: "teams[0].nodePool",
    value: undefined,
    message: /name the pool the team already has/,
  },
  {
    name: "a team pool named like another team's",
    mutate: (c) => (c.teams[1].nodePool = { ...c.teams[0].nodePool }),
    key: "teams[1].nodePool.name",
    value: "teama",
    message: /is already used by teams\[0\]\.nodePool\.name \(team "team-a"\)/,
  },
  {
    name: "existing mode: two teams naming the same existing pool",
    base: "existing",
    mutate: (c) => (c.teams[1].nodePool = { name: "teama" }),
    key: "teams[1].nodePool.name",
    value: "teama",
    message: /shared nodes carry both teams' identities/,
  },
  {
    name: "a team pool named like a shared user pool",
    mutate: (c) => (c.teams[0].nodePool.name = "apps"),
    key: "teams[0].nodePool.name",
    value: "apps",
    message: /is already used by cluster.userPools\[0\].name/,
  },
  {
    name: "a team pool named like the system pool",
    mutate: (c) => (c.teams[0].nodePool.name = "system"),
    key: "teams[0].nodePool.name",
    value: "system",
    message: /cluster.systemPool.name/,
  },
  {
    name: "a team pool name that AKS refuses",
    mutate: (c) => (c.teams[0].nodePool.name = "team-a"),
    key: "teams[0].nodePool.name",
    value: "team-a",
    message: /lowercase alphanumeric/,
  },
  {
    name: "a team pool scaled to zero",
    mutate: (c) => (c.teams[0].nodePool.minCount = 0),
    key: "teams[0].nodePool.minCount",
    value: 0,
  },
  {
    name: "a team pool with an unknown key",
    mutate: (c) => (c.teams[0].nodePool.vmsize = "Standard_D4ds_v5"),
    key: "teams[0].nodePool.vmsize",
    value: "Standard_D4ds_v5",
    message: /did you mean "vmSize"/,
  },
  {
    name: "a team pool in one zone in production",
    stack: "prod",
    mutate: (c) => (c.teams[0].nodePool.zones = ["1"]),
    key: "teams[0].nodePool.zones",
    value: ["1"],
  },
  {
    name: "existing mode: pool settings the blueprint cannot apply",
    base: "existing",
    mutate: (c) => (c.teams[0].nodePool = { name: "teama", vmSize: "Standard_D4ds_v5" }),
    key: "teams[0].nodePool.vmSize",
    value: "Standard_D4ds_v5",
    message: /only used with clusterMode: create/,
  },
  {
    name: "isolateNodes not a boolean",
    mutate: (c) => (c.podIdentity = { isolateNodes: "sometimes" }),
    key: "podIdentity.isolateNodes",
    value: "sometimes",
  },
];

describe("validateConfig: the compliant fixtures pass", () => {
  it.each([
    ["create", validCreateConfig(), "dev"],
    ["create, production", { ...validCreateConfig(), production: true }, "prod"],
    ["existing", validExistingConfig(), "local"],
  ])("%s", (_name, config, stack) => {
    expect(() => validateConfig(config, stack)).not.toThrow();
  });
});

describe("validateConfig: each bad input is reported with its key and value", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const base = c.base === "existing" ? validExistingConfig() : validCreateConfig();
    if (c.stack === "prod") base.production = true; // the compliant base of a prod case is production
    const problems = problemsOf(mutated(base, c.mutate), c.stack ?? "dev");
    const match = problems.find((p) => p.key === c.key);
    expect(match).toBeDefined();
    expect(match?.value).toEqual(c.value);
    if (c.message) expect(match?.message).toMatch(c.message);
  });
});

describe("validateConfig: team node pools (issue 15)", () => {
  it("lets pod-identity teams share nodes only when isolateNodes is turned off", () => {
    const shared = mutated(validCreateConfig(), (c) => {
      delete c.teams[0].nodePool;
      c.podIdentity = { isolateNodes: false };
    });
    expect(validateConfig(shared, "dev").teams[0].nodePool).toBeUndefined();
  });

  it("keeps a created pool with its defaults and an existing pool as its name only", () => {
    const created = validateConfig(
      mutated(validCreateConfig(), (c) => delete c.teams[0].nodePool.zones),
      "dev",
    );
    expect(created.teams[0].nodePool).toEqual({
      name: "teama",
      vmSize: "Standard_D4ds_v5",
      minCount: 1,
      maxCount: 3,
      zones: ["1", "2", "3"],
    });
    expect(validateConfig(validExistingConfig(), "local").teams[0].nodePool).toEqual({ name: "teama" });
  });

  it("gives a workload-identity team a pool only when asked", () => {
    const config = validateConfig(validCreateConfig(), "dev");
    expect(config.teams[1].nodePool).toBeUndefined();
    const withPool = mutated(
      validCreateConfig(),
      (c) => (c.teams[1].nodePool = { ...c.teams[0].nodePool, name: "teamb" }),
    );
    expect(validateConfig(withPool, "dev").teams[1].nodePool?.name).toBe("teamb");
  });
});

describe("validateConfig: insecure settings are allowed only where the rule does not apply", () => {
  it("accepts 0.0.0.0/0 outside production (it is refused in production above)", () => {
    const config = mutated(validCreateConfig(), (c) => (c.cluster.authorizedIpRanges = ["0.0.0.0/0"]));
    expect(() => validateConfig(config, "dev")).not.toThrow();
  });
  it("accepts no authorized ranges for a private API server", () => {
    const config = mutated(validCreateConfig(), (c) =>
      Object.assign(c.cluster, { authorizedIpRanges: [], privateCluster: true }),
    );
    expect(() => validateConfig(config, "dev")).not.toThrow();
  });
  it("accepts the Free tier, Defender off and one zone outside production", () => {
    const config = mutated(validCreateConfig(), (c) =>
      Object.assign(c.cluster, {
        tier: "Free",
        defender: false,
        systemPool: { ...c.cluster.systemPool, zones: ["1"] },
      }),
    );
    expect(() => validateConfig(config, "dev")).not.toThrow();
  });
  it("does not judge cluster settings in existing mode (no cluster is created)", () => {
    const config = mutated(validExistingConfig(), (c) => {
      c.production = true;
      c.cluster.tier = "Free";
    });
    expect(() => validateConfig(config, "local")).not.toThrow();
  });
});

describe("validateConfig: every problem at once", () => {
  it("reports an unknown clusterMode alone: the mode decides which keys the rest may have", () => {
    const problems = problemsOf(
      mutated(validCreateConfig(), (c) => {
        c.clusterMode = "exsting";
        c.teams[1].name = "Team_B";
      }),
    );
    expect(problems).toEqual([
      { key: "clusterMode", value: "exsting", message: 'must be one of "create", "existing"' },
    ]);
  });

  const broken = mutated(validCreateConfig(), (c) => {
    c.teams[1].name = "Team_B";
    c.teams[1].namespaces.push("team-a");
    c.cluster.authorizedIpRanges = ["203.0.113.0/33"];
    c.teams[0].identities[0].roles = ["Owner"];
    c.podIdentity = { version: "v1.8.12" };
    c.cluster.autorizedIpRanges = [];
  });
  const expected = [
    "teams[1].name",
    "teams[1].namespaces[1]",
    "cluster.authorizedIpRanges[0]",
    "teams[0].identities[0].roles[0]",
    "podIdentity.version",
    "cluster.autorizedIpRanges",
  ];

  it("reports all six problems in one error", () => {
    expect(
      problemsOf(broken)
        .map((p) => p.key)
        .sort(),
    ).toEqual([...expected].sort());
  });

  it("puts one line per problem in the message, each naming the key and the value", () => {
    let error: unknown;
    try {
      validateConfig(broken, "dev");
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const lines = (error as Error).message.split("\n");
    expect(lines).toHaveLength(expected.length);
    expect(lines).toContain(
      "teams[1].name: must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit (got \"Team_B\")",
    );
    for (const key of expected) expect(lines.some((line) => line.startsWith(`${key}: `))).toBe(true);
    // The Pulumi runtime prints a RunError as its message alone; a plain Error whose `stack` field
    // held the stack name printed as `[dev] { name: 'ConfigValidationError', problems: [...] }`.
    expect(RunError.isInstance(error)).toBe(true);
    expect((error as ConfigValidationError).stackName).toBe("dev");
    expect((error as Error).stack).toContain(lines[0]);
  });

  it("reports a count out of range once, not also as exceeding maxCount", () => {
    const problems = problemsOf(
      mutated(validCreateConfig(), (c) => {
        c.cluster.systemPool.minCount = 2000;
        c.cluster.systemPool.maxCount = 10;
      }),
    );
    expect(problems).toEqual([expect.objectContaining({ key: "cluster.systemPool.minCount", value: 2000 })]);
  });

  it("reports a wrong-typed cluster once, not once per missing field", () => {
    const problems = problemsOf(mutated(validCreateConfig(), (c) => (c.cluster = "aksh-test")));
    expect(problems).toEqual([expect.objectContaining({ key: "cluster", value: "aksh-test" })]);
  });

  it("reports a wrong-typed item once, not once per missing field", () => {
    const problems = problemsOf(mutated(validCreateConfig(), (c) => (c.teams[0].identities[0] = "app")));
    expect(problems).toEqual([expect.objectContaining({ key: "teams[0].identities[0]", value: "app" })]);
  });

  it.each([
    [
      "set without --path",
      (c: RawConfig) => (c.existing = "apiVersion: v1\nusers: [{user: {token: s3cr3t}}]"),
    ],
    [
      "under a misspelt key",
      (c: RawConfig) => (c.existing = { kubeConfig: "apiVersion: v1\nusers: [{user: {token: s3cr3t}}]" }),
    ],
  ])("never echoes a kubeconfig %s", (_how, mutate) => {
    const problems = problemsOf(mutated(validExistingConfig(), mutate), "local");
    expect(JSON.stringify(problems)).not.toContain("s3cr3t");
    expect(problems.some((p) => p.key.startsWith("existing") && p.value === REDACTED)).toBe(true);
  });

  it.each([
    ["at the top level", (c: RawConfig, kc: string) => (c.kubeconfig = kc)],
    ["under a misspelt existing", (c: RawConfig, kc: string) => (c.existin = { kubeconfig: kc })],
    ["inside the cluster settings", (c: RawConfig, kc: string) => (c.cluster.kubeconfig = kc)],
  ])("never echoes a kubeconfig pasted %s", (_where, put) => {
    const secret = "apiVersion: v1\nclusters: []\nusers: [{name: admin, user: {token: s3cr3t}}]";
    const problems = problemsOf(
      mutated(validExistingConfig(), (c) => put(c, secret)),
      "local",
    );
    expect(JSON.stringify(problems)).not.toContain("s3cr3t");
    expect(problems.some((p) => p.value === REDACTED && /not a known key/.test(p.message))).toBe(true);
  });

  it("never echoes the kubeconfig", () => {
    const secret = "apiVersion: v1\nusers: [{name: admin, user: {token: s3cr3t}}]";
    const config = mutated(validCreateConfig(), (c) => (c.existing = { kubeconfig: secret }));
    let message = "";
    try {
      validateConfig(config, "dev");
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain("existing:");
    expect(message).not.toContain("s3cr3t");
  });
});

describe("validateConfig: defaults", () => {
  it("hands each result its own default pools: changing one changes no later parse", () => {
    const first = validateConfig(minimalCreateConfig(), "dev");
    first.cluster.userPools[0].zones.push("9");
    first.cluster.systemPool.zones.push("9");
    const second = validateConfig(minimalCreateConfig(), "dev");
    expect(second.cluster.userPools[0].zones).toEqual(["1", "2", "3"]);
    expect(second.cluster.systemPool.zones).toEqual(["1", "2", "3"]);
  });

  it("reports a misspelt zone once in production, not also as too few zones", () => {
    const problems = problemsOf(
      mutated(validCreateConfig(), (c) => {
        c.production = true;
        c.cluster.systemPool.zones = ["1", "4"];
      }),
    );
    expect(problems.filter((p) => p.key.startsWith("cluster.systemPool.zones"))).toEqual([
      expect.objectContaining({ key: "cluster.systemPool.zones[1]", value: "4" }),
    ]);
  });

  const minimal = minimalCreateConfig();
  const config = validateConfig(minimal, "dev");

  it("fills every documented top-level default", () => {
    expect(config.environment).toBe("dev");
    expect(config.production).toBe(false);
    expect(config.clusterMode).toBe("create");
    expect(config.platformGroupIds).toEqual(minimal.platformGroupIds);
    expect(config.existing).toBeUndefined();
    expect(config.podIdentity).toEqual({
      namespace: "aad-pod-identity",
      mode: "standard",
      version: "v1.8.17",
      isolateNodes: true,
    });
    expect(config.monitoring).toEqual({ alertEmails: [] });
  });

  it("fills the cluster defaults (secure by default)", () => {
    expect(config.cluster).toMatchObject({
      tier: "Standard",
      privateCluster: false,
      defender: true,
      azurePolicy: true,
      upgradeChannel: "patch",
      nodeOsUpgradeChannel: "NodeImage",
      logRetentionDays: 90,
      systemPool: {
        name: "system",
        vmSize: "Standard_D4ds_v5",
        minCount: 2,
        maxCount: 3,
        zones: ["1", "2", "3"],
      },
      userPools: [
        { name: "user", vmSize: "Standard_D4ds_v5", minCount: 2, maxCount: 6, zones: ["1", "2", "3"] },
      ],
    });
  });

  it("fills the team and identity defaults", () => {
    expect(config.teams[0].identityMode).toBe("pod-identity");
    expect(config.teams[0].identities[0]).toEqual({
      name: "app",
      namespace: "team-a",
      roles: [],
      serviceAccount: "app",
    });
    expect(config.teams[0].resourceGroupId).toBeUndefined();
  });

  it("defaults pod identity to managed mode in existing mode", () => {
    expect(validateConfig(validExistingConfig(), "local").podIdentity.mode).toBe("managed");
  });

  it("fills pool zones and accepts YAML numbers as zones", () => {
    const withPools = mutated(minimal, (c) => {
      c.cluster.systemPool = { name: "sys", vmSize: "Standard_D2ds_v5", minCount: 1, maxCount: 2 };
      c.cluster.userPools = [
        { name: "apps", vmSize: "Standard_D2ds_v5", minCount: 0, maxCount: 2, zones: [1, 2] },
      ];
    });
    const result = validateConfig(withPools, "dev");
    expect(result.cluster.systemPool.zones).toEqual(["1", "2", "3"]);
    expect(result.cluster.userPools[0].zones).toEqual(["1", "2"]);
  });
});

describe("validateConfig: values as pulumi.Config hands them over", () => {
  it("reads JSON strings and stringified booleans exactly like parsed values", () => {
    const parsed = validExistingConfig();
    const asStrings = Object.fromEntries(
      Object.entries(parsed).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
    );
    expect(typeof asStrings.production).toBe("string");
    expect(validateConfig(asStrings, "local")).toEqual(validateConfig(parsed, "local"));
  });

  it("reports a JSON string that is not JSON as the wrong type", () => {
    const problems = problemsOf({ ...validCreateConfig(), teams: "[{name: team-a" });
    expect(problems).toContainEqual(expect.objectContaining({ key: "teams", value: "[{name: team-a" }));
  });
});
