/**
 * Facts from a live cluster, read with read-only rights (list on the kinds below; nothing is
 * written). Every collection is paged (`limit`/`continue`), so a cluster of thousands of namespaces
 * is read in bounded requests; progress goes to stderr. Secrets are read as metadata only
 * (PartialObjectMetadata): the analysis needs the legacy-token annotation, never a value. A list
 * the principal may not read is reported as an assumption (its edges are missing), not a failure.
 * Azure facts the cluster cannot tell come from `--azure-facts <file>` (same shape as the facts the
 * plan reads), or are shown as assumptions.
 */
import * as https from "https";
import { InputError } from "../exit-codes";
import { readJsonFile } from "../input-file";
import { emptyFacts, kubeObject, type Facts } from "./facts";
import { readKubeconfig, type Connection } from "./kubeconfig";

/** What is listed: group-version, resource, and whether only metadata is needed. */
export const LIVE_RESOURCES: {
  apiVersion: string;
  resource: string;
  kind: string;
  metadataOnly?: boolean;
}[] = [
  { apiVersion: "v1", resource: "namespaces", kind: "Namespace" },
  { apiVersion: "v1", resource: "serviceaccounts", kind: "ServiceAccount" },
  { apiVersion: "v1", resource: "secrets", kind: "Secret", metadataOnly: true },
  { apiVersion: "v1", resource: "pods", kind: "Pod" },
  { apiVersion: "apps/v1", resource: "deployments", kind: "Deployment" },
  { apiVersion: "apps/v1", resource: "replicasets", kind: "ReplicaSet" },
  { apiVersion: "apps/v1", resource: "statefulsets", kind: "StatefulSet" },
  { apiVersion: "apps/v1", resource: "daemonsets", kind: "DaemonSet" },
  { apiVersion: "batch/v1", resource: "jobs", kind: "Job" },
  { apiVersion: "batch/v1", resource: "cronjobs", kind: "CronJob" },
  { apiVersion: "rbac.authorization.k8s.io/v1", resource: "clusterroles", kind: "ClusterRole" },
  { apiVersion: "rbac.authorization.k8s.io/v1", resource: "clusterrolebindings", kind: "ClusterRoleBinding" },
  { apiVersion: "rbac.authorization.k8s.io/v1", resource: "roles", kind: "Role" },
  { apiVersion: "rbac.authorization.k8s.io/v1", resource: "rolebindings", kind: "RoleBinding" },
  {
    apiVersion: "admissionregistration.k8s.io/v1",
    resource: "validatingadmissionpolicies",
    kind: "ValidatingAdmissionPolicy",
  },
  {
    apiVersion: "admissionregistration.k8s.io/v1",
    resource: "validatingadmissionpolicybindings",
    kind: "ValidatingAdmissionPolicyBinding",
  },
  {
    apiVersion: "apiextensions.k8s.io/v1",
    resource: "customresourcedefinitions",
    kind: "CustomResourceDefinition",
  },
  { apiVersion: "aadpodidentity.k8s.io/v1", resource: "azureidentities", kind: "AzureIdentity" },
  { apiVersion: "aadpodidentity.k8s.io/v1", resource: "azureidentitybindings", kind: "AzureIdentityBinding" },
  {
    apiVersion: "aadpodidentity.k8s.io/v1",
    resource: "azurepodidentityexceptions",
    kind: "AzurePodIdentityException",
  },
];

const PAGE = 500;

function get(
  conn: Connection,
  pathAndQuery: string,
  accept: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      new URL(pathAndQuery, conn.server),
      {
        method: "GET",
        ca: conn.ca,
        cert: conn.cert,
        key: conn.key,
        rejectUnauthorized: !conn.insecure,
        headers: { accept, ...(conn.token ? { authorization: `Bearer ${conn.token}` } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
        );
      },
    );
    req.on("error", reject);
    req.setTimeout(60_000, () => req.destroy(new Error(`GET ${pathAndQuery}: no answer in 60 s`)));
    req.end();
  });
}

export interface LiveOptions {
  kubeconfig: string;
  context?: string;
  azureFacts?: string;
  progress?: (line: string) => void;
}

/** Lists every object of one resource across namespaces, page by page. */
async function listAll(
  conn: Connection,
  r: (typeof LIVE_RESOURCES)[number],
): Promise<{ items: Record<string, unknown>[]; status: number }> {
  const base = r.apiVersion.includes("/") ? `/apis/${r.apiVersion}` : `/api/${r.apiVersion}`;
  const accept = r.metadataOnly
    ? "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"
    : "application/json";
  const items: Record<string, unknown>[] = [];
  let token: string | undefined;
  do {
    const query = `limit=${PAGE}${token ? `&continue=${encodeURIComponent(token)}` : ""}`;
    const res = await get(conn, `${base}/${r.resource}?${query}`, accept);
    if (res.status !== 200) return { items, status: res.status };
    const list = JSON.parse(res.body) as {
      items?: Record<string, unknown>[];
      metadata?: { continue?: string };
    };
    for (const item of list.items ?? []) items.push({ ...item, apiVersion: r.apiVersion, kind: r.kind });
    token = list.metadata?.continue || undefined;
  } while (token);
  return { items, status: 200 };
}

export async function readLiveCluster(options: LiveOptions): Promise<Facts> {
  const conn = readKubeconfig(options.kubeconfig, options.context);
  const progress = options.progress ?? (() => undefined);
  const facts = emptyFacts(`live cluster ${conn.server} (context ${conn.context})`);
  const probe = await get(conn, "/version", "application/json").catch((err: Error) => {
    throw new InputError(`cannot reach ${conn.server}: ${err.message}`);
  });
  if (probe.status === 401)
    throw new InputError(`${conn.server}: the kubeconfig's credentials are refused (401)`);
  for (const [i, r] of LIVE_RESOURCES.entries()) {
    const started = Date.now();
    const { items, status } = await listAll(conn, r);
    if (status === 404) {
      progress(`[${i + 1}/${LIVE_RESOURCES.length}] ${r.resource}: not served by this cluster`);
      continue;
    }
    if (status !== 200) {
      facts.assumptions.push(
        `could not list ${r.resource} (HTTP ${status}): edges that depend on them are missing`,
      );
      progress(`[${i + 1}/${LIVE_RESOURCES.length}] ${r.resource}: HTTP ${status}, skipped`);
      continue;
    }
    for (const item of items) {
      const meta = (item.metadata ?? {}) as { namespace?: string; name?: string };
      // A metadata-only Secret with the legacy annotation is a token Secret (its type is not metadata).
      if (
        r.metadataOnly &&
        r.kind === "Secret" &&
        (meta as { annotations?: Record<string, string> }).annotations?.["kubernetes.io/service-account.name"]
      )
        item.type = "kubernetes.io/service-account-token";
      const source = `live:${r.apiVersion}/${r.kind}/${meta.namespace ? `${meta.namespace}/` : ""}${meta.name}`;
      const o = kubeObject(item, source);
      if (o) facts.objects.push(o);
    }
    progress(
      `[${i + 1}/${LIVE_RESOURCES.length}] ${r.resource}: ${items.length} in ${Date.now() - started} ms`,
    );
  }
  if (options.azureFacts) mergeAzureFacts(facts, options.azureFacts);
  return facts;
}

/**
 * `--azure-facts`: {"cluster": {"issuer", "kubeletClientId", "kubeletResourceId"}, "identities": [...],
 * "federatedCredentials": [...], "roleAssignments": [...], "resourceGroups": [...]} in the shapes of
 * `Facts` (sources default to the file name).
 */
export function mergeAzureFacts(facts: Facts, file: string): void {
  const doc = readJsonFile(file, "azure facts") as Record<string, unknown>;
  if (typeof doc !== "object" || doc === null || Array.isArray(doc))
    throw new InputError(`azure facts ${file}: expected a JSON object`);
  const known = ["cluster", "identities", "federatedCredentials", "roleAssignments", "resourceGroups"];
  for (const key of Object.keys(doc))
    if (!known.includes(key))
      throw new InputError(`azure facts ${file}: ${key}: is not a known key (known: ${known.join(", ")})`);
  const list = (key: string) => {
    const v = doc[key] ?? [];
    if (!Array.isArray(v))
      throw new InputError(
        `azure facts ${file}: ${key}: must be a list (got ${JSON.stringify(v).slice(0, 60)})`,
      );
    return v as Record<string, unknown>[];
  };
  const lower = (v: unknown) => (typeof v === "string" ? v.toLowerCase() : undefined);
  const source = `azure-facts:${file}`;
  for (const [i, x] of list("identities").entries()) {
    if (typeof x.name !== "string")
      throw new InputError(
        `azure facts ${file}: identities[${i}].name: must be a string (got ${JSON.stringify(x.name)})`,
      );
    facts.identities.push({
      name: x.name,
      clientId: x.clientId as string,
      principalId: x.principalId as string,
      resourceId: lower(x.resourceId),
      team: x.team as string,
      source,
    });
  }
  for (const x of list("federatedCredentials"))
    facts.federatedCredentials.push({
      identityResourceGroup: lower(x.identityResourceGroup) ?? "",
      identityName: lower(x.identityName) ?? "",
      issuer: x.issuer as string,
      subject: x.subject as string,
      claimsMatchingExpression: x.claimsMatchingExpression as string,
      audiences: Array.isArray(x.audiences) ? x.audiences.map(String) : [],
      source,
    });
  for (const [i, x] of list("roleAssignments").entries()) {
    if (typeof x.principalId !== "string" || typeof x.roleId !== "string" || typeof x.scope !== "string")
      throw new InputError(
        `azure facts ${file}: roleAssignments[${i}]: needs principalId, roleId and scope strings (got ${JSON.stringify(x).slice(0, 80)})`,
      );
    facts.roleAssignments.push({
      principalId: x.principalId.toLowerCase(),
      roleId: x.roleId.split("/").pop()!.toLowerCase(),
      scope: x.scope.toLowerCase(),
      source,
    });
  }
  for (const x of list("resourceGroups"))
    if (typeof x.id === "string")
      facts.resourceGroups.push({ id: x.id.toLowerCase(), team: x.team as string, source });
  const cluster = (doc.cluster ?? {}) as Record<string, unknown>;
  facts.cluster = {
    issuer: cluster.issuer as string,
    kubeletClientId: cluster.kubeletClientId as string,
    kubeletResourceId: lower(cluster.kubeletResourceId),
    source,
  };
  facts.azureKnown = true;
}
