/**
 * `pod-identity-components-hardened` on the hardened world's MIC and NMI, then one weakened flag,
 * mount, capability, image or placement per case.
 */
import type { EvaluatedResource } from "../../../policy-pack/evaluate";
import { byName, describePolicy, UNKNOWN } from "../harness";
import { world } from "./fixtures";

const args = (rs: EvaluatedResource[], name: "mic" | "nmi") =>
  byName(rs, name).spec.template.spec.containers[0].args as string[];
const replaceArg = (rs: EvaluatedResource[], name: "mic" | "nmi", prefix: string, value?: string) => {
  const list = args(rs, name);
  const i = list.findIndex((a) => a.startsWith(prefix));
  if (value === undefined) list.splice(i, 1);
  else list[i] = value;
};

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
