/**
 * The shared Pod Security Standards implementation, case by case: one mutation per check of the
 * restricted level, what baseline lets through, the version each variant starts at, and that no
 * input, however malformed, makes it throw. Upstream's own fixtures are the other half of its proof
 * (`upstream-fixtures.ts`, run by CI).
 */
import * as fc from "fast-check";
import { checkRestrictedPodSpec } from "../../components/team/pod-security";
import {
  CHECK_IDS,
  checkPod,
  checksFor,
  levelVersionOf,
  parsePodSecurityVersion,
} from "../../conventions/pod-security";

type RestrictedRule = string;

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
  [...new Set(checkRestrictedPodSpec(spec, metadata).map((v) => v.check))].sort();

/** One mutation per control: each must be reported, and only under its own rule. */
const mutations: [RestrictedRule, string, (s: Spec) => void][] = [
  [
    "windowsHostProcess",
    "Windows HostProcess",
    (s) => (s.securityContext.windowsOptions = { hostProcess: true }),
  ],
  ["hostNamespaces", "hostNetwork", (s) => (s.hostNetwork = true)],
  ["hostNamespaces", "hostPID", (s) => (s.hostPID = true)],
  ["hostNamespaces", "hostIPC", (s) => (s.hostIPC = true)],
  ["privileged", "privileged container", (s) => (s.containers[0].securityContext.privileged = true)],
  [
    "capabilities_restricted",
    "NET_ADMIN added",
    (s) => s.containers[0].securityContext.capabilities.add.push("NET_ADMIN"),
  ],
  [
    "capabilities_restricted",
    "NET_RAW added to an init container",
    (s) => (s.initContainers[0].securityContext.capabilities.add = ["NET_RAW"]),
  ],
  [
    "capabilities_restricted",
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
  [
    "seccompProfile_restricted",
    "pod seccomp Unconfined",
    (s) => (s.securityContext.seccompProfile.type = "Unconfined"),
  ],
  ["seccompProfile_restricted", "no seccomp anywhere", (s) => delete s.securityContext.seccompProfile],
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

  it("has a mutation for every check restricted runs", () => {
    expect(new Set(mutations.map(([rule]) => rule))).toEqual(
      new Set(checksFor("restricted", "latest").map((c) => c.id)),
    );
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
        check: "privileged",
        reason: "privileged",
        path: "spec.ephemeralContainers[0].securityContext.privileged",
        detail: 'container "debug" must not set securityContext.privileged=true',
      },
    ]);
  });

  it("reports everything missing on an empty container", () => {
    expect(rules({ containers: [{ name: "bare", image: "x" }] })).toEqual(
      [
        "allowPrivilegeEscalation",
        "capabilities_restricted",
        "runAsNonRoot",
        "seccompProfile_restricted",
      ].sort(),
    );
  });
});

const at = (level: "baseline" | "restricted", version: number | "latest", spec: Spec, metadata?: Spec) =>
  [...new Set(checkPod({ level, version }, { spec, metadata }).map((v) => v.check))].sort();

describe("levels and versions", () => {
  it("baseline admits what only restricted refuses, and refuses what both refuse", () => {
    const spec = { containers: [{ name: "c", image: "x", securityContext: { runAsUser: 0 } }] };
    expect(at("baseline", "latest", spec)).toEqual([]);
    expect(at("restricted", "latest", spec)).toContain("runAsUser");
    expect(at("baseline", "latest", { ...spec, hostNetwork: true })).toEqual(["hostNamespaces"]);
    expect(at("baseline", "latest", { ...spec, volumes: [{ name: "h", hostPath: { path: "/" } }] })).toEqual([
      "hostPathVolumes",
    ]);
  });

  it("privileged runs no check", () => {
    expect(checksFor("privileged", "latest")).toEqual([]);
  });

  it("applies each variant from the version it starts at", () => {
    const sysctl = (name: string) => ({
      securityContext: { sysctls: [{ name, value: "1" }] },
      containers: [],
    });
    expect(at("baseline", 31, sysctl("net.ipv4.tcp_rmem"))).toEqual(["sysctls"]);
    expect(at("baseline", 32, sysctl("net.ipv4.tcp_rmem"))).toEqual([]);
    const engine = { securityContext: { seLinuxOptions: { type: "container_engine_t" } }, containers: [] };
    expect(at("baseline", 30, engine)).toEqual(["seLinuxOptions"]);
    expect(at("baseline", 31, engine)).toEqual([]);
    const probeHost = {
      containers: [{ name: "c", livenessProbe: { tcpSocket: { host: "10.0.0.1", port: 1 } } }],
    };
    expect(at("baseline", 33, probeHost)).toEqual([]);
    expect(at("baseline", 34, probeHost)).toEqual(["hostProbesAndHostLifecycle"]);
    // A version newer than any check knows is judged as the newest, like latest.
    expect(at("baseline", 99, probeHost)).toEqual(["hostProbesAndHostLifecycle"]);
  });

  it("skips the Linux-only restricted checks on Windows pods, as PSA does since 1.25", () => {
    const windows = {
      os: { name: "windows" },
      securityContext: { runAsNonRoot: true },
      containers: [{ name: "c" }],
    };
    expect(at("restricted", "latest", windows)).toEqual([]);
    expect(at("restricted", "latest", { ...windows, os: { name: "linux" } })).toEqual(
      ["allowPrivilegeEscalation", "capabilities_restricted", "seccompProfile_restricted"].sort(),
    );
  });

  it("counts a volume without a source as the emptyDir the API server defaults it to; admits image volumes", () => {
    const spec = compliant();
    spec.volumes.push({ name: "bare" }, { name: "img", image: { reference: "registry.example/data:1" } });
    expect(checkRestrictedPodSpec(spec)).toEqual([]);
  });

  it("wants ALL in capitals and runAsNonRoot even with a non-zero runAsUser", () => {
    const spec = compliant();
    spec.containers[0].securityContext.capabilities.drop = ["all"];
    expect(rules(spec)).toEqual(["capabilities_restricted"]);
    const user = compliant();
    delete user.securityContext.runAsNonRoot;
    expect(rules(user)).toEqual(["runAsNonRoot"]);
  });

  it("reads the namespace labels as PSA does: invalid level restricted, invalid version latest", () => {
    const defaults = { level: "baseline" as const, version: 30 };
    expect(levelVersionOf({}, defaults)).toEqual(defaults);
    expect(
      levelVersionOf(
        {
          "pod-security.kubernetes.io/enforce": "baseline",
          "pod-security.kubernetes.io/enforce-version": "v1.33",
        },
        defaults,
      ),
    ).toEqual({ level: "baseline", version: 33 });
    expect(
      levelVersionOf(
        {
          "pod-security.kubernetes.io/enforce": "strict",
          "pod-security.kubernetes.io/enforce-version": "1.33",
        },
        defaults,
      ),
    ).toEqual({ level: "restricted", version: "latest" });
    expect([
      parsePodSecurityVersion("latest"),
      parsePodSecurityVersion("v1.0"),
      parsePodSecurityVersion("v1.01"),
      parsePodSecurityVersion(33),
    ]).toEqual(["latest", 0, undefined, undefined]);
  });
});

describe("malformed input", () => {
  it("never throws, whatever the JSON, at any level and version", () => {
    const json = fc.jsonValue({ maxDepth: 6 });
    const podLike = fc.record(
      {
        securityContext: json,
        containers: fc.oneof(json, fc.array(fc.record({ name: json, securityContext: json, ports: json }))),
        initContainers: json,
        volumes: fc.oneof(json, fc.array(json)),
        os: json,
        hostNetwork: json,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.oneof(json, podLike),
        json,
        fc.constantFrom<"baseline" | "restricted">("baseline", "restricted"),
        fc.oneof(fc.constant("latest" as const), fc.integer({ min: 0, max: 40 })),
        (spec, metadata, level, version) => {
          const violations = checkPod({ level, version }, { spec, metadata });
          return violations.every((v) => CHECK_IDS.includes(v.check) && typeof v.path === "string");
        },
      ),
      { numRuns: 500 },
    );
  });
});
