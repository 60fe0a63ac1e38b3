/**
 * Every RBAC rule the blueprint grants, as plain data: explicit API groups, resources and verbs,
 * never `*`, so a reviewer (and the tests) can read exactly what each principal may do.
 *
 * What is deliberately absent matters as much: no team rule mentions the aad-pod-identity kinds
 * with a write verb, `roles`/`rolebindings`, `namespaces`, or the verbs `bind`, `escalate` and
 * `impersonate`; NMI gets no `secrets` (type-0 identities need none); nothing is labelled to
 * aggregate into the built-in `admin`/`edit`/`view` roles.
 */
import type * as k8s from "@pulumi/kubernetes";
import { AAD_POD_IDENTITY_GROUP, POD_IDENTITY_RESOURCES as R } from "../../conventions/kubernetes";

export type PolicyRule = k8s.types.input.rbac.v1.PolicyRule & {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  nonResourceURLs?: string[];
  resourceNames?: string[];
};

const READ = ["get", "list", "watch"];
const WRITE = ["create", "update", "patch", "delete", "deletecollection"];
const ALL_IDENTITY_KINDS = [
  R.azureIdentities,
  R.azureIdentityBindings,
  R.azureAssignedIdentities,
  R.azurePodIdentityExceptions,
];

/**
 * MIC, cluster-wide: watch pods and nodes, read identities and bindings, own the assignments.
 * Narrower than the upstream chart: CRDs read-only (the chart grants `*`, which would let a
 * compromised MIC rewrite any CRD), no `post` pseudo-verb.
 */
export const MIC_CLUSTER_RULES: PolicyRule[] = [
  { apiGroups: ["apiextensions.k8s.io"], resources: ["customresourcedefinitions"], verbs: READ },
  { apiGroups: [""], resources: ["pods", "nodes"], verbs: ["list", "watch"] },
  { apiGroups: [""], resources: ["events"], verbs: ["create", "patch"] },
  {
    apiGroups: [AAD_POD_IDENTITY_GROUP],
    resources: [R.azureIdentities, R.azureIdentityBindings],
    verbs: [...READ, "update"],
  },
  {
    apiGroups: [AAD_POD_IDENTITY_GROUP],
    resources: [R.azurePodIdentityExceptions],
    verbs: ["list", "update"],
  },
  { apiGroups: [AAD_POD_IDENTITY_GROUP], resources: [R.azureAssignedIdentities], verbs: [...READ, ...WRITE] },
];

/**
 * MIC, in the identity namespace only: its `aad-pod-identity-config` ConfigMap and the leader
 * election lock (the chart grants these cluster-wide; the lock lives in the identity namespace).
 */
export const MIC_NAMESPACE_RULES: PolicyRule[] = [
  { apiGroups: [""], resources: ["configmaps", "endpoints"], verbs: ["get", "create", "update"] },
  { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["get", "create", "update"] },
];

/** NMI: read pods and the identity kinds. No `secrets` (the chart's `allowAccessToSecrets`). */
export const NMI_CLUSTER_RULES: PolicyRule[] = [
  { apiGroups: ["apiextensions.k8s.io"], resources: ["customresourcedefinitions"], verbs: ["get", "list"] },
  { apiGroups: [""], resources: ["pods"], verbs: READ },
  { apiGroups: [AAD_POD_IDENTITY_GROUP], resources: ALL_IDENTITY_KINDS, verbs: READ },
];

/**
 * A team developer inside one of the team's own namespaces (a Role there, never a ClusterRole
 * binding). Workloads, config, secrets, exec/logs/port-forward of their own pods; read-only on the
 * objects the platform owns there (ServiceAccounts carrying workload-identity client IDs, network
 * policies, quotas, the team's AzureIdentity/Binding).
 */
export const TEAM_DEVELOPER_RULES: PolicyRule[] = [
  {
    apiGroups: [""],
    resources: ["pods", "services", "configmaps", "secrets", "persistentvolumeclaims"],
    verbs: [...READ, ...WRITE],
  },
  { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
  { apiGroups: [""], resources: ["pods/exec", "pods/portforward"], verbs: ["create", "get"] },
  {
    apiGroups: [""],
    resources: ["serviceaccounts", "endpoints", "events", "resourcequotas", "limitranges"],
    verbs: READ,
  },
  {
    apiGroups: ["apps"],
    resources: ["deployments", "statefulsets", "replicasets"],
    verbs: [...READ, ...WRITE],
  },
  {
    apiGroups: ["apps"],
    resources: ["deployments/scale", "statefulsets/scale"],
    verbs: ["get", "update", "patch"],
  },
  { apiGroups: ["batch"], resources: ["jobs", "cronjobs"], verbs: [...READ, ...WRITE] },
  { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"], verbs: [...READ, ...WRITE] },
  { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: [...READ, ...WRITE] },
  { apiGroups: ["networking.k8s.io"], resources: ["ingresses"], verbs: [...READ, ...WRITE] },
  { apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: READ },
  { apiGroups: ["events.k8s.io"], resources: ["events"], verbs: READ },
  {
    apiGroups: [AAD_POD_IDENTITY_GROUP],
    resources: [R.azureIdentities, R.azureIdentityBindings],
    verbs: READ,
  },
];

/** The one cluster-wide grant for teams: API discovery (read-only, no resources). */
export const TEAM_DISCOVERY_RULES: PolicyRule[] = [
  { nonResourceURLs: ["/api", "/api/*", "/apis", "/apis/*", "/version"], verbs: ["get"] },
];

/** Verbs that let a principal grant itself more than it has. */
export const ESCALATION_VERBS = ["bind", "escalate", "impersonate", "*"] as const;
