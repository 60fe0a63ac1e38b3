/**
 * One small hardened "world" that the Kubernetes and stack-wide policies are judged against: a team
 * namespace with its identity, binding, workload, RBAC and network policy, the identity namespace
 * with MIC, NMI and an exception, and the admission policies. Each policy's test accepts it as is and
 * then breaks it once per case, so every policy is shown to accept what the blueprint declares.
 */
import type { EvaluatedResource } from "../../../policy-pack/evaluate";
import {
  guardrailPolicies,
  recordGuardrailSettings,
  type GuardrailSettings,
} from "../../../conventions/admission";
import { GUARDRAIL_SETTINGS_ANNOTATION } from "../../../conventions/kubernetes";
import { k8s, Props } from "../harness";

const PLATFORM_GROUP = "30ad0ca3-cc4a-49af-b234-677d4f218dbc";
export const TEAM_GROUP = "5754ec6f-95a4-4ad1-a1a1-dc14d0d3a2f6";
const SUB = "/subscriptions/00000000-0000-0000-0000-000000000000";
export const PAYMENTS_RG = `${SUB}/resourceGroups/rg-aks-payments`;
export const CATALOG_RG = `${SUB}/resourceGroups/rg-aks-catalog`;
export const IDS = "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/";

const psa = (level: string) => ({
  "pod-security.kubernetes.io/enforce": level,
  "pod-security.kubernetes.io/enforce-version": "v1.33",
  "pod-security.kubernetes.io/audit": level,
  "pod-security.kubernetes.io/warn": level,
});

function teamNamespace(name: string, team: string, rg: string): EvaluatedResource {
  return k8s("core/v1", "Namespace", `ns-${name}`, {
    metadata: {
      name,
      labels: { ...psa("restricted"), "aks-hardening.io/team": team },
      annotations: { "aks-hardening.io/azure-resource-group-id": rg },
    },
  });
}

function restrictedPod(labels: Record<string, string>): Props {
  return {
    metadata: { labels },
    spec: {
      serviceAccountName: "api",
      securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
      containers: [
        {
          name: "api",
          image: "example.azurecr.io/payments/api:1.4.2",
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
        },
      ],
    },
  };
}

function mic(): Props {
  return {
    metadata: { name: "mic", namespace: "aad-pod-identity" },
    spec: {
      template: {
        metadata: { labels: { app: "mic" } },
        spec: {
          containers: [
            {
              name: "mic",
              image: "mcr.microsoft.com/oss/azure/aad-pod-identity/mic:v1.8.17",
              args: [
                "--forceNamespaced=true",
                "--leader-election-namespace=aad-pod-identity",
                "--immutable-user-msis=abc",
              ],
              env: [{ name: "FORCENAMESPACED", value: "true" }],
              securityContext: {
                runAsNonRoot: true,
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
              },
            },
          ],
        },
      },
    },
  };
}

export function nmi(): Props {
  return {
    metadata: { name: "nmi", namespace: "aad-pod-identity" },
    spec: {
      template: {
        metadata: { labels: { app: "nmi" } },
        spec: {
          hostNetwork: true,
          nodeSelector: { "kubernetes.io/os": "linux" },
          tolerations: [
            { key: "CriticalAddonsOnly", operator: "Exists" },
            { key: "aks-hardening.io/team-pool", operator: "Exists" },
          ],
          volumes: [
            { name: "iptableslock", hostPath: { path: "/run/xtables.lock", type: "FileOrCreate" } },
            { name: "kubelet-config", hostPath: { path: "/etc/default/kubelet", type: "FileOrCreate" } },
          ],
          containers: [
            {
              name: "nmi",
              image: "mcr.microsoft.com/oss/azure/aad-pod-identity/nmi:v1.8.17",
              args: [
                "--operation-mode=standard",
                "--forceNamespaced=true",
                "--MICNamespace=aad-pod-identity",
                "--metadata-header-required=true",
                "--block-instance-metadata=true",
                "--enable-conntrack-deletion=true",
                "--allow-network-plugin-kubenet=false",
              ],
              volumeMounts: [{ name: "kubelet-config", mountPath: "/etc/default/kubelet", readOnly: true }],
              securityContext: {
                runAsUser: 0,
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { add: ["NET_ADMIN", "NET_RAW"], drop: ["ALL"] },
              },
            },
          ],
        },
      },
    },
  };
}

export const rbac = "rbac.authorization.k8s.io/v1";
export const group = (name: string) => ({ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name });

/** A hardened cluster's objects, as the blueprint (or a careful team) declares them. */
export function world(): EvaluatedResource[] {
  return [
    teamNamespace("payments", "payments", PAYMENTS_RG),
    teamNamespace("catalog", "catalog", CATALOG_RG),
    k8s("core/v1", "Namespace", "ns-identity", {
      metadata: { name: "aad-pod-identity", labels: psa("privileged") },
    }),
    ...["payments", "catalog"].map((ns) =>
      k8s("networking.k8s.io/v1", "NetworkPolicy", `deny-${ns}`, {
        metadata: { name: "default-deny", namespace: ns },
        spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
      }),
    ),
    k8s("aadpodidentity.k8s.io/v1", "AzureIdentity", "payments-api", {
      metadata: { name: "payments-api", namespace: "payments" },
      spec: { type: 0, resourceID: `${PAYMENTS_RG}${IDS}payments-api`, clientID: "c1" },
    }),
    k8s("aadpodidentity.k8s.io/v1", "AzureIdentityBinding", "payments-api-binding", {
      metadata: { name: "payments-api-binding", namespace: "payments" },
      spec: { azureIdentity: "payments-api", selector: "payments.payments-api" },
    }),
    k8s("aadpodidentity.k8s.io/v1", "AzurePodIdentityException", "mic-exception", {
      metadata: { name: "mic-exception", namespace: "aad-pod-identity" },
      spec: { podLabels: { app: "mic", component: "mic" } },
    }),
    k8s("apps/v1", "Deployment", "api", {
      metadata: { name: "api", namespace: "payments" },
      spec: { template: restrictedPod({ app: "api", aadpodidbinding: "payments.payments-api" }) },
    }),
    k8s("apps/v1", "Deployment", "mic", mic()),
    k8s("apps/v1", "DaemonSet", "nmi", nmi()),
    k8s(rbac, "Role", "team-dev-role", {
      metadata: { name: "team-dev", namespace: "payments" },
      rules: [
        { apiGroups: [""], resources: ["pods", "secrets"], verbs: ["get", "list", "create", "delete"] },
        { apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] },
        { apiGroups: ["aadpodidentity.k8s.io"], resources: ["azureidentities"], verbs: ["get", "list"] },
      ],
    }),
    k8s(rbac, "RoleBinding", "team-dev-binding", {
      metadata: { name: "team-dev", namespace: "payments" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "team-dev" },
      subjects: [group(TEAM_GROUP)],
    }),
    k8s(rbac, "ClusterRole", "mic-role", {
      metadata: { name: "aad-pod-identity-mic" },
      rules: [
        {
          apiGroups: ["aadpodidentity.k8s.io"],
          resources: ["azureassignedidentities"],
          verbs: ["get", "create", "delete"],
        },
      ],
    }),
    k8s(rbac, "ClusterRoleBinding", "mic-binding", {
      metadata: { name: "aad-pod-identity-mic" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "aad-pod-identity-mic" },
      subjects: [{ kind: "ServiceAccount", name: "mic", namespace: "aad-pod-identity" }],
    }),
    k8s(rbac, "ClusterRoleBinding", "platform-admins", {
      metadata: { name: "platform-admins" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
      subjects: [group(PLATFORM_GROUP)],
    }),
    ...blueprintGuardrails(GUARDRAIL_SETTINGS),
  ];
}

/** What ClusterGuardrails declares for the world: every policy, its settings, a Deny binding. */
export const GUARDRAIL_SETTINGS: GuardrailSettings = {
  identityNamespace: "aad-pod-identity",
  platformGroupIds: [PLATFORM_GROUP],
  platformUsers: ["ci-deployer@example.com"],
  identityWriterServiceAccounts: ["mic"],
  identityServiceAccounts: ["mic", "nmi"],
  pinnedImages: [
    "mcr.microsoft.com/oss/azure/aad-pod-identity/mic:v1.8.17",
    "mcr.microsoft.com/oss/azure/aad-pod-identity/nmi:v1.8.17",
  ],
  privilegedNamespaces: ["kube-system", "aad-pod-identity"],
  teams: [
    { name: "payments", groupIds: [TEAM_GROUP], namespaces: ["payments"] },
    { name: "catalog", groupIds: [TEAM_GROUP], namespaces: ["catalog"] },
  ],
};

export function blueprintGuardrails(settings: GuardrailSettings): EvaluatedResource[] {
  return guardrailPolicies(settings).flatMap((def) => {
    const metadata = {
      name: def.name,
      annotations: { [GUARDRAIL_SETTINGS_ANNOTATION]: recordGuardrailSettings(settings) },
    };
    return [
      k8s("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy", `vap-${def.name}`, {
        metadata,
        spec: structuredClone(def.spec),
      }),
      k8s("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicyBinding", `binding-${def.name}`, {
        metadata,
        spec: { policyName: def.name, validationActions: [...def.validationActions] },
      }),
    ];
  });
}

export const platform = { platformGroups: [PLATFORM_GROUP] };
