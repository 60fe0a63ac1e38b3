/**
 * Kubernetes and stack-wide policies, judged against one small hardened "world" (a team namespace
 * with its identity, binding, workload, RBAC and network policy; the identity namespace with MIC,
 * NMI and an exception; the admission policies), then one mutation per case.
 */
import type { EvaluatedResource } from "../../policy-pack/evaluate";
import {
  GUARDRAIL_POLICY_NAMES,
  guardrailPolicies,
  recordGuardrailSettings,
  type GuardrailSettings,
} from "../../conventions/admission";
import { POD_BINDING_POLICY } from "../../conventions/admission/pod-binding";
import { POD_IDENTITY_LABEL_POLICY } from "../../conventions/admission/pod-identity-label";
import { IDENTITY_NAMESPACE_WORKLOADS_POLICY } from "../../conventions/admission/identity-namespace-workloads";
import { GUARDRAIL_SETTINGS_ANNOTATION } from "../../conventions/kubernetes";
import { byName, describePolicy, k8s, Props, run, UNKNOWN } from "./harness";

const PLATFORM_GROUP = "30ad0ca3-cc4a-49af-b234-677d4f218dbc";
const TEAM_GROUP = "5754ec6f-95a4-4ad1-a1a1-dc14d0d3a2f6";
const SUB = "/subscriptions/00000000-0000-0000-0000-000000000000";
const PAYMENTS_RG = `${SUB}/resourceGroups/rg-aks-payments`;
const CATALOG_RG = `${SUB}/resourceGroups/rg-aks-catalog`;
const IDS = "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/";

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

function nmi(): Props {
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

const rbac = "rbac.authorization.k8s.io/v1";
const group = (name: string) => ({ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name });

/** A hardened cluster's objects, as the blueprint (or a careful team) declares them. */
function world(): EvaluatedResource[] {
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
const GUARDRAIL_SETTINGS: GuardrailSettings = {
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

function blueprintGuardrails(settings: GuardrailSettings): EvaluatedResource[] {
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

/** The world with its guardrails rebuilt from other settings (a consistent edit of the settings). */
function withGuardrailSettings(
  rs: EvaluatedResource[],
  edit: (s: GuardrailSettings) => void,
): EvaluatedResource[] {
  const settings = structuredClone(GUARDRAIL_SETTINGS);
  edit(settings);
  return [...rs.filter((r) => !r.type.includes("admissionregistration")), ...blueprintGuardrails(settings)];
}

const platform = { platformGroups: [PLATFORM_GROUP] };
const podSpec = (rs: EvaluatedResource[]) => byName(rs, "api").spec.template.spec;
const container = (rs: EvaluatedResource[]) => podSpec(rs).containers[0];
const args = (rs: EvaluatedResource[], name: "mic" | "nmi") =>
  byName(rs, name).spec.template.spec.containers[0].args as string[];
const replaceArg = (rs: EvaluatedResource[], name: "mic" | "nmi", prefix: string, value?: string) => {
  const list = args(rs, name);
  const i = list.findIndex((a) => a.startsWith(prefix));
  if (value === undefined) list.splice(i, 1);
  else list[i] = value;
};

describePolicy({
  policy: "k8s-namespace-pod-security",
  fixture: world,
  mutations: [
    {
      name: "team namespace without PSA labels",
      mutate: (rs) =>
        void (byName(rs, "ns-payments").metadata.labels = { "aks-hardening.io/team": "payments" }),
      expect: /has no pod-security.kubernetes.io\/enforce label/,
    },
    {
      name: "team namespace at baseline",
      mutate: (rs) =>
        void (byName(rs, "ns-payments").metadata.labels["pod-security.kubernetes.io/enforce"] = "baseline"),
      expect: /enforces PSA "baseline"/,
    },
    {
      name: "a non-exempt namespace declared privileged",
      mutate: (rs) =>
        void (byName(rs, "ns-catalog").metadata.labels["pod-security.kubernetes.io/enforce"] = "privileged"),
      expect: /"catalog" enforces PSA "privileged"/,
    },
    {
      name: "a team namespace pinned to an old Pod Security version",
      mutate: (rs) =>
        void (byName(rs, "ns-payments").metadata.labels["pod-security.kubernetes.io/enforce-version"] =
          "v1.22"),
      expect: /"payments" pins Pod Security to v1.22, older than v1.30/,
    },
    {
      name: "identity namespace no longer exempt by config",
      mutate: () => undefined,
      settings: { exemptNamespaces: {} },
      expect: /"aad-pod-identity" enforces PSA "privileged"/,
    },
  ],
  unknown: {
    name: "a namespace's labels, beside a baseline namespace",
    mutate: (rs) => {
      byName(rs, "ns-payments").metadata.labels = UNKNOWN;
      byName(rs, "ns-catalog").metadata.labels["pod-security.kubernetes.io/enforce"] = "baseline";
    },
    stillReports: /"catalog" enforces PSA "baseline"/,
  },
});

describePolicy({
  policy: "k8s-workload-pod-security",
  fixture: world,
  mutations: [
    {
      name: "privileged container",
      mutate: (rs) => void (container(rs).securityContext.privileged = true),
      expect:
        /violates PodSecurity "restricted:v1\.33": privileged at spec\.template\.spec\.containers\[0\]\.securityContext\.privileged/,
    },
    {
      name: "hostNetwork",
      mutate: (rs) => void (podSpec(rs).hostNetwork = true),
      expect: /hostNamespaces at spec\.template\.spec\.hostNetwork: host namespaces \(hostNetwork=true\)/,
    },
    {
      name: "hostPID",
      mutate: (rs) => void (podSpec(rs).hostPID = true),
      expect: /hostNamespaces at spec\.template\.spec\.hostPID/,
    },
    {
      name: "hostIPC",
      mutate: (rs) => void (podSpec(rs).hostIPC = true),
      expect: /hostNamespaces at spec\.template\.spec\.hostIPC/,
    },
    {
      name: "hostPath volume",
      mutate: (rs) =>
        void (podSpec(rs).volumes = [
          { name: "azure-json", hostPath: { path: "/etc/kubernetes/azure.json" } },
        ]),
      expect:
        /restrictedVolumes at spec\.template\.spec\.volumes\[0\]: .*"azure-json" uses restricted volume type hostPath/,
    },
    ...["NET_ADMIN", "NET_RAW", "SYS_ADMIN"].map((cap) => ({
      name: `adds ${cap}`,
      mutate: (rs: EvaluatedResource[]) => void (container(rs).securityContext.capabilities.add = [cap]),
      expect: new RegExp(
        `capabilities_restricted at spec\\.template\\.spec\\.containers\\[0\\]\\.securityContext\\.capabilities\\.add\\[0\\]: .*"${cap}"`,
      ),
    })),
    {
      name: "does not drop ALL",
      mutate: (rs) => void (container(rs).securityContext.capabilities.drop = ["MKNOD"]),
      expect:
        /capabilities_restricted at spec\.template\.spec\.containers\[0\]\.securityContext\.capabilities\.drop/,
    },
    {
      name: "allows privilege escalation (unset)",
      mutate: (rs) => void delete container(rs).securityContext.allowPrivilegeEscalation,
      expect:
        /allowPrivilegeEscalation at spec\.template\.spec\.containers\[0\]\.securityContext\.allowPrivilegeEscalation/,
    },
    {
      name: "runs as user 0",
      mutate: (rs) => void (container(rs).securityContext.runAsUser = 0),
      expect: /runAsUser at spec\.template\.spec\.containers\[0\]\.securityContext\.runAsUser/,
    },
    {
      name: "may run as root",
      mutate: (rs) => void delete podSpec(rs).securityContext.runAsNonRoot,
      expect: /runAsNonRoot at spec\.template\.spec\.containers\[0\]\.securityContext\.runAsNonRoot/,
    },
    {
      name: "insecure init container",
      mutate: (rs) =>
        void (podSpec(rs).initContainers = [
          { name: "init", image: "busybox", securityContext: { privileged: true } },
        ]),
      expect: /privileged at spec\.template\.spec\.initContainers\[0\]\.securityContext\.privileged/,
    },
    {
      name: "a bare Pod",
      mutate: (rs) => [
        ...rs,
        k8s("core/v1", "Pod", "debug", {
          metadata: { namespace: "payments" },
          spec: { hostPID: true, containers: [] },
        }),
      ],
      expect: /Pod debug in namespace payments violates PodSecurity .*hostNamespaces at spec\.hostPID/,
    },
    {
      name: "a CronJob's template",
      mutate: (rs) => [
        ...rs,
        k8s("batch/v1", "CronJob", "report", {
          metadata: { namespace: "payments" },
          spec: {
            schedule: "@daily",
            jobTemplate: { spec: { template: { spec: { hostNetwork: true, containers: [] } } } },
          },
        }),
      ],
      expect: /CronJob report .*hostNamespaces at spec\.jobTemplate\.spec\.template\.spec\.hostNetwork/,
    },
    ...(["StatefulSet", "DaemonSet", "ReplicaSet", "Job"] as const).map((kind) => ({
      name: `a ${kind}'s template`,
      mutate: (rs: EvaluatedResource[]) => [
        ...rs,
        k8s(kind === "Job" ? "batch/v1" : "apps/v1", kind, `x-${kind}`, {
          metadata: { namespace: "payments" },
          spec: { template: { spec: { hostIPC: true, containers: [] } } },
        }),
      ],
      expect: new RegExp(`${kind} x-${kind} .*hostNamespaces at spec\\.template\\.spec\\.hostIPC`),
    })),
    {
      name: "NMI-like pod outside the identity namespace",
      mutate: (rs) => void (byName(rs, "nmi").metadata.namespace = "payments"),
      expect: /DaemonSet nmi in namespace payments .*hostNamespaces at spec\.template\.spec\.hostNetwork/,
    },
    {
      name: "a baseline namespace still refuses host namespaces",
      mutate: (rs) => {
        byName(rs, "ns-payments").metadata.labels["pod-security.kubernetes.io/enforce"] = "baseline";
        podSpec(rs).hostNetwork = true;
      },
      expect: /violates PodSecurity "baseline:v1\.33": hostNamespaces at spec\.template\.spec\.hostNetwork/,
    },
    {
      name: "the version of the namespace's label decides (probe host is refused from v1.34)",
      mutate: (rs) => {
        byName(rs, "ns-payments").metadata.labels["pod-security.kubernetes.io/enforce-version"] = "v1.34";
        container(rs).livenessProbe = { tcpSocket: { host: "169.254.169.254", port: 80 } };
      },
      expect:
        /"restricted:v1\.34": hostProbesAndHostLifecycle at spec\.template\.spec\.containers\[0\]\.livenessProbe/,
    },
    {
      name: "a namespace the stack does not declare is judged at the default level, restricted",
      mutate: (rs) => {
        byName(rs, "api").metadata.namespace = "elsewhere";
        container(rs).securityContext.runAsUser = 0;
      },
      expect: /Deployment api in namespace elsewhere violates PodSecurity "restricted:latest": runAsUser at/,
    },
    {
      name: "... or at the configured default level and version",
      mutate: (rs) => {
        byName(rs, "api").metadata.namespace = "elsewhere";
        podSpec(rs).hostIPC = true;
      },
      settings: { defaultLevel: "baseline", defaultVersion: "v1.31" },
      expect:
        /in namespace elsewhere violates PodSecurity "baseline:v1\.31": hostNamespaces at spec\.template\.spec\.hostIPC/,
    },
    {
      name: "a namespace pinned below the oldest supported version",
      mutate: (rs) =>
        void (byName(rs, "ns-payments").metadata.labels["pod-security.kubernetes.io/enforce-version"] =
          "v1.24"),
      expect: /pins Pod Security to v1\.24, older than the oldest version the blueprint supports \(v1\.30\)/,
    },
    {
      name: "NET_ADMIN on a Windows pod (PSA restricted skips capabilities there; the pack does not)",
      mutate: (rs) => {
        podSpec(rs).os = { name: "windows" };
        container(rs).securityContext.capabilities.add = ["NET_ADMIN"];
      },
      expect:
        /forbiddenCapabilities at spec\.template\.spec\.containers\[0\]\.securityContext\.capabilities\.add\[0\]: adds NET_ADMIN/,
    },
  ],
  unknown: {
    name: "the pod's runAsNonRoot, beside hostNetwork",
    mutate: (rs) => {
      podSpec(rs).securityContext.runAsNonRoot = UNKNOWN;
      podSpec(rs).hostNetwork = true;
    },
    stillReports: /hostNamespaces at spec\.template\.spec\.hostNetwork/,
  },
});

describePolicy({
  policy: "k8s-no-default-namespace",
  fixture: world,
  mutations: [
    {
      name: "workload in default",
      mutate: (rs) => void (byName(rs, "api").metadata.namespace = "default"),
      expect: /Deployment api is placed in "default"/,
    },
    {
      name: "workload without a namespace",
      mutate: (rs) => void delete byName(rs, "api").metadata.namespace,
      expect: /no metadata.namespace/,
    },
    {
      name: "a ConfigMap in default",
      mutate: (rs) => [
        ...rs,
        k8s("core/v1", "ConfigMap", "cfg", { metadata: { namespace: "default" }, data: {} }),
      ],
      expect: /ConfigMap cfg/,
    },
    {
      name: "an identity object in default",
      mutate: (rs) => void (byName(rs, "payments-api").metadata.namespace = "default"),
      expect: /AzureIdentity payments-api is placed in "default"/,
    },
  ],
  unknown: {
    name: "one object's namespace, beside a workload in default",
    mutate: (rs) => {
      byName(rs, "team-dev-role").metadata.namespace = UNKNOWN;
      byName(rs, "api").metadata.namespace = "default";
    },
    stillReports: /Deployment api/,
  },
});

describePolicy({
  policy: "pod-identity-objects-placement",
  fixture: world,
  mutations: [
    {
      name: "AzureIdentity in default",
      mutate: (rs) => void (byName(rs, "payments-api").metadata.namespace = "default"),
      expect: /shared namespace "default"/,
    },
    {
      name: "binding without namespace",
      mutate: (rs) => void delete byName(rs, "payments-api-binding").metadata.namespace,
      expect: /no metadata.namespace/,
    },
    {
      name: "exception in kube-system",
      mutate: (rs) => void (byName(rs, "mic-exception").metadata.namespace = "kube-system"),
      expect: /"kube-system"/,
    },
  ],
  unknown: {
    name: "one identity's namespace, beside a binding in default",
    mutate: (rs) => {
      byName(rs, "payments-api").metadata.namespace = UNKNOWN;
      byName(rs, "payments-api-binding").metadata.namespace = "default";
    },
    stillReports: /AzureIdentityBinding/,
  },
});

describePolicy({
  policy: "pod-identity-azure-identity-type",
  fixture: world,
  mutations: [
    {
      name: "service-principal type 1",
      mutate: (rs) => void (byName(rs, "payments-api").spec.type = 1),
      expect: /spec.type is 1/,
    },
    {
      name: "certificate type 2",
      mutate: (rs) => void (byName(rs, "payments-api").spec.type = 2),
      expect: /spec.type is 2/,
    },
    {
      name: "client password",
      mutate: (rs) =>
        void (byName(rs, "payments-api").spec.clientPassword = { name: "sp", namespace: "payments" }),
      expect: /clientPassword/,
    },
  ],
  unknown: {
    name: "spec.type, beside a client password",
    mutate: (rs) => {
      byName(rs, "payments-api").spec.type = UNKNOWN;
      byName(rs, "payments-api").spec.clientPassword = { name: "sp" };
    },
    stillReports: /clientPassword/,
  },
});

describePolicy({
  policy: "pod-identity-exception-platform-only",
  fixture: world,
  mutations: [
    {
      name: "exception in a team namespace",
      mutate: (rs) => void (byName(rs, "mic-exception").metadata.namespace = "payments"),
      expect: /is in "payments"/,
    },
    {
      name: "exception without namespace",
      mutate: (rs) => void delete byName(rs, "mic-exception").metadata.namespace,
      expect: /is in "default"/,
    },
    {
      name: "identity namespace moved by config",
      mutate: () => undefined,
      settings: { identityNamespace: "platform-identity" },
      expect: /only "platform-identity"/,
    },
  ],
  unknown: {
    name: "the exception's namespace",
    mutate: (rs) => void (byName(rs, "mic-exception").metadata.namespace = UNKNOWN),
  },
});

describePolicy({
  policy: "pod-identity-no-assigned-identity-objects",
  fixture: world,
  mutations: [
    {
      name: "a declared AzureAssignedIdentity",
      mutate: (rs) => [
        ...rs,
        k8s("aadpodidentity.k8s.io/v1", "AzureAssignedIdentity", "forged", {
          metadata: { namespace: "payments" },
        }),
      ],
      expect: /only MIC may create/,
    },
  ],
  unknown: {
    // The policy reads no field: the object's presence is the violation, whatever is unknown in it.
    name: "every field of a declared AzureAssignedIdentity",
    mutate: (rs) => [
      ...rs,
      k8s("aadpodidentity.k8s.io/v1", "AzureAssignedIdentity", "forged", {
        metadata: UNKNOWN,
        spec: UNKNOWN,
      }),
    ],
    stillReports: /only MIC may create/,
    deferred: false,
  },
});

describePolicy({
  policy: "pod-identity-components-hardened",
  fixture: world,
  mutations: [
    {
      name: "NMI keeping the runtime's default capabilities",
      mutate: (rs) =>
        void (byName(rs, "nmi").spec.template.spec.containers[0].securityContext.capabilities.drop = []),
      expect: /NMI must drop ALL capabilities/,
    },
    {
      name: "NMI with a writable kubelet configuration",
      mutate: (rs) => void delete byName(rs, "nmi").spec.template.spec.containers[0].volumeMounts[0].readOnly,
      expect: /NMI mounts \/etc\/default\/kubelet writable/,
    },
    {
      name: "NMI not tolerating the team pools",
      mutate: (rs) => void byName(rs, "nmi").spec.template.spec.tolerations.pop(),
      expect: /NMI does not tolerate aks-hardening.io\/team-pool/,
    },
    {
      name: "NMI on Windows nodes only",
      mutate: (rs) =>
        void (byName(rs, "nmi").spec.template.spec.nodeSelector = { "kubernetes.io/os": "windows" }),
      expect: /leaves Linux nodes without NMI/,
    },
    {
      name: "a look-alike MIC image as an init container beside the real MIC",
      mutate: (rs) =>
        void (byName(rs, "mic").spec.template.spec.initContainers = [
          {
            name: "x",
            image: "docker.io/attacker/aad-pod-identity/mic:v1.8.17",
            command: ["sh", "-c", "cat /var/run/secrets/*"],
          },
        ]),
      expect: /image docker.io\/attacker\/aad-pod-identity\/mic:v1.8.17 is not from/,
    },
    {
      name: "NMI privileged",
      mutate: (rs) =>
        void (byName(rs, "nmi").spec.template.spec.containers[0].securityContext.privileged = true),
      expect: /NMI runs privileged/,
    },
    {
      name: "NMI with an extra capability",
      mutate: (rs) =>
        void byName(rs, "nmi").spec.template.spec.containers[0].securityContext.capabilities.add.push(
          "SYS_ADMIN",
        ),
      expect: /NMI adds capabilities SYS_ADMIN \(allowed: DAC_READ_SEARCH, NET_ADMIN, NET_RAW\)/,
    },
    {
      name: "NMI off the host network",
      mutate: (rs) => void delete byName(rs, "nmi").spec.template.spec.hostNetwork,
      expect: /NMI must run on the host network/,
    },
    {
      name: "NMI mounting another host path",
      mutate: (rs) =>
        void byName(rs, "nmi").spec.template.spec.volumes.push({
          name: "etc",
          hostPath: { path: "/etc/kubernetes" },
        }),
      expect: /NMI mounts hostPath "\/etc\/kubernetes"/,
    },
    {
      name: "MIC able to escalate, on the host network, as root, writing its root filesystem",
      mutate: (rs) => {
        const spec = byName(rs, "mic").spec.template.spec;
        spec.hostNetwork = true;
        spec.containers[0].securityContext = {};
      },
      expect: /MIC must set allowPrivilegeEscalation: false/,
    },
    {
      name: "MIC as root",
      mutate: (rs) =>
        void (byName(rs, "mic").spec.template.spec.containers[0].securityContext.runAsNonRoot = false),
      expect: /MIC must run as non-root/,
    },
    {
      name: "MIC on the host network",
      mutate: (rs) => void (byName(rs, "mic").spec.template.spec.hostNetwork = true),
      expect: /MIC runs on the host network/,
    },
    {
      name: "a look-alike image the pack would not recognise",
      mutate: (rs) =>
        void (byName(rs, "nmi").spec.template.spec.containers[0].image = "docker.io/attacker/nmi:v1.8.17"),
      expect: /runs image docker.io\/attacker\/nmi:v1.8.17 in the identity namespace/,
    },
    {
      name: "a sidecar beside MIC in the identity namespace",
      mutate: (rs) =>
        void (byName(rs, "mic").spec.template.spec.initContainers = [{ name: "x", image: "busybox:1.36" }]),
      expect: /runs image busybox:1.36 in the identity namespace/,
    },
    {
      name: "NMI not namespaced",
      mutate: (rs) => replaceArg(rs, "nmi", "--forceNamespaced"),
      expect: /NMI does not run in namespaced mode/,
    },
    {
      name: "MIC not namespaced (flag and env removed)",
      mutate: (rs) => {
        replaceArg(rs, "mic", "--forceNamespaced");
        byName(rs, "mic").spec.template.spec.containers[0].env = [];
      },
      expect: /MIC does not run in namespaced mode/,
    },
    {
      name: "--MICNamespace missing",
      mutate: (rs) => replaceArg(rs, "nmi", "--MICNamespace"),
      expect: /--MICNamespace is "default \(unset\)"/,
    },
    {
      name: "--MICNamespace=default",
      mutate: (rs) => replaceArg(rs, "nmi", "--MICNamespace", "--MICNamespace=default"),
      expect: /--MICNamespace is "default"/,
    },
    {
      name: "kubenet override",
      mutate: (rs) =>
        replaceArg(rs, "nmi", "--allow-network-plugin-kubenet", "--allow-network-plugin-kubenet=true"),
      expect: /allow-network-plugin-kubenet=true/,
    },
    {
      name: "MIC leader election in default",
      mutate: (rs) => replaceArg(rs, "mic", "--leader-election-namespace"),
      expect: /--leader-election-namespace is "default \(unset\)"/,
    },
    {
      name: "MIC reads azure.json",
      mutate: (rs) => void args(rs, "mic").push("--cloudconfig=/etc/kubernetes/azure.json"),
      expect: /--cloudconfig/,
    },
    {
      name: "MIC mounts a hostPath",
      mutate: (rs) =>
        void (byName(rs, "mic").spec.template.spec.volumes = [
          { name: "cfg", hostPath: { path: "/etc/kubernetes/azure.json" } },
        ]),
      expect: /MIC mounts hostPath/,
    },
    {
      name: "image older than v1.8.13",
      mutate: (rs) =>
        void (byName(rs, "nmi").spec.template.spec.containers[0].image =
          "mcr.microsoft.com/oss/azure/aad-pod-identity/nmi:v1.8.12"),
      expect: /older than v1.8.13/,
    },
    {
      name: "image from another registry",
      mutate: (rs) =>
        void (byName(rs, "mic").spec.template.spec.containers[0].image =
          "docker.io/evil/aad-pod-identity/mic:v1.8.17"),
      expect: /is not from/,
    },
    {
      name: "image without a version tag",
      mutate: (rs) =>
        void (byName(rs, "mic").spec.template.spec.containers[0].image =
          "mcr.microsoft.com/oss/azure/aad-pod-identity/mic@sha256:abc"),
      expect: /no version tag/,
    },
    {
      name: "MIC outside the identity namespace",
      mutate: (rs) => void (byName(rs, "mic").metadata.namespace = "default"),
      expect: /must run in "aad-pod-identity"/,
    },
  ],
  unknown: {
    name: "one MIC argument (an output), beside --cloudconfig",
    mutate: (rs) => void args(rs, "mic").push(UNKNOWN, "--cloudconfig=/etc/kubernetes/azure.json"),
    stillReports: /--cloudconfig/,
  },
});

describePolicy({
  policy: "pod-identity-deprecated",
  fixture: () =>
    world().filter((r) => !r.type.includes("aadpodidentity") && !["mic", "nmi"].includes(r.name)),
  mutations: [
    {
      name: "an AzureIdentity",
      mutate: () => world(),
      expect: /AzureIdentity payments-api uses deprecated aad-pod-identity/,
    },
    {
      name: "an NMI DaemonSet",
      mutate: (rs) => [...rs, k8s("apps/v1", "DaemonSet", "nmi", nmi())],
      expect: /DaemonSet nmi runs deprecated/,
    },
  ],
  unknown: {
    name: "a workload's containers",
    mutate: (rs) => void (byName(rs, "api").spec.template.spec.containers = UNKNOWN),
  },
});

describePolicy({
  policy: "k8s-rbac-privileged-bindings",
  fixture: world,
  settings: platform,
  mutations: [
    {
      name: "cluster-admin to a team group",
      mutate: (rs) => void byName(rs, "platform-admins").subjects.push(group(TEAM_GROUP)),
      expect: /cluster-admin to non-platform subject Group 5754ec6f/,
    },
    {
      name: "cluster-admin to a team service account through a RoleBinding",
      mutate: (rs) => {
        const binding = byName(rs, "team-dev-binding");
        binding.roleRef = {
          apiGroup: "rbac.authorization.k8s.io",
          kind: "ClusterRole",
          name: "cluster-admin",
        };
        binding.subjects.push({ kind: "ServiceAccount", name: "api", namespace: "payments" });
      },
      expect: /non-platform subject ServiceAccount api \(payments\)/,
    },
    {
      name: "anything bound to system:authenticated",
      mutate: (rs) => void byName(rs, "team-dev-binding").subjects.push(group("system:authenticated")),
      expect: /stands for every caller/,
    },
    {
      name: "without the platform group configured",
      mutate: () => undefined,
      settings: {},
      expect: /non-platform subject Group 30ad0ca3/,
    },
  ],
  unknown: {
    name: "one subject, beside system:unauthenticated",
    mutate: (rs) =>
      void (byName(rs, "team-dev-binding").subjects = [UNKNOWN, group("system:unauthenticated")]),
    stillReports: /stands for every caller/,
  },
});

describePolicy({
  policy: "k8s-rbac-role-least-privilege",
  fixture: world,
  mutations: [
    {
      name: "wildcard verbs",
      mutate: (rs) => void (byName(rs, "team-dev-role").rules[0].verbs = ["*"]),
      expect: /"\*" in verbs/,
    },
    {
      name: "wildcard resources",
      mutate: (rs) => void (byName(rs, "mic-role").rules[0].resources = ["*"]),
      expect: /"\*" in resources/,
    },
    {
      name: "wildcard apiGroups",
      mutate: (rs) => void (byName(rs, "team-dev-role").rules[0].apiGroups = ["*"]),
      expect: /"\*" in apiGroups/,
    },
    {
      name: "escalation verbs",
      mutate: (rs) =>
        void byName(rs, "team-dev-role").rules.push({
          apiGroups: [""],
          resources: ["users"],
          verbs: ["impersonate"],
        }),
      expect: /grants impersonate/,
    },
  ],
  unknown: {
    name: "one rule's verbs, beside a wildcard resource",
    mutate: (rs) => {
      byName(rs, "team-dev-role").rules[0].verbs = UNKNOWN;
      byName(rs, "team-dev-role").rules[1].resources = ["*"];
    },
    stillReports: /"\*" in resources/,
  },
});

describePolicy({
  policy: "k8s-rbac-identity-protection",
  fixture: world,
  settings: platform,
  mutations: [
    {
      name: "team role writes identity objects",
      mutate: (rs) => void byName(rs, "team-dev-role").rules[2].verbs.push("create"),
      expect: /write on aadpodidentity.k8s.io/,
    },
    {
      name: "team role with escalation verbs",
      mutate: (rs) =>
        void byName(rs, "team-dev-role").rules.push({
          apiGroups: ["rbac.authorization.k8s.io"],
          resources: ["roles"],
          verbs: ["escalate", "bind"],
        }),
      expect: /escalation verbs escalate, bind/,
    },
    {
      name: "team role with wildcards",
      mutate: (rs) => void (byName(rs, "team-dev-role").rules[0].resources = ["*"]),
      expect: /wildcards/,
    },
    {
      name: "exec into the identity namespace",
      mutate: (rs) => {
        byName(rs, "team-dev-role").metadata.namespace = "aad-pod-identity";
        byName(rs, "team-dev-binding").metadata.namespace = "aad-pod-identity";
      },
      expect: /exec\/attach\/port-forward in the identity namespace/,
    },
    {
      name: "built-in edit bound in the identity namespace",
      mutate: (rs) => {
        const binding = byName(rs, "team-dev-binding");
        binding.metadata.namespace = "aad-pod-identity";
        binding.roleRef = { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "edit" };
      },
      expect: /read secrets in the identity namespace/,
    },
    {
      name: "MIC's role bound to a team group",
      mutate: (rs) => void byName(rs, "mic-binding").subjects.push(group(TEAM_GROUP)),
      expect: /ClusterRole aad-pod-identity-mic, which grants write on aadpodidentity/,
    },
    {
      name: "identity-object writes aggregated into edit",
      mutate: (rs) =>
        void (byName(rs, "mic-role").metadata = {
          name: "aad-pod-identity-mic",
          labels: { "rbac.authorization.k8s.io/aggregate-to-edit": "true" },
        }),
      expect: /aggregates into admin\/edit\/view/,
    },
  ],
  unknown: {
    name: "one rule's verbs, beside an escalation rule",
    mutate: (rs) => {
      byName(rs, "team-dev-role").rules[0].verbs = UNKNOWN;
      byName(rs, "team-dev-role").rules.push({
        apiGroups: [""],
        resources: ["users"],
        verbs: ["impersonate"],
      });
    },
    stillReports: /escalation verbs impersonate/,
  },
});

const vap = (rs: EvaluatedResource[], name: string) => byName(rs, `vap-${name}`);
const binding = (rs: EvaluatedResource[], name: string) => byName(rs, `binding-${name}`);
const LABEL = POD_IDENTITY_LABEL_POLICY;

describePolicy({
  policy: "k8s-admission-policies-present",
  fixture: world,
  mutations: [
    {
      name: "no admission policies",
      mutate: (rs) => rs.filter((r) => !r.type.includes("admissionregistration")),
      expect: new RegExp(`Required admission policy ${GUARDRAIL_POLICY_NAMES[0]} is missing`),
    },
    {
      name: "one blueprint policy left out",
      mutate: (rs) => rs.filter((r) => !r.name.endsWith(POD_BINDING_POLICY)),
      expect: new RegExp(`Required admission policy ${POD_BINDING_POLICY} is missing`),
    },
    {
      name: "policy without binding",
      mutate: (rs) => rs.filter((r) => r.name !== `binding-${LABEL}`),
      expect: /has no binding with validationActions Deny/,
    },
    {
      name: "binding that only warns",
      mutate: (rs) => void (binding(rs, LABEL).spec.validationActions = ["Warn"]),
      expect: /has no binding/,
    },
    {
      name: "binding narrowed by matchResources",
      mutate: (rs) =>
        void (binding(rs, LABEL).spec.matchResources = {
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "nowhere" } },
        }),
      expect: new RegExp(`${LABEL} has no binding .* applies to the whole cluster`),
    },
    {
      name: "binding parametrised by paramRef",
      mutate: (rs) =>
        void (binding(rs, LABEL).spec.paramRef = { name: "x", parameterNotFoundAction: "Allow" }),
      expect: /applies to the whole cluster/,
    },
    {
      name: "a policy that fails open",
      mutate: (rs) => void (vap(rs, LABEL).spec.failurePolicy = "Ignore"),
      expect: /failurePolicy "Ignore"; it must be Fail/,
    },
    {
      name: "a validation that admits everything",
      mutate: (rs) => void (vap(rs, LABEL).spec.validations[0].expression = "true"),
      expect: new RegExp(`${LABEL}: spec.validations\\[0\\].expression is "true", but the blueprint builds`),
    },
    {
      name: "a validation removed",
      mutate: (rs) => void vap(rs, LABEL).spec.validations.pop(),
      expect: /spec.validations is \[/,
    },
    {
      name: "UPDATE no longer matched",
      mutate: (rs) => void (vap(rs, LABEL).spec.matchConstraints.resourceRules[0].operations = ["CREATE"]),
      expect: /spec.matchConstraints.resourceRules\[0\].operations is \["CREATE"\]/,
    },
    {
      name: "a matchCondition that exempts a label",
      mutate: (rs) =>
        void (vap(rs, LABEL).spec.matchConditions = [
          { name: "skip", expression: "!('skip' in object.metadata.labels)" },
        ]),
      expect: /spec.matchConditions is \[/,
    },
    {
      name: "the identity namespace's selector pointed elsewhere",
      mutate: (rs) =>
        void (vap(
          rs,
          IDENTITY_NAMESPACE_WORKLOADS_POLICY,
        ).spec.matchConstraints.namespaceSelector.matchLabels["kubernetes.io/metadata.name"] = "elsewhere"),
      expect: /namespaceSelector.matchLabels.kubernetes.io\/metadata.name is "elsewhere"/,
    },
    {
      name: "a policy without its recorded settings",
      mutate: (rs) => void delete vap(rs, LABEL).metadata.annotations[GUARDRAIL_SETTINGS_ANNOTATION],
      expect: /has no aks-hardening.io\/guardrail-settings annotation/,
    },
    {
      name: "recorded settings that are not JSON",
      mutate: (rs) => void (vap(rs, LABEL).metadata.annotations[GUARDRAIL_SETTINGS_ANNOTATION] = "{platform"),
      expect: /annotation aks-hardening.io\/guardrail-settings is not JSON/,
    },
    {
      name: "recorded settings without the platform users",
      mutate: (rs) =>
        void (vap(rs, LABEL).metadata.annotations[GUARDRAIL_SETTINGS_ANNOTATION] = JSON.stringify({
          ...GUARDRAIL_SETTINGS,
          platformUsers: undefined,
        })),
      expect: /platformUsers must be a list of strings/,
    },
    {
      name: "one policy built from other settings",
      mutate: (rs) => {
        const other = { ...GUARDRAIL_SETTINGS, platformUsers: ["someone@example.com"] };
        const rebuilt = guardrailPolicies(other).find((d) => d.name === LABEL)!;
        vap(rs, LABEL).metadata.annotations[GUARDRAIL_SETTINGS_ANNOTATION] = recordGuardrailSettings(other);
        vap(rs, LABEL).spec = structuredClone(rebuilt.spec);
      },
      expect: /records other settings than/,
    },
    {
      name: "anonymous callers made platform",
      mutate: (rs) => withGuardrailSettings(rs, (s) => s.platformUsers.push("system:anonymous")),
      expect: /recorded setting platformUsers\[1\] "system:anonymous" is every unauthenticated caller/,
    },
    {
      name: "a service account made platform",
      mutate: (rs) =>
        withGuardrailSettings(rs, (s) => s.platformUsers.push("system:serviceaccount:payments:api")),
      expect: /platformUsers\[1\] "system:serviceaccount:payments:api" is a service account/,
    },
    {
      name: "every authenticated caller made platform",
      mutate: (rs) => withGuardrailSettings(rs, (s) => s.platformGroupIds.push("system:authenticated")),
      expect: /platformGroupIds\[1\] "system:authenticated" is not an Entra group object ID/,
    },
    {
      name: "a team namespace allowed privileged pods",
      mutate: (rs) => withGuardrailSettings(rs, (s) => s.privilegedNamespaces.push("payments")),
      expect: /privilegedNamespaces\[2\] "payments" is a team namespace/,
    },
    {
      name: "an attacker's image pinned in the identity namespace",
      mutate: (rs) => withGuardrailSettings(rs, (s) => s.pinnedImages.push("docker.io/attacker/nmi:v1.8.17")),
      expect: /pinnedImages\[2\] "docker.io\/attacker\/nmi:v1.8.17" is not MIC or NMI/,
    },
    {
      name: "a team account allowed in the identity namespace",
      mutate: (rs) => withGuardrailSettings(rs, (s) => s.identityServiceAccounts.push("api")),
      expect: /identityServiceAccounts\[2\] "api" is not mic or nmi/,
    },
    {
      name: "NMI allowed to write identity objects",
      mutate: (rs) => withGuardrailSettings(rs, (s) => s.identityWriterServiceAccounts.push("nmi")),
      expect: /identityWriterServiceAccounts\[1\] "nmi" is not mic/,
    },
    {
      name: "guardrails built for another identity namespace",
      mutate: (rs) => withGuardrailSettings(rs, (s) => (s.identityNamespace = "elsewhere")),
      expect: /identityNamespace "elsewhere" is not the identity namespace "aad-pod-identity"/,
    },
    {
      name: "a required policy of your own missing",
      mutate: () => undefined,
      settings: { requiredPolicies: ["aks-hardening-org-extra"] },
      expect: /aks-hardening-org-extra is missing/,
    },
  ],
  unknown: {
    name: "a binding's validationActions",
    mutate: (rs) => {
      binding(rs, LABEL).spec.validationActions = UNKNOWN;
      vap(rs, POD_BINDING_POLICY).spec.validations[0].expression = "true";
    },
    stillReports: new RegExp(`${POD_BINDING_POLICY}: spec.validations\\[0\\].expression is "true"`),
  },
});

describe("k8s-admission-policies-present beside the blueprint's bindings", () => {
  it("accepts a Warn binding or a narrower binding added beside the Deny one (bindings add up)", async () => {
    const rs = world();
    rs.push(
      k8s("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicyBinding", "extra-warn", {
        metadata: { name: "extra-warn" },
        spec: {
          policyName: LABEL,
          validationActions: ["Warn"],
          matchResources: { namespaceSelector: { matchLabels: { a: "b" } } },
        },
      }),
    );
    expect(await run("k8s-admission-policies-present", rs)).toEqual([]);
  });

  it("accepts the API server's defaults written out, as the provider's server-side preview shows them", async () => {
    const rs = world();
    for (const r of rs.filter((x) => x.type.endsWith(":ValidatingAdmissionPolicy"))) {
      const match = (r.props as Props).spec.matchConstraints;
      match.matchPolicy = "Equivalent";
      match.namespaceSelector ??= {};
      match.objectSelector = {};
      for (const rule of match.resourceRules) rule.scope ??= "*";
    }
    binding(rs, LABEL).spec.matchResources = {
      matchPolicy: "Equivalent",
      namespaceSelector: {},
      objectSelector: {},
    };
    expect(await run("k8s-admission-policies-present", rs)).toEqual([]);
    vap(rs, LABEL).spec.matchConstraints.resourceRules[0].scope = "Cluster";
    expect((await run("k8s-admission-policies-present", rs)).map((v) => v.message)).toEqual([
      expect.stringMatching(/resourceRules\[0\].scope is "Cluster"/),
    ]);
  });

  it("judges nothing in a stack without team namespaces (a team's own stack)", async () => {
    const rs = world().filter((r) => !(r.type === "kubernetes:core/v1:Namespace"));
    expect(
      await run(
        "k8s-admission-policies-present",
        rs.filter((r) => !r.type.includes("admission")),
      ),
    ).toEqual([]);
  });
});

describePolicy({
  policy: "pod-identity-selectors-namespaced",
  fixture: world,
  mutations: [
    {
      name: "selector without namespace prefix",
      mutate: (rs) => void (byName(rs, "payments-api-binding").spec.selector = "payments-api"),
      expect: /does not start with "payments."/,
    },
    {
      name: "selector used in two namespaces",
      mutate: (rs) => [
        ...rs,
        k8s("aadpodidentity.k8s.io/v1", "AzureIdentityBinding", "catalog-steal", {
          metadata: { name: "steal", namespace: "catalog" },
          spec: { azureIdentity: "x", selector: "payments.payments-api" },
        }),
      ],
      expect: /used in namespaces catalog, payments/,
    },
    {
      name: "pod label of another namespace (S1)",
      mutate: (rs) => void (byName(rs, "api").metadata.namespace = "catalog"),
      expect: /pod label aadpodidbinding="payments.payments-api" does not start with "catalog."/,
    },
  ],
  unknown: {
    name: "one binding's selector, beside a foreign pod label",
    mutate: (rs) => {
      byName(rs, "payments-api-binding").spec.selector = UNKNOWN;
      byName(rs, "api").metadata.namespace = "catalog";
    },
    stillReports: /does not start with "catalog."/,
  },
});

describePolicy({
  policy: "pod-identity-binding-target-in-namespace",
  fixture: world,
  mutations: [
    {
      name: "binding to another namespace's identity (S2)",
      mutate: (rs) => void (byName(rs, "payments-api-binding").metadata.namespace = "catalog"),
      expect: /points at AzureIdentity payments-api of namespace\(s\) payments/,
    },
    {
      name: "binding to an identity this stack does not declare",
      mutate: (rs) => void (byName(rs, "payments-api-binding").spec.azureIdentity = "someone-elses"),
      expect: /which this stack does not declare/,
    },
    {
      name: "binding without azureIdentity",
      mutate: (rs) => void delete byName(rs, "payments-api-binding").spec.azureIdentity,
      expect: /names no spec.azureIdentity/,
    },
  ],
  unknown: {
    name: "the binding's target",
    mutate: (rs) => void (byName(rs, "payments-api-binding").spec.azureIdentity = UNKNOWN),
  },
});

describePolicy({
  policy: "pod-identity-resource-in-team-group",
  fixture: world,
  mutations: [
    {
      name: "another team's managed identity (S3)",
      mutate: (rs) => void (byName(rs, "payments-api").spec.resourceID = `${CATALOG_RG}${IDS}catalog-reader`),
      expect: /outside the team's resource group \(it belongs to team catalog\)/,
    },
    {
      name: "a resource group prefix trick",
      mutate: (rs) => void (byName(rs, "payments-api").spec.resourceID = `${PAYMENTS_RG}-evil${IDS}x`),
      expect: /outside the team's resource group/,
    },
    {
      name: "an identity in a non-team namespace",
      mutate: (rs) => void (byName(rs, "payments-api").metadata.namespace = "aad-pod-identity"),
      expect: /not a team namespace/,
    },
    {
      name: "team namespace without its resource group annotation",
      mutate: (rs) => void delete byName(rs, "ns-payments").metadata.annotations,
      expect: /has no aks-hardening.io\/azure-resource-group-id annotation/,
    },
  ],
  unknown: {
    name: "the identity's resourceID (an output at preview)",
    mutate: (rs) => void (byName(rs, "payments-api").spec.resourceID = UNKNOWN),
  },
});

describePolicy({
  policy: "team-namespace-default-deny",
  fixture: world,
  mutations: [
    {
      name: "no network policy",
      mutate: (rs) => rs.filter((r) => r.name !== "deny-catalog"),
      expect: /catalog has no default-deny NetworkPolicy for Ingress and Egress/,
    },
    {
      name: "ingress only",
      mutate: (rs) => void (byName(rs, "deny-payments").spec.policyTypes = ["Ingress"]),
      expect: /payments .* for Egress/,
    },
    {
      name: "allow-all egress rule",
      mutate: (rs) => void (byName(rs, "deny-payments").spec.egress = [{}]),
      expect: /payments .* for Egress/,
    },
    {
      name: "an allow-all egress policy beside the default deny",
      mutate: (rs) => [
        ...rs,
        k8s("networking.k8s.io/v1", "NetworkPolicy", "open", {
          metadata: { name: "open", namespace: "payments" },
          spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{}] },
        }),
      ],
      expect: /NetworkPolicy open in team namespace payments: egress\[0\] allows all traffic/,
    },
    {
      name: "an ingress rule from 0.0.0.0/0 on every port",
      mutate: (rs) => [
        ...rs,
        k8s("networking.k8s.io/v1", "NetworkPolicy", "open", {
          metadata: { name: "open", namespace: "catalog" },
          spec: { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }] },
        }),
      ],
      expect: /catalog: ingress\[0\] allows all traffic/,
    },
    {
      name: "an egress rule whose ports all lack a port number",
      mutate: (rs) => [
        ...rs,
        k8s("networking.k8s.io/v1", "NetworkPolicy", "open", {
          metadata: { name: "open", namespace: "payments" },
          spec: {
            podSelector: {},
            policyTypes: ["Egress"],
            egress: [{ ports: [{ protocol: "TCP" }, { protocol: "UDP" }] }],
          },
        }),
      ],
      expect: /payments: egress\[0\] allows all traffic/,
    },
    {
      name: "selects only some pods",
      mutate: (rs) => void (byName(rs, "deny-payments").spec.podSelector = { matchLabels: { app: "api" } }),
      expect: /payments has no default-deny/,
    },
    {
      name: "one egress rule to both halves of the internet",
      mutate: (rs) => [...rs, egressTo("halves", "payments", ["0.0.0.0/1", "128.0.0.0/1"])],
      expect:
        /rules halves egress\[0\] in team namespace payments together allow egress .* every IPv4 address/,
    },
    {
      name: "quarters of the internet in two policies, host bits set in one block",
      mutate: (rs) => [
        ...rs,
        egressTo("low", "payments", ["0.0.0.0/2", "64.0.0.1/2"]),
        egressTo("high", "payments", ["128.0.0.0/1"]),
      ],
      expect: /rules low egress\[0\], high egress\[0\] in team namespace payments together allow egress/,
    },
  ],
  unknown: {
    name: "one policy's podSelector, beside a namespace without policy",
    mutate: (rs) => {
      byName(rs, "deny-payments").spec.podSelector = UNKNOWN;
    },
    stillReports: /payments has no default-deny/,
  },
});

/**
 * An egress-only policy whose rules each reach `blocks` (one rule per list); `webPort` adds a rule to
 * 128.0.0.0/1 on that port only.
 */
function egressTo(
  name: string,
  namespace: string,
  ...rules: (string[] | number | undefined)[]
): EvaluatedResource {
  const blockRules = rules.filter((r): r is string[] => Array.isArray(r) && r.length > 0);
  const port = rules.find((r): r is number => typeof r === "number");
  const egress = [
    ...blockRules.map((cidrs) => ({ to: cidrs.map((cidr) => ({ ipBlock: { cidr } })) })),
    ...(port ? [{ to: [{ ipBlock: { cidr: "128.0.0.0/1" } }], ports: [{ protocol: "TCP", port }] }] : []),
  ];
  return k8s("networking.k8s.io/v1", "NetworkPolicy", name, {
    metadata: { name, namespace },
    spec: { podSelector: {}, policyTypes: ["Egress"], egress },
  });
}

/** The world plus a catalog ServiceAccount on workload identity, so both modes are present. */
function bothModes(): EvaluatedResource[] {
  return [
    ...world(),
    k8s("core/v1", "ServiceAccount", "catalog-api-sa", {
      metadata: {
        name: "catalog-api",
        namespace: "catalog",
        annotations: { "azure.workload.identity/client-id": "c2" },
      },
    }),
  ];
}

const catalogIdentity = (clientID: string) =>
  k8s("aadpodidentity.k8s.io/v1", "AzureIdentity", "catalog-api", {
    metadata: { name: "catalog-api", namespace: "catalog" },
    spec: { type: 0, resourceID: `${CATALOG_RG}${IDS}catalog-api`, clientID },
  });

describePolicy({
  policy: "identity-client-id-consistency",
  fixture: bothModes,
  mutations: [
    {
      name: "workload identity: a ServiceAccount annotated with another team's client ID",
      mutate: (rs) =>
        void (byName(rs, "catalog-api-sa").metadata.annotations["azure.workload.identity/client-id"] = "C1"),
      expect:
        /ServiceAccount catalog-api-sa: client ID c1 is also used by AzureIdentity payments-api in namespace payments \(team payments\)/,
    },
    {
      name: "pod identity: an AzureIdentity with another team's client ID (and its own team's resourceID)",
      mutate: (rs) => [...rs, catalogIdentity("c1")],
      expect:
        /AzureIdentity catalog-api: clientID c1 is given resourceID .*catalog-api here and .*payments-api by AzureIdentity payments-api/,
    },
    {
      name: "the same cross-team client ID, reported as a team boundary crossing",
      mutate: (rs) => [...rs, catalogIdentity("c1")],
      expect:
        /AzureIdentity catalog-api: client ID c1 is also used by AzureIdentity payments-api .*team catalog could obtain/,
    },
    {
      name: "one managed identity given two client IDs",
      mutate: (rs) => [
        ...rs,
        k8s("aadpodidentity.k8s.io/v1", "AzureIdentity", "payments-api-2", {
          metadata: { name: "payments-api-2", namespace: "payments" },
          spec: { type: 0, resourceID: `${PAYMENTS_RG}${IDS}payments-api`, clientID: "c3" },
        }),
      ],
      expect: /AzureIdentity payments-api-2: resourceID .*payments-api is given clientID c3 here and c1/,
    },
  ],
  unknown: {
    name: "an AzureIdentity's clientID (an output of the managed identity)",
    mutate: (rs) => {
      byName(rs, "payments-api").spec.clientID = UNKNOWN;
      byName(rs, "catalog-api-sa").metadata.annotations["azure.workload.identity/client-id"] = "c1";
    },
  },
});

const micRoleOnly = { platformRoles: ["aad-pod-identity-mic"] };

describePolicy({
  policy: "k8s-rbac-identity-roles-platform-only",
  fixture: world,
  settings: micRoleOnly,
  mutations: [
    {
      name: "an unbound ClusterRole that writes AzureIdentities (bindable from outside the stack)",
      mutate: (rs) => [
        ...rs,
        k8s(rbac, "ClusterRole", "identity-writer", {
          metadata: { name: "identity-writer" },
          rules: [
            { apiGroups: ["aadpodidentity.k8s.io"], resources: ["azureidentities"], verbs: ["update"] },
          ],
        }),
      ],
      expect: /ClusterRole "identity-writer" grants write on aadpodidentity\.k8s\.io \(identity objects\)/,
    },
    {
      name: "an unbound Role in the identity namespace that execs into its pods",
      mutate: (rs) => [
        ...rs,
        k8s(rbac, "Role", "debug", {
          metadata: { name: "debug", namespace: "aad-pod-identity" },
          rules: [{ apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] }],
        }),
      ],
      expect: /Role "debug" grants exec\/attach\/port-forward in the identity namespace/,
    },
    {
      name: "MIC's own role, once it is no longer listed as the platform's",
      mutate: () => undefined,
      settings: { platformRoles: [] },
      expect: /ClusterRole "aad-pod-identity-mic" grants write on aadpodidentity\.k8s\.io/,
    },
  ],
  unknown: {
    name: "a team Role's verbs, beside an identity-writing ClusterRole",
    mutate: (rs) => {
      byName(rs, "team-dev-role").rules[0].verbs = UNKNOWN;
      return [
        ...rs,
        k8s(rbac, "ClusterRole", "identity-writer", {
          metadata: { name: "identity-writer" },
          rules: [{ apiGroups: ["aadpodidentity.k8s.io"], resources: ["azureidentities"], verbs: ["patch"] }],
        }),
      ];
    },
    stillReports: /ClusterRole "identity-writer" grants write/,
  },
});

const systemPriorityQuota = (name: string, namespace: string) =>
  k8s("core/v1", "ResourceQuota", name, {
    metadata: { name: "no-system-priority", namespace },
    spec: {
      hard: { pods: "0" },
      scopeSelector: {
        matchExpressions: [
          {
            scopeName: "PriorityClass",
            operator: "In",
            values: ["system-node-critical", "system-cluster-critical"],
          },
        ],
      },
    },
  });

describePolicy({
  policy: "team-namespace-system-priority-quota",
  fixture: () => [
    ...world(),
    systemPriorityQuota("quota-payments", "payments"),
    systemPriorityQuota("quota-catalog", "catalog"),
  ],
  mutations: [
    {
      name: "no quota in a team namespace",
      mutate: (rs) => rs.filter((r) => r.name !== "quota-catalog"),
      expect: /Team namespace catalog has no ResourceQuota of zero pods at system-node-critical/,
    },
    {
      name: "a quota that allows pods",
      mutate: (rs) => void (byName(rs, "quota-payments").spec.hard.pods = "10"),
      expect: /Team namespace payments has no ResourceQuota/,
    },
    {
      name: "a quota that leaves system-node-critical out",
      mutate: (rs) =>
        void (byName(rs, "quota-payments").spec.scopeSelector.matchExpressions[0].values = [
          "system-cluster-critical",
        ]),
      expect: /payments has no ResourceQuota/,
    },
    {
      name: "a quota narrowed by scopes",
      mutate: (rs) => void (byName(rs, "quota-payments").spec.scopes = ["Terminating"]),
      expect: /payments has no ResourceQuota/,
    },
    {
      name: "a second expression (ANDed: the quota counts fewer pods)",
      mutate: (rs) =>
        void byName(rs, "quota-payments").spec.scopeSelector.matchExpressions.push({
          scopeName: "Terminating",
          operator: "Exists",
        }),
      expect: /payments has no ResourceQuota/,
    },
    {
      name: "NotIn instead of In",
      mutate: (rs) =>
        void (byName(rs, "quota-payments").spec.scopeSelector.matchExpressions[0].operator = "NotIn"),
      expect: /payments has no ResourceQuota/,
    },
  ],
  unknown: {
    name: "one quota's selector, beside a namespace without quota",
    mutate: (rs) => {
      byName(rs, "quota-payments").spec.scopeSelector.matchExpressions = UNKNOWN;
      return rs.filter((r) => r.name !== "quota-catalog");
    },
    stillReports: /catalog has no ResourceQuota/,
  },
});

describe("team-namespace-system-priority-quota and team-namespace-default-deny accept", () => {
  const mandatory = async (policy: string, rs: EvaluatedResource[]) =>
    (await run(policy, rs)).filter((v) => v.enforcementLevel === "mandatory").map((v) => v.message);
  const quotas = () => [
    systemPriorityQuota("quota-payments", "payments"),
    systemPriorityQuota("quota-catalog", "catalog"),
  ];
  const capacity = k8s("core/v1", "ResourceQuota", "capacity", {
    metadata: { name: "team-quota", namespace: "payments" },
    spec: { hard: { pods: "50" } },
  });

  it.each([
    ["before", () => [capacity, ...world(), ...quotas()]],
    ["after", () => [...world(), ...quotas(), capacity]],
  ])("a capacity quota %s the cap, with the cap's values unknown", async (_order, make) => {
    const rs = make();
    byName(rs, "quota-payments").spec.scopeSelector.matchExpressions[0].values = UNKNOWN;
    expect(await mandatory("team-namespace-system-priority-quota", rs)).toEqual([]);
  });

  it.each([
    ["one half of the internet", [egressTo("half", "payments", ["0.0.0.0/1"])]],
    [
      "both halves, one on a single port",
      [egressTo("half", "payments", ["0.0.0.0/1"]), egressTo("web", "payments", [], undefined, 443)],
    ],
    [
      "both halves in different team namespaces",
      [egressTo("a", "payments", ["0.0.0.0/1"]), egressTo("b", "catalog", ["128.0.0.0/1"])],
    ],
  ])("accepts %s", async (_name, extra) => {
    expect(await mandatory("team-namespace-default-deny", [...world(), ...extra])).toEqual([]);
  });

  it("internet egress that excepts the cluster and IMDS", async () => {
    const rs = [
      ...world(),
      k8s("networking.k8s.io/v1", "NetworkPolicy", "internet", {
        metadata: { name: "internet", namespace: "payments" },
        spec: {
          podSelector: {},
          policyTypes: ["Egress"],
          egress: [
            { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "169.254.169.254/32"] } }] },
          ],
        },
      }),
    ];
    expect(await mandatory("team-namespace-default-deny", rs)).toEqual([]);
  });
});
