/**
 * MIC and NMI are judged by their flags, mounts and image: NMI decides which pod gets which Azure
 * token and MIC which identity lands on which node, so a component running outside the identity
 * namespace, unnamespaced, with the kubenet override, with azure.json, privileged or from an old or
 * foreign image is a way around every other pod-identity control (S1, S4, S5, S6).
 */
import { compareVersions } from "../../../conventions/formats";
import {
  KUBELET_CONFIG_PATH,
  NMI_CAPABILITIES,
  PLATFORM_POOL_TAINT_KEYS,
  TEAM_POOL_KEY,
  XTABLES_LOCK_PATH,
} from "../../../conventions/kubernetes";
import {
  MINIMUM_POD_IDENTITY_VERSION,
  MINIMUM_POD_IDENTITY_VERSION_REASON,
} from "../../../conventions/pod-identity-release";
import type { PolicyConfigSchema } from "@pulumi/policy";
import { configWithDefaults } from "../lib/config";
import { Judge, judged, Props, UNKNOWN } from "../lib/judge";
import { allowedImageRegistriesProperty, identityNamespaceProperty, namespaceOf } from "../lib/kubernetes";
import { PackResourcePolicy, cisTags } from "../lib/metadata";
import { podIdentityComponentOf } from "./support/pod-identity";
import { podTemplateOf, validatePodTemplates } from "./support/workloads";

/**
 * Command-line flags (`--name=value`, `-name=value`, `--name value`, bare `--name` = "true").
 * Go's flag package accepts one or two dashes.
 */
export function parseFlags(tokens: string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < tokens.length; i++) {
    const match = /^--?([A-Za-z][\w.-]*)(?:=(.*))?$/.exec(tokens[i]);
    if (!match) continue;
    if (match[2] !== undefined) flags.set(match[1], match[2]);
    else if (i + 1 < tokens.length && !tokens[i + 1].startsWith("-")) flags.set(match[1], tokens[++i]);
    else flags.set(match[1], "true");
  }
  return flags;
}

/** `[major, minor, patch]` of a `v1.8.17`-style tag; undefined if it is not one. */
export function versionOf(tag: string): [number, number, number] | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(tag);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

/** The tag of an image reference (`repo:tag`, `repo:tag@digest`); undefined for digest-only/untagged. */
export function imageTag(image: string): string | undefined {
  const withoutDigest = image.split("@")[0];
  const lastSlash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.indexOf(":", lastSlash + 1);
  return colon >= 0 ? withoutDigest.slice(colon + 1) : undefined;
}

const componentConfig: PolicyConfigSchema = {
  properties: {
    identityNamespace: identityNamespaceProperty,
    minimumVersion: {
      type: "string",
      pattern: "^v?\\d+\\.\\d+\\.\\d+$",
      default: MINIMUM_POD_IDENTITY_VERSION,
      description: `Oldest aad-pod-identity release allowed (${MINIMUM_POD_IDENTITY_VERSION}; ${MINIMUM_POD_IDENTITY_VERSION_REASON}).`,
    },
    allowedImageRegistries: allowedImageRegistriesProperty,
  },
};

interface ComponentConfig {
  identityNamespace: string;
  minimumVersion: string;
  allowedImageRegistries: string[];
}

function judgeComponent(
  j: Judge,
  component: "mic" | "nmi",
  container: Props,
  spec: Props,
  where: string,
  config: ComponentConfig,
): void {
  const image = j.read(() => container.image as string);
  if (typeof image === "string") {
    if (!config.allowedImageRegistries.some((prefix) => image.startsWith(prefix))) {
      j.report(`${where}: image ${image} is not from ${config.allowedImageRegistries.join(", ")}.`);
    }
    const tag = imageTag(image);
    const version = tag ? versionOf(tag) : undefined;
    if (!version) j.report(`${where}: image ${image} has no version tag, so its release cannot be checked.`);
    else if (compareVersions(version, versionOf(config.minimumVersion)!) < 0) {
      j.report(`${where}: image ${image} is older than ${config.minimumVersion}.`);
    }
  }
  const command = j.list(() => container.command as string[] | undefined);
  const commandArgs = j.list(() => container.args as string[] | undefined);
  // Unknown tokens are skipped; "flag missing" is only decided when every token is known.
  const tokens = {
    known: [...command.known, ...commandArgs.known],
    complete: command.complete && commandArgs.complete,
  };
  const flags = parseFlags(tokens.known);
  const env = new Map(
    j
      .items(() => container.env as Props[] | undefined)
      .map((e) => [j.read(() => e.name as string), j.read(() => e.value as string | undefined)]),
  );
  const namespaced = flags.get("forceNamespaced") === "true" || env.get("FORCENAMESPACED") === "true";
  if (!namespaced && tokens.complete) {
    j.report(
      `${where}: ${component.toUpperCase()} does not run in namespaced mode (--forceNamespaced=true).`,
    );
  }
  const requireFlag = (flag: string, why: string) => {
    const value = flags.get(flag);
    if (value === undefined && !tokens.complete) return;
    if (value !== config.identityNamespace) {
      j.report(
        `${where}: --${flag} is ${JSON.stringify(value ?? "default (unset)")}, must be ${JSON.stringify(config.identityNamespace)}: ${why}.`,
      );
    }
  };
  const requireTrue = (flag: string, why: string) => {
    const value = flags.get(flag);
    if (value === undefined && !tokens.complete) return;
    if (value !== "true") {
      j.report(
        `${where}: --${flag} is ${JSON.stringify(value ?? "default (unset)")}, must be "true": ${why}.`,
      );
    }
  };
  if (component === "nmi") {
    requireFlag("MICNamespace", "NMI trusts any mic-* ReplicaSet there with raw node tokens (S6)");
    requireTrue("metadata-header-required", "without it an SSRF in an app can request tokens from IMDS");
    requireTrue("block-instance-metadata", "pods would read node and VMSS details from /metadata/instance");
    requireTrue(
      "enable-conntrack-deletion",
      "connections opened before NMI's iptables rules would keep reaching IMDS directly",
    );
    if (flags.get("allow-network-plugin-kubenet") === "true") {
      j.report(`${where}: --allow-network-plugin-kubenet=true accepts kubenet's ARP-spoofing risk (S4).`);
    }
  } else {
    requireFlag("leader-election-namespace", "MIC's leader lock must not live in a shared namespace");
    const immutable = flags.get("immutable-user-msis");
    if ((immutable === undefined || immutable === "" || immutable === "true") && tokens.complete) {
      j.report(
        `${where}: --immutable-user-msis names no identity; MIC could unassign the kubelet identity from the node pools.`,
      );
    }
    const cloudConfig = flags.get("cloudconfig");
    if (cloudConfig !== undefined && cloudConfig !== "") {
      j.report(`${where}: --cloudconfig=${cloudConfig} makes MIC read the cluster credential file (S5).`);
    }
    for (const volume of j.items(() => spec.volumes as Props[] | undefined)) {
      j.check(
        () => volume.hostPath !== undefined,
        () =>
          `${where}: MIC mounts hostPath ${JSON.stringify(volume.hostPath?.path)} (azure.json holds the cluster credential, S5).`,
      );
    }
  }
  judgeShape(j, component, container, spec, where);
}

/**
 * NMI must run on every Linux node that runs pods: where it does not run (or stops), its iptables
 * rules are gone and every pod on the node reaches IMDS, with every identity assigned there.
 */
function judgeNmiPlacement(j: Judge, spec: Props, where: string): void {
  const tolerations = j.list(() => spec.tolerations as Props[] | undefined);
  if (tolerations.complete) {
    const tolerated = (key: string) =>
      tolerations.known.some(
        (t) =>
          (t.key === key || (t.key === undefined && t.operator === "Exists")) &&
          (t.operator === "Exists" || t.operator === undefined) &&
          (t.effect === undefined || t.effect === "NoSchedule"),
      );
    const missing = [...PLATFORM_POOL_TAINT_KEYS, TEAM_POOL_KEY].filter((k) => !tolerated(k));
    if (missing.length > 0)
      j.report(
        `${where}: NMI does not tolerate ${missing.join(", ")} (operator Exists): nodes with those taints would run pods without NMI, and they would reach IMDS.`,
      );
  }
  const selector = j.map(() => spec.nodeSelector as Record<string, string> | undefined);
  const os = new Map(selector.known).get("kubernetes.io/os");
  const others = selector.known.filter(([k]) => k !== "kubernetes.io/os").map(([k]) => k);
  if ((os !== undefined && os !== "linux") || others.length > 0)
    j.report(
      `${where}: NMI's nodeSelector ${JSON.stringify(Object.fromEntries(selector.known))} leaves Linux nodes without NMI (select kubernetes.io/os=linux only).`,
    );
  if (j.read(() => (spec.affinity as Props | undefined)?.nodeAffinity) !== undefined)
    j.report(`${where}: NMI has a node affinity: it must run on every Linux node.`);
}

/**
 * What the component's pod may do on its node: NMI needs the host network (its iptables rules must
 * be the node's, or every pod reaches IMDS directly), three capabilities and two hostPaths; MIC needs
 * none of these. Neither runs privileged or may gain privileges.
 */
function judgeShape(j: Judge, component: "mic" | "nmi", container: Props, spec: Props, where: string): void {
  const security = (field: string) => j.read(() => (container.securityContext as Props | undefined)?.[field]);
  if (security("privileged") === true) j.report(`${where}: ${component.toUpperCase()} runs privileged.`);
  const readOnly = security("readOnlyRootFilesystem");
  if (readOnly !== UNKNOWN && readOnly !== true)
    j.report(`${where}: ${component.toUpperCase()} must set readOnlyRootFilesystem: true.`);
  const escalation = security("allowPrivilegeEscalation");
  if (escalation !== UNKNOWN && escalation !== false)
    j.report(`${where}: ${component.toUpperCase()} must set allowPrivilegeEscalation: false.`);
  // `add` stacks on the runtime's default set (DAC_OVERRIDE, SETUID...): only `drop: [ALL]` removes it.
  const dropped = j.list(
    () => (container.securityContext as Props | undefined)?.capabilities?.drop as string[] | undefined,
  );
  if (dropped.complete && !dropped.known.some((c) => typeof c === "string" && c.toUpperCase() === "ALL"))
    j.report(`${where}: ${component.toUpperCase()} must drop ALL capabilities (capabilities.drop: [ALL]).`);
  const allowed = component === "nmi" ? NMI_CAPABILITIES : [];
  const added = j.items(
    () => (container.securityContext as Props | undefined)?.capabilities?.add as string[] | undefined,
  );
  const extra = added.filter(
    (c) => typeof c === "string" && !allowed.includes(c.toUpperCase().replace(/^CAP_/, "")),
  );
  if (extra.length > 0)
    j.report(
      `${where}: ${component.toUpperCase()} adds capabilities ${extra.join(", ")} (allowed: ${allowed.join(", ") || "none"}).`,
    );
  for (const field of ["hostPID", "hostIPC"]) {
    if (j.read(() => spec[field]) === true) j.report(`${where}: ${component.toUpperCase()} sets ${field}.`);
  }
  const hostNetwork = j.read(() => spec.hostNetwork);
  if (component === "nmi") {
    if (hostNetwork !== UNKNOWN && hostNetwork !== true)
      j.report(
        `${where}: NMI must run on the host network: its iptables rules would otherwise not be the node's, and every pod would reach IMDS directly.`,
      );
    judgeNmiPlacement(j, spec, where);
    const hostVolumes = new Set<string>();
    for (const volume of j.items(() => spec.volumes as Props[] | undefined)) {
      const path = j.read(() => (volume.hostPath as Props | undefined)?.path);
      const name = j.read(() => volume.name);
      if (path === KUBELET_CONFIG_PATH && typeof name === "string") hostVolumes.add(name);
      if (typeof path === "string" && path !== XTABLES_LOCK_PATH && path !== KUBELET_CONFIG_PATH)
        j.report(
          `${where}: NMI mounts hostPath ${JSON.stringify(path)}; it needs only ${XTABLES_LOCK_PATH} and ${KUBELET_CONFIG_PATH}.`,
        );
    }
    // A writable kubelet configuration would let NMI (root on the host network) rewrite the kubelet's flags.
    for (const mount of j.items(() => container.volumeMounts as Props[] | undefined)) {
      const name = j.read(() => mount.name);
      const readOnly = j.read(() => mount.readOnly);
      if (typeof name === "string" && hostVolumes.has(name) && readOnly !== UNKNOWN && readOnly !== true)
        j.report(`${where}: NMI mounts ${KUBELET_CONFIG_PATH} writable; mount it readOnly.`);
    }
  } else {
    if (hostNetwork === true)
      j.report(`${where}: MIC runs on the host network; it needs only the pod network.`);
    const nonRoot = j.read(
      () =>
        (container.securityContext as Props | undefined)?.runAsNonRoot ??
        (spec.securityContext as Props | undefined)?.runAsNonRoot,
    );
    if (nonRoot !== UNKNOWN && nonRoot !== true)
      j.report(`${where}: MIC must run as non-root (runAsNonRoot: true).`);
  }
}

export const podIdentityComponentsHardened: PackResourcePolicy = {
  name: "pod-identity-components-hardened",
  description:
    "MIC and NMI run in the identity namespace (and nothing else does), in namespaced mode, with --MICNamespace and MIC's leader election in the identity namespace, NMI without the kubenet override and on the host network with its three capabilities and two hostPaths only, MIC without azure.json, any hostPath, the host network or root, neither privileged nor able to escalate nor writing its root filesystem, from the allowed registry at v1.8.13 or newer.",
  severity: "critical",
  remediationSteps:
    "Use the blueprint's PodIdentity component, or set on NMI `--forceNamespaced=true --MICNamespace=<identity ns> --allow-network-plugin-kubenet=false` and on MIC `--forceNamespaced=true --leader-election-namespace=<identity ns>` with its Azure context from environment variables (no --cloudconfig, no hostPath); image mcr.microsoft.com/oss/azure/aad-pod-identity/{mic,nmi}:v1.8.17.",
  tags: cisTags(["5.1.4"]),
  configSchema: componentConfig,
  validateResource: validatePodTemplates((kind, props, args, report) =>
    judged(report, (j) => {
      const config = configWithDefaults<ComponentConfig>(componentConfig, args);
      const template = j.read(() => podTemplateOf(kind, props));
      if (template === UNKNOWN || !template.spec) return;
      const spec = template.spec;
      const containers = j.items(() => spec.containers as Props[] | undefined);
      const namespace = namespaceOf(j, props);
      let found = false;
      // Init containers are judged like the others: one with MIC's image runs with MIC's account.
      const initContainers = j.items(() => spec.initContainers as Props[] | undefined);
      for (const container of [...containers, ...initContainers]) {
        const image = j.read(() => container.image as string);
        const component = typeof image === "string" ? podIdentityComponentOf(image) : undefined;
        if (!component) continue;
        found = true;
        judgeComponent(j, component, container, spec, `${kind} ${args.name}`, config);
      }
      // The identity namespace runs MIC and NMI alone (twin of aks-hardening-identity-namespace-workloads):
      // an image the pack does not recognise as either would otherwise escape every check above.
      if (namespace === config.identityNamespace) {
        for (const container of [...containers, ...initContainers]) {
          const image = j.read(() => container.image as string);
          if (typeof image === "string" && !podIdentityComponentOf(image))
            j.report(
              `${kind} ${args.name} runs image ${image} in the identity namespace ${JSON.stringify(config.identityNamespace)}, where only MIC and NMI from ${config.allowedImageRegistries.join(", ")} may run.`,
            );
        }
      }
      if (!found) return;
      if (namespace !== UNKNOWN && namespace !== config.identityNamespace) {
        j.report(
          `${kind} ${args.name} runs aad-pod-identity in ${JSON.stringify(namespace ?? "default")}; it must run in ${JSON.stringify(config.identityNamespace)}.`,
        );
      }
    }),
  ),
};
