/**
 * The Kubernetes Pod Security Standards, `baseline` and `restricted`, as Pod Security Admission
 * enforces them, version by version: the one implementation the team component and the policy pack
 * share. Dependency-free on purpose (plain JSON in, findings out), so that any package can import it.
 *
 * The facts (check IDs, levels, the version each variant starts at, allowed values, which restricted
 * check replaces which baseline one) follow `k8s.io/pod-security-admission` v0.34 (`policy/check_*.go`
 * and `registry.go`). A check runs in the variant whose minimum version is the newest not above the
 * requested one; a version newer than the newest known is judged as the newest, like `latest`.
 * The input is the Pod as the API server sees it after defaulting, with one default applied here: a
 * volume that names no source is an `emptyDir`. The optional relaxation for user-namespaced pods
 * (`hostUsers: false`) sits behind a feature gate that is off by default, so it is not applied.
 * Seccomp annotations, which only versions before 1.19 judge, are not modelled.
 *
 * Every field is read with plain property access and never trusted to have its declared type: a
 * wrong-typed field counts as absent unless the standard refuses it. A caller whose values may throw
 * on access (the policy pack's unknown-checking proxy) runs each check on its own (`checksFor`).
 */
import { PSA_LABEL_PREFIX } from "./kubernetes";

export type Level = "privileged" | "baseline" | "restricted";
export const LEVELS: readonly Level[] = ["privileged", "baseline", "restricted"];

/** A minor version of Kubernetes 1.x, or `latest`. */
export type Version = number | "latest";

/** The newest version any check changes at (the library's `maxVersion`). */
export const NEWEST_KNOWN_VERSION = 34;
/** The oldest version the blueprint supports (ValidatingAdmissionPolicy is GA from 1.30). */
export const OLDEST_SUPPORTED_VERSION = 30;

/** Level and version a namespace enforces, as PSA reads them from its labels. */
export interface LevelVersion {
  level: Level;
  version: Version;
}

/** One refused field: the check, where in the Pod (`spec.containers[0]...`), and what is wrong. */
export interface PodSecurityViolation {
  /** The pod-security-admission check ID, e.g. `allowPrivilegeEscalation`. */
  check: string;
  /** The check's short reason, as PSA prints it (e.g. `host namespaces`). */
  reason: string;
  /** Field path inside the Pod. */
  path: string;
  detail: string;
}

/** The Pod (or pod template) a check reads: its metadata and spec, both untrusted JSON. */
export interface PodInput {
  metadata?: unknown;
  spec?: unknown;
}

type Obj = Record<string, unknown>;
type Finding = { path: string; detail: string };
type CheckFn = (pod: { metadata: Obj; spec: Obj }) => Finding[];

interface Check {
  id: string;
  level: "baseline" | "restricted";
  reason: string;
  /** Variants by minimum minor version, oldest first. */
  versions: { min: number; fn: CheckFn }[];
  /** Baseline checks this one replaces at the restricted level. */
  overrides?: string[];
}

function obj(value: unknown): Obj | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Obj) : undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

const quote = (value: unknown) => JSON.stringify(value);

interface VisitedContainer {
  path: string;
  label: string;
  container: Obj;
  securityContext: Obj | undefined;
}

/** Init, regular and ephemeral containers, in PSA's order. */
function containers(spec: Obj): VisitedContainer[] {
  const out: VisitedContainer[] = [];
  for (const field of ["initContainers", "containers", "ephemeralContainers"]) {
    list(spec[field]).forEach((raw, i) => {
      const container = obj(raw) ?? {};
      out.push({
        path: `spec.${field}[${i}]`,
        label: `container ${quote(typeof container.name === "string" ? container.name : `#${i}`)}`,
        container,
        securityContext: obj(container.securityContext),
      });
    });
  }
  return out;
}

function podContext(spec: Obj): Obj | undefined {
  return obj(spec.securityContext);
}

function isWindows(spec: Obj): boolean {
  return obj(spec.os)?.name === "windows";
}

/** Wraps a check so that Windows pods pass it (the 1.25 variants of several restricted checks). */
function exceptWindows(fn: CheckFn): CheckFn {
  return (pod) => (isWindows(pod.spec) ? [] : fn(pod));
}

/** The variants of a Linux-only restricted check: from `min` on every pod, from 1.25 not on Windows. */
function windowsExemptFrom1_25(min: number, fn: CheckFn): Check["versions"] {
  return [
    { min, fn },
    { min: 25, fn: exceptWindows(fn) },
  ];
}

/**
 * A field allowed on the pod and on each container (`field` of `securityContext`), whose explicit
 * values must satisfy `good`; with `required`, a container needs a good value itself or from the pod.
 */
function podAndContainerSetting(
  field: string,
  good: (value: unknown) => boolean,
  describe: (value: unknown) => string,
  required?: string,
): CheckFn {
  return ({ spec }) => {
    const out: Finding[] = [];
    const podValue = podContext(spec)?.[field];
    const podSet = podValue !== undefined && podValue !== null;
    if (podSet && !good(podValue)) {
      out.push({ path: `spec.securityContext.${field}`, detail: `pod ${describe(podValue)}` });
    }
    for (const c of containers(spec)) {
      const value = c.securityContext?.[field];
      if (value !== undefined && value !== null) {
        if (!good(value))
          out.push({ path: `${c.path}.securityContext.${field}`, detail: `${c.label} ${describe(value)}` });
      } else if (required && !(podSet && good(podValue))) {
        out.push({ path: `${c.path}.securityContext.${field}`, detail: `pod or ${c.label} ${required}` });
      }
    }
    return out;
  };
}

const PROFILE_TYPES = ["RuntimeDefault", "Localhost"];
const profileTypeOk = (profile: unknown) => PROFILE_TYPES.includes(text(obj(profile)?.type));
const describeProfile = (what: string) => (profile: unknown) =>
  `must not set securityContext.${what}.type to ${quote(obj(profile)?.type ?? "")}`;

const APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";

/** Capabilities a container runtime grants by default: baseline allows adding only these. */
const DEFAULT_CAPABILITIES = [
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
];

/** Safe (namespaced, isolated) sysctls by the version that added them. */
const SAFE_SYSCTLS: { min: number; names: string[] }[] = [
  {
    min: 0,
    names: [
      "kernel.shm_rmid_forced",
      "net.ipv4.ip_local_port_range",
      "net.ipv4.tcp_syncookies",
      "net.ipv4.ping_group_range",
      "net.ipv4.ip_unprivileged_port_start",
    ],
  },
  { min: 27, names: ["net.ipv4.ip_local_reserved_ports"] },
  {
    min: 29,
    names: [
      "net.ipv4.tcp_keepalive_time",
      "net.ipv4.tcp_fin_timeout",
      "net.ipv4.tcp_keepalive_intvl",
      "net.ipv4.tcp_keepalive_probes",
    ],
  },
  { min: 32, names: ["net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"] },
];

function sysctlsCheck(min: number): CheckFn {
  const allowed = new Set(SAFE_SYSCTLS.filter((s) => s.min <= min).flatMap((s) => s.names));
  return ({ spec }) =>
    list(podContext(spec)?.sysctls).flatMap((raw, i) => {
      const name = obj(raw)?.name;
      return typeof name === "string" && allowed.has(name)
        ? []
        : [
            {
              path: `spec.securityContext.sysctls[${i}].name`,
              detail: `forbidden sysctl ${quote(name ?? "")}`,
            },
          ];
    });
}

const SELINUX_TYPES_1_0 = ["", "container_t", "container_init_t", "container_kvm_t"];
const SELINUX_TYPES_1_31 = [...SELINUX_TYPES_1_0, "container_engine_t"];

function seLinuxCheck(types: string[]): CheckFn {
  const judge = (options: Obj, path: string, who: string): Finding[] => {
    const out: Finding[] = [];
    const type = options.type === undefined || options.type === null ? "" : options.type;
    if (typeof type !== "string" || !types.includes(type)) {
      out.push({
        path: `${path}.type`,
        detail: `${who} set forbidden securityContext.seLinuxOptions: type ${quote(type)}`,
      });
    }
    for (const field of ["user", "role"]) {
      if (text(options[field]) !== "") {
        out.push({
          path: `${path}.${field}`,
          detail: `${who} set forbidden securityContext.seLinuxOptions: ${field} may not be set`,
        });
      }
    }
    return out;
  };
  return ({ spec }) => {
    const out: Finding[] = [];
    const pod = obj(podContext(spec)?.seLinuxOptions);
    if (pod) out.push(...judge(pod, "spec.securityContext.seLinuxOptions", "pod"));
    for (const c of containers(spec)) {
      const options = obj(c.securityContext?.seLinuxOptions);
      if (options) out.push(...judge(options, `${c.path}.securityContext.seLinuxOptions`, c.label));
    }
    return out;
  };
}

/** Inline volume sources the restricted profile admits. */
const RESTRICTED_VOLUME_SOURCES = [
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "image",
  "persistentVolumeClaim",
  "projected",
  "secret",
];

function hostsOf(handler: unknown): string[] {
  const h = obj(handler);
  return [obj(h?.httpGet)?.host, obj(h?.tcpSocket)?.host].filter((v): v is string => text(v) !== "");
}

const allowPrivilegeEscalation: CheckFn = ({ spec }) =>
  containers(spec)
    .filter((c) => c.securityContext?.allowPrivilegeEscalation !== false)
    .map((c) => ({
      path: `${c.path}.securityContext.allowPrivilegeEscalation`,
      detail: `${c.label} must set securityContext.allowPrivilegeEscalation=false`,
    }));

const seccompRestricted: CheckFn = (pod) =>
  podAndContainerSetting(
    "seccompProfile",
    profileTypeOk,
    describeProfile("seccompProfile"),
    'must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
  )(pod).map((f) => ({ ...f, path: `${f.path}.type` }));

const capabilitiesRestricted: CheckFn = ({ spec }) =>
  containers(spec).flatMap((c) => {
    const capabilities = obj(c.securityContext?.capabilities);
    const out: Finding[] = [];
    // Case matters: PSA compares with "ALL" exactly, so `drop: [all]` does not count.
    if (!list(capabilities?.drop).includes("ALL")) {
      out.push({
        path: `${c.path}.securityContext.capabilities.drop`,
        detail: `${c.label} must set securityContext.capabilities.drop=["ALL"]`,
      });
    }
    list(capabilities?.add).forEach((cap, i) => {
      if (cap !== "NET_BIND_SERVICE") {
        out.push({
          path: `${c.path}.securityContext.capabilities.add[${i}]`,
          detail: `${c.label} must not include ${quote(cap)} in securityContext.capabilities.add`,
        });
      }
    });
    return out;
  });

const CHECKS: Check[] = [
  {
    id: "windowsHostProcess",
    level: "baseline",
    reason: "hostProcess",
    versions: [
      {
        min: 0,
        fn: ({ spec }) => {
          const out: Finding[] = [];
          if (obj(podContext(spec)?.windowsOptions)?.hostProcess === true) {
            out.push({
              path: "spec.securityContext.windowsOptions.hostProcess",
              detail: "pod must not set hostProcess=true",
            });
          }
          for (const c of containers(spec)) {
            if (obj(c.securityContext?.windowsOptions)?.hostProcess === true) {
              out.push({
                path: `${c.path}.securityContext.windowsOptions.hostProcess`,
                detail: `${c.label} must not set hostProcess=true`,
              });
            }
          }
          return out;
        },
      },
    ],
  },
  {
    id: "hostNamespaces",
    level: "baseline",
    reason: "host namespaces",
    versions: [
      {
        min: 0,
        fn: ({ spec }) =>
          ["hostNetwork", "hostPID", "hostIPC"]
            .filter((field) => spec[field] === true)
            .map((field) => ({ path: `spec.${field}`, detail: `${field}=true` })),
      },
    ],
  },
  {
    id: "privileged",
    level: "baseline",
    reason: "privileged",
    versions: [
      {
        min: 0,
        fn: ({ spec }) =>
          containers(spec)
            .filter((c) => c.securityContext?.privileged === true)
            .map((c) => ({
              path: `${c.path}.securityContext.privileged`,
              detail: `${c.label} must not set securityContext.privileged=true`,
            })),
      },
    ],
  },
  {
    id: "capabilities_baseline",
    level: "baseline",
    reason: "non-default capabilities",
    versions: [
      {
        min: 0,
        fn: ({ spec }) =>
          containers(spec).flatMap((c) =>
            list(obj(c.securityContext?.capabilities)?.add).flatMap((cap, i) =>
              typeof cap === "string" && DEFAULT_CAPABILITIES.includes(cap)
                ? []
                : [
                    {
                      path: `${c.path}.securityContext.capabilities.add[${i}]`,
                      detail: `${c.label} must not include ${quote(cap)} in securityContext.capabilities.add`,
                    },
                  ],
            ),
          ),
      },
    ],
  },
  {
    id: "hostPathVolumes",
    level: "baseline",
    reason: "hostPath volumes",
    versions: [
      {
        min: 0,
        fn: ({ spec }) =>
          list(spec.volumes).flatMap((raw, i) => {
            const volume = obj(raw);
            return volume?.hostPath !== undefined && volume?.hostPath !== null
              ? [
                  {
                    path: `spec.volumes[${i}].hostPath`,
                    detail: `volume ${quote(volume.name)} is a hostPath`,
                  },
                ]
              : [];
          }),
      },
    ],
  },
  {
    id: "hostPorts",
    level: "baseline",
    reason: "hostPort",
    versions: [
      {
        min: 0,
        fn: ({ spec }) =>
          containers(spec).flatMap((c) =>
            list(c.container.ports).flatMap((raw, i) => {
              const hostPort = obj(raw)?.hostPort;
              return hostPort === undefined || hostPort === null || hostPort === 0
                ? []
                : [
                    {
                      path: `${c.path}.ports[${i}].hostPort`,
                      detail: `${c.label} uses hostPort ${quote(hostPort)}`,
                    },
                  ];
            }),
          ),
      },
    ],
  },
  {
    id: "appArmorProfile",
    level: "baseline",
    reason: "forbidden AppArmor profile",
    versions: [
      {
        min: 0,
        fn: ({ metadata, spec }) => {
          const setting = podAndContainerSetting(
            "appArmorProfile",
            profileTypeOk,
            describeProfile("appArmorProfile"),
          )({ metadata, spec }).map((f) => ({ ...f, path: `${f.path}.type` }));
          for (const [key, value] of Object.entries(obj(metadata.annotations) ?? {})) {
            if (!key.startsWith(APPARMOR_ANNOTATION_PREFIX)) continue;
            const v = text(value);
            if (v === "" || v === "runtime/default" || v.startsWith("localhost/")) continue;
            setting.push({
              path: `metadata.annotations[${quote(key)}]`,
              detail: `annotation ${key}=${quote(value)}`,
            });
          }
          return setting;
        },
      },
    ],
  },
  {
    id: "seLinuxOptions",
    level: "baseline",
    reason: "seLinuxOptions",
    versions: [
      { min: 0, fn: seLinuxCheck(SELINUX_TYPES_1_0) },
      { min: 31, fn: seLinuxCheck(SELINUX_TYPES_1_31) },
    ],
  },
  {
    id: "procMount",
    level: "baseline",
    reason: "procMount",
    versions: [
      {
        min: 0,
        fn: ({ spec }) =>
          containers(spec).flatMap((c) => {
            const procMount = c.securityContext?.procMount;
            return procMount === undefined || procMount === null || procMount === "Default"
              ? []
              : [
                  {
                    path: `${c.path}.securityContext.procMount`,
                    detail: `${c.label} must not set procMount ${quote(procMount)}`,
                  },
                ];
          }),
      },
    ],
  },
  {
    id: "seccompProfile_baseline",
    level: "baseline",
    reason: "seccompProfile",
    versions: [
      {
        min: 19,
        fn: (pod) =>
          podAndContainerSetting(
            "seccompProfile",
            profileTypeOk,
            describeProfile("seccompProfile"),
          )(pod).map((f) => ({ ...f, path: `${f.path}.type` })),
      },
    ],
  },
  {
    id: "sysctls",
    level: "baseline",
    reason: "forbidden sysctls",
    versions: [0, 27, 29, 32].map((min) => ({ min, fn: sysctlsCheck(min) })),
  },
  {
    id: "hostProbesAndHostLifecycle",
    level: "baseline",
    reason: "probe or lifecycle host",
    versions: [
      {
        min: 34,
        fn: ({ spec }) =>
          containers(spec).flatMap((c) => {
            const lifecycle = obj(c.container.lifecycle);
            const handlers: [string, unknown][] = [
              ["livenessProbe", c.container.livenessProbe],
              ["readinessProbe", c.container.readinessProbe],
              ["startupProbe", c.container.startupProbe],
              ["lifecycle.postStart", lifecycle?.postStart],
              ["lifecycle.preStop", lifecycle?.preStop],
            ];
            return handlers.flatMap(([field, handler]) =>
              hostsOf(handler).map((host) => ({
                path: `${c.path}.${field}`,
                detail: `${c.label} uses ${field} host ${quote(host)}`,
              })),
            );
          }),
      },
    ],
  },
  {
    id: "restrictedVolumes",
    level: "restricted",
    reason: "restricted volume types",
    overrides: ["hostPathVolumes"],
    versions: [
      {
        min: 0,
        fn: ({ spec }) =>
          list(spec.volumes).flatMap((raw, i) => {
            const volume = obj(raw) ?? {};
            // The API server defaults a volume without a source to emptyDir.
            const sources = Object.keys(volume).filter(
              (k) => k !== "name" && volume[k] !== undefined && volume[k] !== null,
            );
            const bad = sources.filter((k) => !RESTRICTED_VOLUME_SOURCES.includes(k));
            if (obj(raw) && bad.length === 0) return [];
            return [
              {
                path: `spec.volumes[${i}]`,
                detail: `volume ${quote(volume.name)} uses restricted volume type ${bad.join(", ") || "unknown"}`,
              },
            ];
          }),
      },
    ],
  },
  {
    id: "allowPrivilegeEscalation",
    level: "restricted",
    reason: "allowPrivilegeEscalation != false",
    versions: windowsExemptFrom1_25(8, allowPrivilegeEscalation),
  },
  {
    id: "runAsNonRoot",
    level: "restricted",
    reason: "runAsNonRoot != true",
    versions: [
      {
        min: 0,
        fn: podAndContainerSetting(
          "runAsNonRoot",
          (v) => v === true,
          () => "must not set securityContext.runAsNonRoot=false",
          "must set securityContext.runAsNonRoot=true",
        ),
      },
    ],
  },
  {
    id: "runAsUser",
    level: "restricted",
    reason: "runAsUser=0",
    versions: [
      {
        min: 23,
        fn: podAndContainerSetting(
          "runAsUser",
          (v) => v !== 0,
          () => "must not set runAsUser=0",
        ),
      },
    ],
  },
  {
    id: "seccompProfile_restricted",
    level: "restricted",
    reason: "seccompProfile",
    overrides: ["seccompProfile_baseline"],
    versions: windowsExemptFrom1_25(19, seccompRestricted),
  },
  {
    id: "capabilities_restricted",
    level: "restricted",
    reason: "unrestricted capabilities",
    overrides: ["capabilities_baseline"],
    versions: windowsExemptFrom1_25(22, capabilitiesRestricted),
  },
];

/** The check IDs of each level (restricted includes the baseline checks it does not replace). */
export const CHECK_IDS: readonly string[] = CHECKS.map((c) => c.id);

/** One applicable check at a level and version, ready to run on its own. */
export interface PodSecurityCheck {
  id: string;
  run(pod: PodInput): PodSecurityViolation[];
}

function effectiveMinor(version: Version): number {
  return version === "latest" || version > NEWEST_KNOWN_VERSION ? NEWEST_KNOWN_VERSION : version;
}

const checkCache = new Map<string, PodSecurityCheck[]>();

/** The checks PSA runs for `level` at `version`, each in the variant of that version. */
export function checksFor(level: Level, version: Version): PodSecurityCheck[] {
  if (level === "privileged") return [];
  const minor = effectiveMinor(version);
  const key = `${level}:${minor}`;
  const cached = checkCache.get(key);
  if (cached) return cached;
  const applicable = CHECKS.flatMap((check) => {
    if (level === "baseline" && check.level === "restricted") return [];
    const variant = [...check.versions].reverse().find((v) => v.min <= minor);
    return variant ? [{ check, fn: variant.fn }] : [];
  });
  const overridden =
    level === "restricted"
      ? new Set(applicable.flatMap(({ check }) => check.overrides ?? []))
      : new Set<string>();
  const result = applicable
    .filter(({ check }) => !overridden.has(check.id))
    .map(({ check, fn }) => ({
      id: check.id,
      run: (pod: PodInput) =>
        fn({ metadata: obj(pod.metadata) ?? {}, spec: obj(pod.spec) ?? {} }).map((f) => ({
          check: check.id,
          reason: check.reason,
          ...f,
        })),
    }));
  checkCache.set(key, result);
  return result;
}

/** Every violation of the Pod at the level and version; empty when PSA would admit it. */
export function checkPod(levelVersion: LevelVersion, pod: PodInput): PodSecurityViolation[] {
  return checksFor(levelVersion.level, levelVersion.version).flatMap((check) => check.run(pod));
}

/** A Pod Security version as the `enforce-version` label spells it: `latest` or `v1.N`. */
export const POD_SECURITY_VERSION_PATTERN = "^(latest|v1\\.(0|[1-9][0-9]*))$";
const POD_SECURITY_VERSION = new RegExp(POD_SECURITY_VERSION_PATTERN);

/** `v1.N` or `latest` (the `enforce-version` label); anything else is `undefined`. */
export function parsePodSecurityVersion(value: unknown): Version | undefined {
  const match = typeof value === "string" ? POD_SECURITY_VERSION.exec(value) : null;
  if (!match) return undefined;
  return match[1] === "latest" ? "latest" : Number(match[2]);
}

export const ENFORCE_LABEL = `${PSA_LABEL_PREFIX}enforce`;
export const ENFORCE_VERSION_LABEL = `${PSA_LABEL_PREFIX}enforce-version`;

/**
 * What a namespace with these labels enforces, as PSA reads them: a missing label takes the
 * default; an invalid level is `restricted` and an invalid version `latest` (PSA fails closed).
 */
export function levelVersionOf(labels: Record<string, unknown>, defaults: LevelVersion): LevelVersion {
  const level = labels[ENFORCE_LABEL];
  const version = labels[ENFORCE_VERSION_LABEL];
  return {
    level:
      level === undefined
        ? defaults.level
        : LEVELS.includes(level as Level)
          ? (level as Level)
          : "restricted",
    version: version === undefined ? defaults.version : (parsePodSecurityVersion(version) ?? "latest"),
  };
}

/** `restricted:v1.33`, `baseline:latest`: how PSA names a policy in its messages. */
export function formatLevelVersion({ level, version }: LevelVersion): string {
  return `${level}:${version === "latest" ? "latest" : `v1.${version}`}`;
}

/** A violation as PSA would phrase it, with the field path: `check (path): detail`. */
export function formatViolation(v: PodSecurityViolation, pathPrefix = ""): string {
  return `${v.check} at ${pathPrefix}${v.path}: ${v.reason} (${v.detail})`;
}
