/**
 * `k8s-workload-pod-security` on the hardened world, then one Pod Security check broken per case,
 * in each pod-template kind, at the level and version the namespace (or the config) gives.
 */
import type { EvaluatedResource } from "../../../policy-pack/evaluate";
import { byName, describePolicy, k8s, UNKNOWN } from "../harness";
import { world } from "../kubernetes/fixtures";

const podSpec = (rs: EvaluatedResource[]) => byName(rs, "api").spec.template.spec;
const container = (rs: EvaluatedResource[]) => podSpec(rs).containers[0];

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
