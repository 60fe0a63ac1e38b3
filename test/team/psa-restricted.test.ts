import { RESTRICTED_RULES, checkRestrictedPodSpec } from "../../components/team/psa-restricted";
import type { RestrictedRule } from "../../components/team/psa-restricted";

// Fixtures are mutated freely, one field per case: typing every nested path would add nothing.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Spec = Record<string, any>;

/** A Pod spec the restricted profile admits, with an init container so both lists are visited. */
function compliant(): Spec {
  const container = (name: string) => ({
    name,
    image: "acr.example.io/app:1.0.0",
    ports: [{ containerPort: 8080 }],
    readinessProbe: { httpGet: { path: "/ready", port: 8080 } },
    livenessProbe: { tcpSocket: { port: 8080 } },
    lifecycle: { preStop: { exec: { command: ["sleep", "5"] } } },
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] },
      readOnlyRootFilesystem: true,
      procMount: "Default",
      seLinuxOptions: { type: "container_t" },
      appArmorProfile: { type: "RuntimeDefault" },
    },
  });
  return {
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 1000,
      seccompProfile: { type: "RuntimeDefault" },
      sysctls: [{ name: "net.ipv4.ip_unprivileged_port_start", value: "0" }],
    },
    initContainers: [container("init")],
    containers: [container("app")],
    volumes: [
      { name: "tmp", emptyDir: {} },
      { name: "cfg", configMap: { name: "cfg" } },
      { name: "token", projected: { sources: [] } },
    ],
  };
}

const rules = (spec: Spec, metadata?: Spec): RestrictedRule[] =>
  [...new Set(checkRestrictedPodSpec(spec, metadata).map((v) => v.rule))].sort();

/** One mutation per control: each must be reported, and only under its own rule. */
const mutations: [RestrictedRule, string, (s: Spec) => void][] = [
  ["hostProcess", "Windows HostProcess", (s) => (s.securityContext.windowsOptions = { hostProcess: true })],
  ["hostNamespaces", "hostNetwork", (s) => (s.hostNetwork = true)],
  ["hostNamespaces", "hostPID", (s) => (s.hostPID = true)],
  ["hostNamespaces", "hostIPC", (s) => (s.hostIPC = true)],
  ["privileged", "privileged container", (s) => (s.containers[0].securityContext.privileged = true)],
  [
    "capabilities",
    "NET_ADMIN added",
    (s) => s.containers[0].securityContext.capabilities.add.push("NET_ADMIN"),
  ],
  [
    "capabilities",
    "NET_RAW added to an init container",
    (s) => (s.initContainers[0].securityContext.capabilities.add = ["NET_RAW"]),
  ],
  [
    "capabilities",
    "drop ALL missing",
    (s) => (s.containers[0].securityContext.capabilities.drop = ["NET_RAW"]),
  ],
  [
    "restrictedVolumes",
    "hostPath volume",
    (s) => s.volumes.push({ name: "host", hostPath: { path: "/etc/kubernetes" } }),
  ],
  [
    "restrictedVolumes",
    "nfs volume",
    (s) => s.volumes.push({ name: "share", nfs: { server: "x", path: "/" } }),
  ],
  ["hostPorts", "hostPort", (s) => (s.containers[0].ports[0].hostPort = 8080)],
  [
    "appArmorProfile",
    "pod AppArmor Unconfined",
    (s) => (s.securityContext.appArmorProfile = { type: "Unconfined" }),
  ],
  [
    "appArmorProfile",
    "container AppArmor Unconfined",
    (s) => (s.containers[0].securityContext.appArmorProfile.type = "Unconfined"),
  ],
  [
    "seLinuxOptions",
    "SELinux type spc_t",
    (s) => (s.containers[0].securityContext.seLinuxOptions.type = "spc_t"),
  ],
  ["seLinuxOptions", "SELinux user set", (s) => (s.securityContext.seLinuxOptions = { user: "system_u" })],
  ["procMount", "Unmasked /proc", (s) => (s.containers[0].securityContext.procMount = "Unmasked")],
  ["seccompProfile", "pod seccomp Unconfined", (s) => (s.securityContext.seccompProfile.type = "Unconfined")],
  ["seccompProfile", "no seccomp anywhere", (s) => delete s.securityContext.seccompProfile],
  ["sysctls", "unsafe sysctl", (s) => s.securityContext.sysctls.push({ name: "kernel.msgmax", value: "1" })],
  [
    "allowPrivilegeEscalation",
    "escalation allowed",
    (s) => (s.containers[0].securityContext.allowPrivilegeEscalation = true),
  ],
  [
    "allowPrivilegeEscalation",
    "escalation not set",
    (s) => delete s.initContainers[0].securityContext.allowPrivilegeEscalation,
  ],
  ["runAsNonRoot", "pod runAsNonRoot false", (s) => (s.securityContext.runAsNonRoot = false)],
  ["runAsNonRoot", "runAsNonRoot nowhere", (s) => delete s.securityContext.runAsNonRoot],
  ["runAsUser", "pod runs as root", (s) => (s.securityContext.runAsUser = 0)],
  ["runAsUser", "container runs as root", (s) => (s.containers[0].securityContext.runAsUser = 0)],
  [
    "hostProbesAndHostLifecycle",
    "probe host",
    (s) => (s.containers[0].readinessProbe.httpGet.host = "169.254.169.254"),
  ],
  [
    "hostProbesAndHostLifecycle",
    "lifecycle host",
    (s) => (s.containers[0].lifecycle.preStop = { httpGet: { host: "10.0.0.1", port: 80 } }),
  ],
];

describe("checkRestrictedPodSpec", () => {
  it("admits the compliant fixture", () => {
    expect(checkRestrictedPodSpec(compliant())).toEqual([]);
  });

  it.each(mutations)("reports %s for: %s", (rule, _case, mutate) => {
    const spec = compliant();
    mutate(spec);
    expect(rules(spec)).toEqual([rule]);
  });

  it("has a mutation for every rule it implements", () => {
    expect(new Set(mutations.map(([rule]) => rule))).toEqual(new Set(RESTRICTED_RULES));
  });

  it("reports an unconfined AppArmor annotation from the Pod metadata", () => {
    const annotations = { "container.apparmor.security.beta.kubernetes.io/app": "unconfined" };
    expect(rules(compliant(), { annotations })).toEqual(["appArmorProfile"]);
    const allowed = { "container.apparmor.security.beta.kubernetes.io/app": "localhost/custom" };
    expect(rules(compliant(), { annotations: allowed })).toEqual([]);
  });

  it("accepts container-level settings in place of pod-level ones, as PSA does", () => {
    const spec = compliant();
    delete spec.securityContext.runAsNonRoot;
    delete spec.securityContext.seccompProfile;
    for (const c of [...spec.containers, ...spec.initContainers]) {
      c.securityContext.runAsNonRoot = true;
      c.securityContext.seccompProfile = { type: "Localhost", localhostProfile: "p.json" };
    }
    expect(checkRestrictedPodSpec(spec)).toEqual([]);
    // ... but a container that overrides with a bad value is still caught.
    spec.containers[0].securityContext.runAsNonRoot = false;
    expect(rules(spec)).toEqual(["runAsNonRoot"]);
  });

  it("names the container and the field path of a violation", () => {
    const spec = compliant();
    spec.ephemeralContainers = [{ ...compliant().containers[0], name: "debug" }];
    spec.ephemeralContainers[0].securityContext = {
      ...spec.ephemeralContainers[0].securityContext,
      privileged: true,
    };
    expect(checkRestrictedPodSpec(spec)).toEqual([
      {
        rule: "privileged",
        path: "spec.ephemeralContainers[0].securityContext.privileged",
        message: 'container "debug" must not be privileged',
      },
    ]);
  });

  it("reports everything missing on an empty container", () => {
    expect(rules({ containers: [{ name: "bare", image: "x" }] })).toEqual(
      ["allowPrivilegeEscalation", "capabilities", "runAsNonRoot", "seccompProfile"].sort(),
    );
  });
});
