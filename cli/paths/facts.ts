/**
 * What the attack-path analysis knows about one cluster, whatever it was read from (a recorded plan,
 * a `pulumi stack export` / `pulumi preview --json` file, or a live API server): the Kubernetes
 * objects as the API server would hold them, the Azure facts next to them, and the assumptions made
 * where a fact could not be read. Every edge of the graph is built from these and nothing else, so
 * the plan and the live cluster built from it give the same paths.
 */

/** Where a fact came from: a Pulumi URN, or a live object (`live:<apiVersion>/<kind>/<ns>/<name>`). */
export type FactSource = string;

/** A Kubernetes object (manifest shape), with the resource or live object that declared it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** The whole object (spec, rules, roleRef, subjects...). */
  body: Record<string, unknown>;
  source: FactSource;
}

/** A managed identity (user-assigned) or app the analysis can reach. */
export interface IdentityFact {
  /** Client ID when known (the key that AzureIdentity, ServiceAccount annotations and Azure share). */
  clientId?: string;
  /** Full Azure resource ID, lower-cased for comparison, when known. */
  resourceId?: string;
  /** Object (principal) ID, to match role assignments. */
  principalId?: string;
  name: string;
  /** Owning team, from the identity's own tag when it has one. */
  team?: string;
  source: FactSource;
}

/** A federated identity credential on a managed identity (Workload Identity trust). */
export interface FederatedCredentialFact {
  /** The identity it belongs to: matched by resource group + name (lower case). */
  identityResourceGroup: string;
  identityName: string;
  issuer?: string;
  /** Exact subject, e.g. `system:serviceaccount:ns:sa`. */
  subject?: string;
  /** Flexible FIC: a `claims['sub'] matches '<glob>'` style expression, evaluated, not compared. */
  claimsMatchingExpression?: string;
  audiences: string[];
  source: FactSource;
}

export interface RoleAssignmentFact {
  principalId: string;
  /** Role definition GUID (the last segment of roleDefinitionId), lower case. */
  roleId: string;
  /** Scope, lower case: `/subscriptions/s`, `/subscriptions/s/resourcegroups/rg`, or a resource. */
  scope: string;
  source: FactSource;
}

export interface ClusterFact {
  /** The cluster's OIDC issuer URL (Workload Identity), when known. */
  issuer?: string;
  /** The kubelet identity: every node holds it, MIC authenticates as it. */
  kubeletClientId?: string;
  kubeletResourceId?: string;
  source?: FactSource;
}

/** An AKS node pool (create mode): who its label and taint say it belongs to (issue 15). */
export interface NodePoolFact {
  name: string;
  /** `System` pools run AKS add-ons (and MIC); team pods are kept off by the placement policy. */
  system: boolean;
  /** Value of the `aks-hardening.io/team-pool` node label. */
  labelTeam?: string;
  /** Values of `aks-hardening.io/team-pool` taints with NoSchedule/NoExecute. */
  taintTeams: string[];
  /** Any other NoSchedule/NoExecute taint (e.g. CriticalAddonsOnly). */
  otherTaints: string[];
  source: FactSource;
}

export interface Facts {
  /** What was read, e.g. `plan of stack dev` or `live cluster https://127.0.0.1:6443`. */
  subject: string;
  objects: KubeObject[];
  identities: IdentityFact[];
  federatedCredentials: FederatedCredentialFact[];
  roleAssignments: RoleAssignmentFact[];
  /** Azure resource groups and their owning team (tag), lower-case IDs. */
  resourceGroups: { id: string; team?: string; source: FactSource }[];
  cluster: ClusterFact;
  /** Whether Azure facts were read at all (plan/export/facts file) or only assumed (live, no file). */
  azureKnown: boolean;
  /** What the analysis had to assume, shown in every report. */
  assumptions: string[];
  /** The cluster's node pools, when a plan or export declares the cluster; unknown otherwise. */
  nodePools?: NodePoolFact[];
}

export function emptyFacts(subject: string): Facts {
  return {
    subject,
    objects: [],
    identities: [],
    federatedCredentials: [],
    roleAssignments: [],
    resourceGroups: [],
    cluster: {},
    azureKnown: false,
    assumptions: [],
  };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Only string values of a label/annotation map (anything else is not what the API server stores). */
function stringMap(value: unknown): Record<string, string> {
  if (!isObj(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
}

/** A manifest as a `KubeObject`; `undefined` when it has no kind or name. */
export function kubeObject(manifest: Obj, source: FactSource): KubeObject | undefined {
  const metadata = isObj(manifest.metadata) ? manifest.metadata : {};
  const { apiVersion, kind } = manifest;
  const name = metadata.name;
  if (typeof apiVersion !== "string" || typeof kind !== "string" || typeof name !== "string")
    return undefined;
  return {
    apiVersion,
    kind,
    name,
    namespace:
      typeof metadata.namespace === "string" && metadata.namespace !== "" ? metadata.namespace : undefined,
    labels: stringMap(metadata.labels),
    annotations: stringMap(metadata.annotations),
    body: manifest,
    source,
  };
}

/** The API group of an apiVersion (`v1` -> `""`, `apps/v1` -> `apps`). */
export function apiGroupOf(apiVersion: string): string {
  return apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
}
