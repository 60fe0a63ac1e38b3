/**
 * A pure implementation of the Kubernetes Pod Security Standards `restricted` profile (which includes
 * every `baseline` control), applied to a plain Pod spec.
 *
 * The API server's Pod Security Admission is the final judge; this function lets the components
 * prove at build time (and in unit tests, with no cluster) that the Pod templates they render would
 * be admitted into a namespace labelled `pod-security.kubernetes.io/enforce: restricted`. It follows
 * the rules as published in the Pod Security Standards page and the `pod-security-admission`
 * checks (kubernetes/kubernetes `staging/src/k8s.io/pod-security-admission/policy/`), including the
 * v1.34 rule on probe/lifecycle `host`. Differences, on purpose: it never relaxes `runAsNonRoot` /
 * `runAsUser` for user-namespaced pods (`hostUsers: false`), and it skips the optional "non-root
 * groups" control, which PSA does not enforce either.
 */

/** One broken rule: which control, where in the spec, and what is wrong. */
export interface RestrictedViolation {
  /** The control's ID, named like the pod-security-admission check (e.g. `runAsNonRoot`). */
  rule: RestrictedRule;
  /** Field path inside the Pod (e.g. `spec.containers[0].securityContext.privileged`). */
  path: string;
  message: string;
}

/** Every control of the restricted profile this checker implements. */
export const RESTRICTED_RULES = [
  "hostProcess",
  "hostNamespaces",
  "privileged",
  "capabilities",
  "restrictedVolumes",
  "hostPorts",
  "appArmorProfile",
  "seLinuxOptions",
  "procMount",
  "seccompProfile",
  "sysctls",
  "allowPrivilegeEscalation",
  "runAsNonRoot",
  "runAsUser",
  "hostProbesAndHostLifecycle",
] as const;
export type RestrictedRule = (typeof RESTRICTED_RULES)[number];

/** Inline volume sources the restricted profile admits; anything else (hostPath, nfs, ...) is refused. */
export const RESTRICTED_ALLOWED_VOLUME_TYPES: readonly string[] = [
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "persistentVolumeClaim",
  "projected",
  "secret",
];

/** Sysctls the baseline profile treats as namespaced and safe. */
export const SAFE_SYSCTLS: readonly string[] = [
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_unprivileged_port_start",
];

const ALLOWED_SELINUX_TYPES = ["", "container_t", "container_init_t", "container_kvm_t"];
const ALLOWED_PROFILE_TYPES = ["RuntimeDefault", "Localhost"];
const APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";

type Obj = Record<string, unknown>;

function obj(value: unknown): Obj | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Obj) : undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A container (regular, init or ephemeral) with its field path. */
interface VisitedContainer {
  path: string;
  name: string;
  spec: Obj;
  securityContext?: Obj;
}

function containersOf(spec: Obj): VisitedContainer[] {
  const out: VisitedContainer[] = [];
  for (const field of ["containers", "initContainers", "ephemeralContainers"]) {
    list(spec[field]).forEach((raw, i) => {
      const c = obj(raw) ?? {};
      out.push({
        path: `spec.${field}[${i}]`,
        name: typeof c.name === "string" ? c.name : `#${i}`,
        spec: c,
        securityContext: obj(c.securityContext),
      });
    });
  }
  return out;
}

/**
 * A profile setting (`seccompProfile` or `runAsNonRoot`) that may be set on the pod and overridden
 * per container: the container's explicit value wins, else the pod's; `isGood` judges the value.
 * Reports explicit bad values where they are set, and containers left without any good value.
 */
function inheritedSetting(
  rule: RestrictedRule,
  field: string,
  podContext: Obj | undefined,
  containers: VisitedContainer[],
  isGood: (value: unknown) => boolean,
  requirement: string,
): RestrictedViolation[] {
  const out: RestrictedViolation[] = [];
  const podValue = podContext?.[field];
  const podGood = podValue !== undefined && isGood(podValue);
  if (podValue !== undefined && !podGood) {
    out.push({
      rule,
      path: `spec.securityContext.${field}`,
      message: `${requirement}, got ${JSON.stringify(podValue)}`,
    });
  }
  for (const c of containers) {
    const value = c.securityContext?.[field];
    if (value !== undefined) {
      if (!isGood(value)) {
        out.push({
          rule,
          path: `${c.path}.securityContext.${field}`,
          message: `container "${c.name}": ${requirement}, got ${JSON.stringify(value)}`,
        });
      }
    } else if (!podGood) {
      out.push({
        rule,
        path: `${c.path}.securityContext.${field}`,
        message: `container "${c.name}" (or the pod) must set ${field}: ${requirement}`,
      });
    }
  }
  return out;
}

function profileTypeAllowed(profile: unknown): boolean {
  return ALLOWED_PROFILE_TYPES.includes(String(obj(profile)?.type));
}

function hostOf(handler: unknown): string[] {
  const h = obj(handler);
  return [obj(h?.httpGet)?.host, obj(h?.tcpSocket)?.host].filter(
    (v): v is string => typeof v === "string" && v !== "",
  );
}

/**
 * Checks a Pod spec (and optionally the Pod's metadata, for the AppArmor annotations) against the
 * restricted profile. Returns every violation found; an empty list means PSA `restricted` admits it.
 */
export function checkRestrictedPodSpec(podSpec: unknown, podMetadata?: unknown): RestrictedViolation[] {
  const spec = obj(podSpec) ?? {};
  const podContext = obj(spec.securityContext);
  const containers = containersOf(spec);
  const out: RestrictedViolation[] = [];
  const add = (rule: RestrictedRule, path: string, message: string) => out.push({ rule, path, message });

  // Windows HostProcess containers have full access to the host.
  if (obj(podContext?.windowsOptions)?.hostProcess === true) {
    add("hostProcess", "spec.securityContext.windowsOptions.hostProcess", "hostProcess must not be true");
  }
  for (const c of containers) {
    if (obj(c.securityContext?.windowsOptions)?.hostProcess === true) {
      add(
        "hostProcess",
        `${c.path}.securityContext.windowsOptions.hostProcess`,
        `container "${c.name}": hostProcess must not be true`,
      );
    }
  }

  // Sharing the node's network/PID/IPC namespaces (S4: a hostNetwork pod can sniff NMI traffic).
  for (const field of ["hostNetwork", "hostPID", "hostIPC"]) {
    if (spec[field] === true) add("hostNamespaces", `spec.${field}`, `${field} must not be true`);
  }

  for (const c of containers) {
    const sc = c.securityContext;
    if (sc?.privileged === true) {
      add(
        "privileged",
        `${c.path}.securityContext.privileged`,
        `container "${c.name}" must not be privileged`,
      );
    }

    const caps = obj(sc?.capabilities);
    if (!list(caps?.drop).includes("ALL")) {
      add(
        "capabilities",
        `${c.path}.securityContext.capabilities.drop`,
        `container "${c.name}" must drop ALL capabilities`,
      );
    }
    const extra = list(caps?.add).filter((cap) => cap !== "NET_BIND_SERVICE");
    if (extra.length > 0) {
      add(
        "capabilities",
        `${c.path}.securityContext.capabilities.add`,
        `container "${c.name}" may add only NET_BIND_SERVICE, not ${extra.map(String).join(", ")}`,
      );
    }

    list(c.spec.ports).forEach((p, j) => {
      const hostPort = obj(p)?.hostPort;
      if (hostPort !== undefined && hostPort !== 0) {
        add(
          "hostPorts",
          `${c.path}.ports[${j}].hostPort`,
          `container "${c.name}" must not use hostPort ${JSON.stringify(hostPort)}`,
        );
      }
    });

    const appArmor = sc?.appArmorProfile;
    if (appArmor !== undefined && !profileTypeAllowed(appArmor)) {
      add(
        "appArmorProfile",
        `${c.path}.securityContext.appArmorProfile.type`,
        `container "${c.name}": AppArmor profile must be RuntimeDefault or Localhost`,
      );
    }

    const seLinux = obj(sc?.seLinuxOptions);
    if (seLinux) checkSeLinux(seLinux, `${c.path}.securityContext.seLinuxOptions`, add);

    if (sc?.procMount !== undefined && sc.procMount !== "Default") {
      add(
        "procMount",
        `${c.path}.securityContext.procMount`,
        `container "${c.name}": procMount must be Default, got ${JSON.stringify(sc.procMount)}`,
      );
    }

    // Unlike the pod-level settings below, this one has no pod-level field: each container must say false.
    if (sc?.allowPrivilegeEscalation !== false) {
      add(
        "allowPrivilegeEscalation",
        `${c.path}.securityContext.allowPrivilegeEscalation`,
        `container "${c.name}" must set allowPrivilegeEscalation: false`,
      );
    }

    if (sc?.runAsUser === 0) {
      add("runAsUser", `${c.path}.securityContext.runAsUser`, `container "${c.name}" must not run as UID 0`);
    }

    const lifecycle = obj(c.spec.lifecycle);
    const handlers = [
      ...["livenessProbe", "readinessProbe", "startupProbe"].map((f) => [f, c.spec[f]] as const),
      ...["postStart", "preStop"].map((f) => [`lifecycle.${f}`, lifecycle?.[f]] as const),
    ];
    for (const [field, handler] of handlers) {
      for (const host of hostOf(handler)) {
        add(
          "hostProbesAndHostLifecycle",
          `${c.path}.${field}`,
          `container "${c.name}": ${field} must not set host (${host})`,
        );
      }
    }
  }

  list(spec.volumes).forEach((raw, i) => {
    const volume = obj(raw) ?? {};
    const sources = Object.keys(volume).filter((k) => k !== "name");
    const bad = sources.filter((k) => !RESTRICTED_ALLOWED_VOLUME_TYPES.includes(k));
    if (bad.length > 0 || sources.length === 0) {
      add(
        "restrictedVolumes",
        `spec.volumes[${i}]`,
        `volume "${String(volume.name)}" uses a restricted type: ${bad.join(", ") || "unknown"}`,
      );
    }
  });

  if (podContext?.appArmorProfile !== undefined && !profileTypeAllowed(podContext.appArmorProfile)) {
    add(
      "appArmorProfile",
      "spec.securityContext.appArmorProfile.type",
      "AppArmor profile must be RuntimeDefault or Localhost",
    );
  }
  for (const [key, value] of Object.entries(obj(obj(podMetadata)?.annotations) ?? {})) {
    if (
      key.startsWith(APPARMOR_ANNOTATION_PREFIX) &&
      !(
        value === "" ||
        value === "runtime/default" ||
        (typeof value === "string" && value.startsWith("localhost/"))
      )
    ) {
      add(
        "appArmorProfile",
        `metadata.annotations['${key}']`,
        `AppArmor annotation must be runtime/default or localhost/*, got ${String(value)}`,
      );
    }
  }

  const podSeLinux = obj(podContext?.seLinuxOptions);
  if (podSeLinux) checkSeLinux(podSeLinux, "spec.securityContext.seLinuxOptions", add);

  list(podContext?.sysctls).forEach((raw, i) => {
    const name = obj(raw)?.name;
    if (!SAFE_SYSCTLS.includes(String(name))) {
      add("sysctls", `spec.securityContext.sysctls[${i}]`, `sysctl ${String(name)} is not in the safe set`);
    }
  });

  if (podContext?.runAsUser === 0)
    add("runAsUser", "spec.securityContext.runAsUser", "the pod must not run as UID 0");

  out.push(
    ...inheritedSetting(
      "seccompProfile",
      "seccompProfile",
      podContext,
      containers,
      profileTypeAllowed,
      "seccompProfile.type must be RuntimeDefault or Localhost",
    ),
    ...inheritedSetting(
      "runAsNonRoot",
      "runAsNonRoot",
      podContext,
      containers,
      (v) => v === true,
      "runAsNonRoot must be true",
    ),
  );
  return out;
}

function checkSeLinux(
  options: Obj,
  path: string,
  add: (rule: RestrictedRule, path: string, message: string) => void,
) {
  const type = options.type ?? "";
  if (typeof type !== "string" || !ALLOWED_SELINUX_TYPES.includes(type)) {
    add(
      "seLinuxOptions",
      `${path}.type`,
      `SELinux type must be container_t, container_init_t or container_kvm_t, got ${JSON.stringify(type)}`,
    );
  }
  for (const field of ["user", "role"]) {
    if (typeof options[field] === "string" && options[field] !== "") {
      add("seLinuxOptions", `${path}.${field}`, `SELinux ${field} must not be set`);
    }
  }
}
