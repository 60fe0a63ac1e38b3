/**
 * KQL for the security alert rules, over the AKS audit log.
 *
 * The cluster's diagnostic setting sends `kube-audit-admin` to resource-specific tables, so the
 * events land in `AKSAuditAdmin` (columns `Verb`, `User`, `ObjectRef`, `RequestObject`,
 * `ResponseStatus`; Azure Monitor table reference). That category has every mutating request and
 * none of the get/list noise of `kube-audit`. Each query returns one row per matching request, so an
 * alert fires on the first occurrence; denied attempts (403) are kept on purpose: a refused attempt is
 * exactly the signal of an account probing for the attacks S1-S6.
 */
import { AAD_POD_IDENTITY_GROUP } from "../../conventions/kubernetes";

/** The resource-specific table `kube-audit-admin` writes to. */
export const AUDIT_TABLE = "AKSAuditAdmin";

/** Verbs that change an object. */
export const MUTATING_VERBS = ["create", "update", "patch", "delete", "deletecollection"] as const;

/** The Kubernetes RBAC kinds whose changes S1-S6 all depend on (who may write identity objects). */
export const RBAC_RESOURCES = ["roles", "rolebindings", "clusterroles", "clusterrolebindings"] as const;

/** Built-in controllers that legitimately create host-level pods in system namespaces (DaemonSets). */
export const WORKLOAD_CONTROLLERS = [
  "system:serviceaccount:kube-system:daemon-set-controller",
  "system:serviceaccount:kube-system:replicaset-controller",
] as const;

/** A KQL string literal. */
export function kqlString(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** A KQL `(a, b, ...)` list of string literals for `in`. */
export function kqlList(values: readonly string[]): string {
  return `(${values.map(kqlString).join(", ")})`;
}

/** The columns every alert shows, so the on-call engineer sees who did what where. */
const PROJECTION = [
  "| project TimeGenerated, Verb, Username = tostring(User.username),",
  "    Resource = tostring(ObjectRef.resource), Subresource = tostring(ObjectRef.subresource),",
  "    Namespace = tostring(ObjectRef.namespace), Name = tostring(ObjectRef.name),",
  "    Code = toint(ResponseStatus.code)",
].join("\n");

/** Any change to Roles, RoleBindings, ClusterRoles or ClusterRoleBindings. */
export function rbacChangeQuery(): string {
  return [
    AUDIT_TABLE,
    `| where tostring(ObjectRef.apiGroup) == "rbac.authorization.k8s.io"`,
    `| where tostring(ObjectRef.resource) in ${kqlList(RBAC_RESOURCES)}`,
    `| where Verb in ${kqlList(MUTATING_VERBS)}`,
    PROJECTION,
  ].join("\n");
}

/**
 * Any change to aad-pod-identity objects (AzureIdentity, AzureIdentityBinding,
 * AzurePodIdentityException, AzureAssignedIdentity) or to their CRD definitions (S2, S3, S6).
 * Writes by the identity namespace's own service accounts (MIC records AzureAssignedIdentities on
 * every pod start) are left out; nobody else may act as them, and exec there is alerted separately.
 */
export function identityObjectChangeQuery(identityNamespace: string): string {
  return [
    AUDIT_TABLE,
    `| where tostring(ObjectRef.apiGroup) == "${AAD_POD_IDENTITY_GROUP}"`,
    `    or (tostring(ObjectRef.resource) == "customresourcedefinitions"`,
    `        and tostring(ObjectRef.name) endswith ".${AAD_POD_IDENTITY_GROUP}")`,
    `| where Verb in ${kqlList(MUTATING_VERBS)}`,
    `| where not(tostring(User.username) startswith ${kqlString(`system:serviceaccount:${identityNamespace}:`)})`,
    PROJECTION,
  ].join("\n");
}

/**
 * Pods (or ephemeral containers) requested with `privileged`, `hostNetwork` or `hostPID` (S4: a
 * host-level pod can sniff or bypass NMI). DaemonSet/ReplicaSet controllers creating pods in
 * `kube-system` or the identity namespace (NMI is hostNetwork by design) are expected and left out.
 */
export function privilegedPodQuery(identityNamespace: string): string {
  return [
    AUDIT_TABLE,
    `| where tostring(ObjectRef.resource) == "pods"`,
    `| where (Verb == "create" and isempty(tostring(ObjectRef.subresource)))`,
    `    or (tostring(ObjectRef.subresource) == "ephemeralcontainers" and Verb in ("update", "patch"))`,
    `| extend Spec = RequestObject.spec`,
    `| where tobool(Spec.hostNetwork) or tobool(Spec.hostPID)`,
    `    or tostring(Spec.containers) contains '"privileged":true'`,
    `    or tostring(Spec.initContainers) contains '"privileged":true'`,
    `    or tostring(Spec.ephemeralContainers) contains '"privileged":true'`,
    `| where not(tostring(ObjectRef.namespace) in ${kqlList(["kube-system", identityNamespace])}`,
    `    and tostring(User.username) in ${kqlList(WORKLOAD_CONTROLLERS)})`,
    PROJECTION,
  ].join("\n");
}

/**
 * `exec` or `attach` into any pod of the identity namespace (S5: MIC's and NMI's credentials).
 *
 * Limitation: kubectl 1.30+ execs over WebSocket, an HTTP GET that the audit log records with verb
 * `get`; `kube-audit-admin` drops get events, so this rule sees SPDY (POST) exec only. No team
 * principal can exec there at all (RBAC), and Defender for Containers reports exec independently.
 */
export function identityNamespaceExecQuery(identityNamespace: string): string {
  return [
    AUDIT_TABLE,
    `| where tostring(ObjectRef.resource) == "pods"`,
    `| where tostring(ObjectRef.subresource) in ("exec", "attach")`,
    `| where tostring(ObjectRef.namespace) == ${kqlString(identityNamespace)}`,
    PROJECTION,
  ].join("\n");
}

/** One alert rule: a stable key, what it is about, and its query. */
export interface AuditAlert {
  /** Short DNS-1123 key, used in resource names. */
  key: string;
  displayName: string;
  description: string;
  query: string;
}

/** Every alert the blueprint defines, in one list so the Monitoring component and tests agree. */
export function auditAlerts(identityNamespace: string): AuditAlert[] {
  return [
    {
      key: "rbac-change",
      displayName: "Kubernetes RBAC changed",
      description: "A Role, RoleBinding, ClusterRole or ClusterRoleBinding was created, changed or deleted.",
      query: rbacChangeQuery(),
    },
    {
      key: "identity-object-change",
      displayName: "aad-pod-identity objects changed",
      description:
        "An AzureIdentity, AzureIdentityBinding, AzurePodIdentityException or their CRD was written by someone other than the identity components.",
      query: identityObjectChangeQuery(identityNamespace),
    },
    {
      key: "privileged-pod",
      displayName: "Privileged or host-network pod requested",
      description:
        "A pod asked for privileged, hostNetwork or hostPID outside the expected system DaemonSets.",
      query: privilegedPodQuery(identityNamespace),
    },
    {
      key: "identity-namespace-exec",
      displayName: `exec into ${identityNamespace}`,
      description: `Someone ran exec/attach in ${identityNamespace}, where MIC and NMI hold node-level credentials.`,
      query: identityNamespaceExecQuery(identityNamespace),
    },
  ];
}
