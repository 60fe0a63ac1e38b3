/**
 * The MIC Deployment and NMI DaemonSet specs, as pure functions of the install settings, so each
 * security-relevant flag is testable without Pulumi. Flag names are those of aad-pod-identity
 * v1.8 (`cmd/mic/main.go`, `cmd/nmi/main.go`, and the chart's NMI template for
 * `--enable-conntrack-deletion`).
 */
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import {
  KUBELET_CONFIG_PATH,
  NMI_CAPABILITIES,
  XTABLES_LOCK_PATH,
  AKS_POOL_MODE_LABEL,
  MIC_NAME,
  MIC_PRIORITY_CLASS,
  NMI_NAME,
  NMI_PRIORITY_CLASS,
  PLATFORM_POOL_TAINT_KEYS,
  TEAM_POOL_KEY,
  podIdentityImage,
} from "../../conventions/kubernetes";

type PodSpec = k8s.types.input.core.v1.PodSpec;
type Container = k8s.types.input.core.v1.Container;
type EnvVar = k8s.types.input.core.v1.EnvVar;

/** NMI's probe port: on the host network, so not the common 8080. */
export const NMI_PROBE_PORT = 8085;
/** MIC's probe port (pod network). */
export const MIC_PROBE_PORT = 8080;

/** Settings the two workloads are built from. */
export interface PodIdentityWorkloadSettings {
  /** The identity namespace: NMI's `--MICNamespace` and MIC's leader-election namespace. Required. */
  namespace: string;
  /** `standard` (MIC assigns identities) or `managed` (NMI only). Required. */
  mode: "standard" | "managed";
  /** Image tag of both components. Required. */
  version: string;
}

/** Azure context MIC needs in standard mode, passed as environment variables (no `azure.json`). */
export interface MicAzureContext {
  /** Subscription of the node pools. Required. */
  subscriptionId: pulumi.Input<string>;
  /** The node resource group holding the VMSS that MIC assigns identities to. Required. */
  nodeResourceGroup: pulumi.Input<string>;
  /** Entra tenant of the identities. Required. */
  tenantId: pulumi.Input<string>;
  /** Client ID of the kubelet identity: MIC authenticates with it and must never unassign it. */
  kubeletClientId: pulumi.Input<string>;
}

/** Labels selecting the pods of one component. */
export function componentLabels(component: typeof MIC_NAME | typeof NMI_NAME): Record<string, string> {
  return { "app.kubernetes.io/name": "aad-pod-identity", "app.kubernetes.io/component": component };
}

/** NMI's command-line flags. Every hardening flag is spelled out, even where it is the default. */
export function nmiArgs(settings: PodIdentityWorkloadSettings): string[] {
  return [
    "--node=$(NODE_NAME)",
    `--operation-mode=${settings.mode}`,
    // Match pods only to identities and bindings of their own namespace (S1, S2).
    "--forceNamespaced=true",
    // NMI short-circuits token requests of `mic-*` pods in this namespace; `default` would let anyone
    // who can deploy `mic-x` there take node tokens (S6).
    `--MICNamespace=${settings.namespace}`,
    // Require `Metadata: true` (SSRF) and answer 403 on /metadata/instance for pods (node details).
    "--metadata-header-required=true",
    "--block-instance-metadata=true",
    // Drop conntrack entries of connections opened before NMI's iptables rules (early-pod bypass).
    "--enable-conntrack-deletion=true",
    // Refuse to run on kubenet (ARP spoofing lets a NET_RAW pod impersonate another pod, S4).
    "--allow-network-plugin-kubenet=false",
    `--kubelet-config=${KUBELET_CONFIG_PATH}`,
    `--http-probe-port=${NMI_PROBE_PORT}`,
  ];
}

/** MIC's command-line flags. */
export function micArgs(settings: PodIdentityWorkloadSettings, kubeletClientId: pulumi.Input<string>) {
  return [
    "--logtostderr",
    "--forceNamespaced=true",
    // The leader lock lives next to MIC, not in `default` where teams could tamper with it.
    `--leader-election-namespace=${settings.namespace}`,
    `--http-probe-port=${MIC_PROBE_PORT}`,
    // MIC must never strip the kubelet identity from the node pools (it would break the nodes).
    pulumi.interpolate`--immutable-user-msis=${kubeletClientId}`,
  ];
}

/**
 * MIC's environment. Without `--cloudconfig`, MIC reads its Azure context from these variables and,
 * with `USE_MSI=true` and a client ID, authenticates as that user-assigned identity through IMDS:
 * no `/etc/kubernetes/azure.json`, no hostPath, no secret (S5). None of these values is secret.
 */
export function micEnv(azure: MicAzureContext): EnvVar[] {
  return [
    { name: "MIC_POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
    { name: "FORCENAMESPACED", value: "true" },
    { name: "CLOUD", value: "AzurePublicCloud" },
    { name: "SUBSCRIPTION_ID", value: azure.subscriptionId },
    { name: "RESOURCE_GROUP", value: azure.nodeResourceGroup },
    { name: "TENANT_ID", value: azure.tenantId },
    { name: "VM_TYPE", value: "vmss" },
    { name: "USE_MSI", value: "true" },
    { name: "USER_ASSIGNED_MSI_CLIENT_ID", value: azure.kubeletClientId },
  ];
}

const RUNTIME_DEFAULT_SECCOMP = { type: "RuntimeDefault" };
const LINUX_NODES = { "kubernetes.io/os": "linux" };

/** Both components serve `/healthz` on their probe port. */
function healthzProbe(port: number): k8s.types.input.core.v1.Probe {
  return { httpGet: { path: "/healthz", port }, initialDelaySeconds: 10, periodSeconds: 5 };
}

/** MIC runs as an unprivileged user: it only talks to the API server and (via NMI) to IMDS. */
export function micPodSpec(settings: PodIdentityWorkloadSettings, azure: MicAzureContext): PodSpec {
  const container: Container = {
    name: MIC_NAME,
    image: podIdentityImage(MIC_NAME, settings.version),
    imagePullPolicy: "IfNotPresent",
    args: micArgs(settings, azure.kubeletClientId),
    env: micEnv(azure),
    resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "200m", memory: "1024Mi" } },
    securityContext: {
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      capabilities: { drop: ["ALL"] },
      seccompProfile: RUNTIME_DEFAULT_SECCOMP,
    },
    livenessProbe: healthzProbe(MIC_PROBE_PORT),
  };
  return {
    serviceAccountName: MIC_NAME,
    automountServiceAccountToken: true,
    // A cluster-wide controller: evictable by node agents only, never by an application pod.
    priorityClassName: MIC_PRIORITY_CLASS,
    securityContext: { runAsNonRoot: true, seccompProfile: RUNTIME_DEFAULT_SECCOMP },
    // On the system pool (issue 15): MIC is the platform's controller and holds the node scale sets'
    // write access, so it runs beside the other critical add-ons and on no team's nodes.
    nodeSelector: { ...LINUX_NODES, [AKS_POOL_MODE_LABEL]: "system" },
    tolerations: PLATFORM_POOL_TAINT_KEYS.map((key) => ({ key, operator: "Exists" })),
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 100,
            podAffinityTerm: {
              topologyKey: "kubernetes.io/hostname",
              labelSelector: { matchLabels: componentLabels(MIC_NAME) },
            },
          },
        ],
      },
    },
    containers: [container],
  };
}

/**
 * NMI needs the host network (it rewrites the node's iptables so pod traffic to IMDS reaches it),
 * root and NET_ADMIN/NET_RAW for iptables and conntrack, DAC_READ_SEARCH to read the kubelet flags;
 * everything else is dropped, and it is not `privileged`.
 */
export function nmiPodSpec(settings: PodIdentityWorkloadSettings): PodSpec {
  const container: Container = {
    name: NMI_NAME,
    image: podIdentityImage(NMI_NAME, settings.version),
    imagePullPolicy: "IfNotPresent",
    args: nmiArgs(settings),
    env: [
      { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
      { name: "FORCENAMESPACED", value: "true" },
    ],
    resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "200m", memory: "512Mi" } },
    securityContext: {
      runAsUser: 0,
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"], add: [...NMI_CAPABILITIES] },
      seccompProfile: RUNTIME_DEFAULT_SECCOMP,
    },
    volumeMounts: [
      { name: "iptableslock", mountPath: XTABLES_LOCK_PATH },
      { name: "kubelet-config", mountPath: KUBELET_CONFIG_PATH, readOnly: true },
      // iptables-restore may write temporary files; the root filesystem stays read-only.
      { name: "tmp", mountPath: "/tmp" },
    ],
    livenessProbe: healthzProbe(NMI_PROBE_PORT),
  };
  return {
    serviceAccountName: NMI_NAME,
    automountServiceAccountToken: true,
    // NMI removes its iptables rules when it stops (IMDS is then open on the node): no pod on the
    // node may preempt it, and the kubelet keeps it over any other pod under pressure.
    priorityClassName: NMI_PRIORITY_CLASS,
    hostNetwork: true,
    dnsPolicy: "ClusterFirstWithHostNet",
    nodeSelector: LINUX_NODES,
    // Every node that runs pods needs NMI: the tainted system pool, and every team's pool (one
    // toleration of the team-pool key, whatever the team). Not "every taint": NMI should still
    // leave nodes tainted for reasons of their own (e.g. NoExecute maintenance taints).
    tolerations: [
      ...PLATFORM_POOL_TAINT_KEYS.map((key) => ({ key, operator: "Exists" })),
      { key: TEAM_POOL_KEY, operator: "Exists" },
    ],
    volumes: [
      { name: "iptableslock", hostPath: { path: XTABLES_LOCK_PATH, type: "FileOrCreate" } },
      { name: "kubelet-config", hostPath: { path: KUBELET_CONFIG_PATH, type: "FileOrCreate" } },
      { name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "16Mi" } },
    ],
    containers: [container],
  };
}
