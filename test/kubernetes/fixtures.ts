/**
 * Shared fixtures of the Kubernetes-layer tests: a platform group, two teams, their resource groups
 * and admission requests built the way the API server would present them.
 */
import type { GuardrailSettings } from "../../conventions/admission";
import {
  POD_IDENTITY_LABEL,
  RESOURCE_GROUP_ANNOTATION,
  TEAM_LABEL,
  podIdentityImage,
  podSecurityLabels,
} from "../../conventions/kubernetes";
import type { AdmissionRequestFixture } from "./vap-evaluator";

export const PLATFORM_GROUP = "11111111-1111-4111-8111-111111111111";
export const TEAM_A_GROUP = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
export const TEAM_B_GROUP = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";
export const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
export const RG_A = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-aks-team-a`;
export const RG_B = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-aks-team-b`;
export const IDENTITY_NS = "aad-pod-identity";
export const VERSION = "v1.8.17";

/** A user id in `request.userInfo`. */
export type Who = AdmissionRequestFixture["userInfo"];
export const PLATFORM_USER: Who = {
  username: "alice@example.com",
  groups: [PLATFORM_GROUP, "system:authenticated"],
};
export const TEAM_A_USER: Who = {
  username: "dev-a@example.com",
  groups: [TEAM_A_GROUP, "system:authenticated"],
};
export const TEAM_B_USER: Who = {
  username: "dev-b@example.com",
  groups: [TEAM_B_GROUP, "system:authenticated"],
};
export const MASTERS_USER: Who = {
  username: "masterclient",
  groups: ["system:masters", "system:authenticated"],
};
export const DEPLOYER_USER: Who = { username: "deployer@example.com" };
export const MIC_USER: Who = {
  username: `system:serviceaccount:${IDENTITY_NS}:mic`,
  groups: ["system:serviceaccounts", `system:serviceaccounts:${IDENTITY_NS}`],
};
export const NMI_USER: Who = {
  username: `system:serviceaccount:${IDENTITY_NS}:nmi`,
  groups: ["system:serviceaccounts", `system:serviceaccounts:${IDENTITY_NS}`],
};
export const RS_CONTROLLER: Who = { username: "system:serviceaccount:kube-system:replicaset-controller" };

/** The NMI flags every install must carry, whatever its mode (besides `--operation-mode`). */
export const NMI_HARDENING_FLAGS = [
  "--forceNamespaced=true",
  `--MICNamespace=${IDENTITY_NS}`,
  "--metadata-header-required=true",
  "--block-instance-metadata=true",
  "--enable-conntrack-deletion=true",
  "--allow-network-plugin-kubenet=false",
];

export const MIC_IMAGE = podIdentityImage("mic", VERSION);
export const NMI_IMAGE = podIdentityImage("nmi", VERSION);

/** Guardrail settings of a standard-mode install with one extra platform user. */
export const SETTINGS: GuardrailSettings = {
  identityNamespace: IDENTITY_NS,
  platformGroupIds: [PLATFORM_GROUP],
  platformUsers: [DEPLOYER_USER.username],
  identityWriterServiceAccounts: ["mic"],
  identityServiceAccounts: ["mic", "nmi"],
  pinnedImages: [MIC_IMAGE, NMI_IMAGE],
  privilegedNamespaces: ["kube-system", "kube-public", "kube-node-lease", "gatekeeper-system", IDENTITY_NS],
};

/** A namespace object as stored. */
export function namespace(
  name: string,
  labels: Record<string, string> = {},
  annotations: Record<string, string> = {},
): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name, labels: { "kubernetes.io/metadata.name": name, ...labels }, annotations },
  };
}

/** A team namespace exactly as the blueprint writes it. */
export function teamNamespace(name: string, team: string, rg: string): Record<string, unknown> {
  return namespace(
    name,
    { ...podSecurityLabels("restricted", "v1.33"), [TEAM_LABEL]: team },
    {
      [RESOURCE_GROUP_ANNOTATION]: rg,
    },
  );
}

export const NAMESPACES: Record<string, Record<string, unknown>> = {
  "team-a": teamNamespace("team-a", "team-a", RG_A),
  "team-b": teamNamespace("team-b", "team-b", RG_B),
  default: namespace("default", podSecurityLabels("restricted", "v1.33")),
  [IDENTITY_NS]: namespace(IDENTITY_NS, podSecurityLabels("privileged", "v1.33")),
  "kube-system": namespace("kube-system"),
};

/** A namespaced request; the namespace object comes from `NAMESPACES`. */
export function namespacedRequest(
  resource: AdmissionRequestFixture["resource"],
  ns: string,
  object: unknown,
  who: Who,
  operation: AdmissionRequestFixture["operation"] = "CREATE",
  extra: Partial<AdmissionRequestFixture> = {},
): AdmissionRequestFixture {
  return {
    operation,
    resource,
    namespace: ns,
    userInfo: who,
    object,
    oldObject: null,
    namespaceObject: NAMESPACES[ns] ?? namespace(ns),
    ...extra,
  };
}

export const PODS = { group: "", version: "v1", resource: "pods" };
export const NAMESPACES_RESOURCE = { group: "", version: "v1", resource: "namespaces" };
export const AZURE_IDENTITIES = {
  group: "aadpodidentity.k8s.io",
  version: "v1",
  resource: "azureidentities",
};
export const AZURE_IDENTITY_BINDINGS = {
  group: "aadpodidentity.k8s.io",
  version: "v1",
  resource: "azureidentitybindings",
};
export const AZURE_ASSIGNED_IDENTITIES = {
  group: "aadpodidentity.k8s.io",
  version: "v1",
  resource: "azureassignedidentities",
};
export const AZURE_POD_IDENTITY_EXCEPTIONS = {
  group: "aadpodidentity.k8s.io",
  version: "v1",
  resource: "azurepodidentityexceptions",
};
export const DEPLOYMENTS = { group: "apps", version: "v1", resource: "deployments" };
export const CLUSTER_ROLE_BINDINGS = {
  group: "rbac.authorization.k8s.io",
  version: "v1",
  resource: "clusterrolebindings",
};
export const ROLE_BINDINGS = { group: "rbac.authorization.k8s.io", version: "v1", resource: "rolebindings" };

/** A minimal pod, optionally with the pod-identity label. */
export function pod(
  ns: string,
  opts: { label?: string; serviceAccount?: string; images?: string[]; initImages?: string[] } = {},
): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: "p",
      namespace: ns,
      labels: opts.label === undefined ? { app: "web" } : { app: "web", [POD_IDENTITY_LABEL]: opts.label },
    },
    spec: {
      ...(opts.serviceAccount ? { serviceAccountName: opts.serviceAccount } : {}),
      containers: (opts.images ?? ["nginx:1.27"]).map((image, i) => ({ name: `c${i}`, image })),
      ...(opts.initImages
        ? { initContainers: opts.initImages.map((image, i) => ({ name: `i${i}`, image })) }
        : {}),
    },
  };
}

/** An AzureIdentity. */
export function azureIdentity(ns: string, spec: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: "aadpodidentity.k8s.io/v1",
    kind: "AzureIdentity",
    metadata: { name: "x", namespace: ns },
    spec,
  };
}

/** The resource ID of a user-assigned identity in a resource group. */
export function uami(rg: string, name: string): string {
  return `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
}
