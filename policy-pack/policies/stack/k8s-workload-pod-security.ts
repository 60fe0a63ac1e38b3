/**
 * Every workload (each pod-template kind) passes Pod Security at the level and version of the
 * namespace it lands in, judged at preview with the same implementation the team component uses
 * (`conventions/pod-security.ts`). PSA itself judges only Pods, at creation: a Deployment it would
 * refuse is accepted and then never gets a pod, so the pack refuses it first.
 *
 * The namespace's level and version come from its labels when the stack declares it, else from
 * the config (exempt namespaces are privileged), else `defaultLevel` at `defaultVersion`.
 */
import { DEFAULT_IDENTITY_NAMESPACE } from "../../../conventions/kubernetes";
import type { PolicyConfigSchema, PolicyResource } from "@pulumi/policy";
import {
  checksFor,
  formatLevelVersion,
  levelVersionOf,
  LevelVersion,
  OLDEST_SUPPORTED_VERSION,
  parsePodSecurityVersion,
  POD_SECURITY_VERSION_PATTERN,
  PodSecurityCheck,
} from "../../../conventions/pod-security";
import { isPatchDelivered } from "../lib/by-object";
import { configWithDefaults } from "../lib/config";
import { Judge, judged, Props, UNKNOWN } from "../lib/judge";
import { effectiveNamespace, kubernetesKindOf } from "../lib/kubernetes";
import { PackStackPolicy, cisTags } from "../lib/metadata";
import { podTemplateOf, POD_TEMPLATE_CLASSES } from "../kubernetes/support/workloads";
import { namespacesByName } from "./support/stack-index";

const POD_TEMPLATE_TYPES = new Set(
  Object.values(POD_TEMPLATE_CLASSES).map((c) => (c as unknown as { __pulumiType: string }).__pulumiType),
);

/** Where the pod template sits in an object of each kind, as a field path prefix. */
function templatePath(kind: string): string {
  if (kind === "Pod") return "";
  if (kind === "CronJob") return "spec.jobTemplate.spec.template.";
  return "spec.template.";
}

const workloadConfig: PolicyConfigSchema = {
  properties: {
    exemptNamespaces: {
      type: "array",
      items: { type: "string" },
      default: [DEFAULT_IDENTITY_NAMESPACE],
      description:
        "Namespaces judged as privileged when the stack does not declare them (the platform's identity namespace, where NMI needs host access).",
    },
    defaultLevel: {
      type: "string",
      enum: ["baseline", "restricted"],
      default: "restricted",
      description: "The level a workload is judged at when its namespace is not declared in the stack.",
    },
    defaultVersion: {
      type: "string",
      pattern: POD_SECURITY_VERSION_PATTERN,
      default: "latest",
      description: "The version (`latest` or `v1.N`) used with defaultLevel.",
    },
    forbiddenCapabilities: {
      type: "array",
      items: { type: "string" },
      default: ["NET_ADMIN", "NET_RAW", "SYS_ADMIN", "ALL"],
      description:
        "Linux capabilities no container may add outside a privileged namespace, Windows pods included (PSA restricted skips capabilities on Windows).",
    },
  },
};

interface WorkloadConfig {
  exemptNamespaces: string[];
  defaultLevel: "baseline" | "restricted";
  defaultVersion: string;
  forbiddenCapabilities: string[];
}

/** What the workload's namespace enforces, or `UNKNOWN` when its labels are not known yet. */
function namespacePolicy(
  j: Judge,
  namespace: string,
  declared: PolicyResource | undefined,
  config: WorkloadConfig,
): LevelVersion | typeof UNKNOWN {
  const fallback: LevelVersion = {
    level: config.exemptNamespaces.includes(namespace) ? "privileged" : config.defaultLevel,
    version: parsePodSecurityVersion(config.defaultVersion) ?? "latest",
  };
  if (!declared) return fallback;
  const labels = j.map(() => declared.props.metadata?.labels as Record<string, unknown> | undefined);
  // A level label still unknown could be anything: the workload waits for `up`.
  if (!labels.complete) return UNKNOWN;
  // A declared namespace without an enforce label gets the cluster default, which AKS leaves
  // privileged; the pack judges it at the configured default instead (stricter, on purpose).
  return levelVersionOf(Object.fromEntries(labels.known), fallback);
}

/** The pack policy; `onlyChecks` narrows it to some PSA checks (the bench's "before" mix). */
export function workloadPodSecurityPolicy(options: { onlyChecks?: readonly string[] } = {}): PackStackPolicy {
  const selected = (checks: PodSecurityCheck[]) =>
    options.onlyChecks ? checks.filter((c) => options.onlyChecks!.includes(c.id)) : checks;
  return {
    name: "k8s-workload-pod-security",
    description:
      "Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs and CronJobs pass the Pod Security Standards (baseline or restricted, at the pinned version) of their namespace: its labels when the stack declares it, else the config (default restricted).",
    severity: "critical",
    remediationSteps:
      'In the pod template set `securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } }` and per container `securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } }`; remove hostNetwork/hostPID/hostIPC, hostPath and other non-restricted volumes, hostPorts, privileged and added capabilities. The message names the PSA check and the field.',
    tags: cisTags(["4.2.1", "4.2.2", "4.2.3", "4.2.4", "4.2.5"]),
    configSchema: workloadConfig,
    validateStack: (args, report) =>
      judged(report, (j) => {
        const config = configWithDefaults<WorkloadConfig>(workloadConfig, args);
        const namespaces = namespacesByName(j, args.resources);
        for (const r of args.resources) {
          if (!POD_TEMPLATE_TYPES.has(r.type)) continue;
          const kind = kubernetesKindOf(r.type)!.kind;
          // An unknown namespace could be a team's: judge the pod at the default level.
          const namespace = effectiveNamespace(j, r.props, r.provider);
          const policy =
            namespace === UNKNOWN
              ? {
                  level: config.defaultLevel,
                  version: parsePodSecurityVersion(config.defaultVersion) ?? "latest",
                }
              : namespacePolicy(j, namespace, namespaces.get(namespace), config);
          if (policy === UNKNOWN || policy.level === "privileged") continue;
          const template = j.read(() => podTemplateOf(kind, r.props as Props));
          if (template === UNKNOWN || !template.spec) continue;
          const where = `${kind} ${r.name}${typeof namespace === "string" ? ` in namespace ${namespace}` : ""}`;
          if (typeof policy.version === "number" && policy.version < OLDEST_SUPPORTED_VERSION) {
            j.report(
              `${where}: its namespace pins Pod Security to v1.${policy.version}, older than the oldest version the blueprint supports (v1.${OLDEST_SUPPORTED_VERSION}).`,
              r.urn,
            );
            continue;
          }
          const prefix = templatePath(kind);
          const pod = { metadata: template.metadata, spec: template.spec };
          const patch = isPatchDelivered(r.props);
          for (const check of selected(checksFor(policy.level, policy.version))) {
            const violations = j.read(() => check.run(pod));
            if (violations === UNKNOWN) continue;
            for (const v of violations) {
              // A patch answers only for the fields it sets, not for what it leaves to the object's owner.
              if (patch && setAt(pod, v.path) === undefined) continue;
              j.report(
                `${where} violates PodSecurity "${formatLevelVersion(policy)}": ${v.check} at ${prefix}${v.path}: ${v.reason} (${v.detail}).`,
                r.urn,
              );
            }
          }
          judgeForbiddenCapabilities(j, template.spec, where, prefix, config.forbiddenCapabilities, r.urn);
        }
      }),
  };
}

/** The pack's own rule beside PSA: some capabilities are never added, whatever the pod's OS. */
function judgeForbiddenCapabilities(
  j: Judge,
  spec: Props,
  where: string,
  prefix: string,
  forbidden: string[],
  urn: string,
): void {
  for (const field of ["initContainers", "containers", "ephemeralContainers"]) {
    j.items(() => spec[field] as Props[] | undefined).forEach((container, i) => {
      j.items(() => container?.securityContext?.capabilities?.add as unknown[] | undefined).forEach(
        (cap, k) => {
          if (typeof cap === "string" && forbidden.includes(cap.toUpperCase().replace(/^CAP_/, ""))) {
            j.report(
              `${where}: forbiddenCapabilities at ${prefix}spec.${field}[${i}].securityContext.capabilities.add[${k}]: adds ${cap}, which the pack refuses outside a privileged namespace.`,
              urn,
            );
          }
        },
      );
    });
  }
}

export const k8sWorkloadPodSecurity = workloadPodSecurityPolicy();

/** The value at a PSA field path such as `spec.containers[0].securityContext.privileged`. */
function setAt(root: unknown, path: string): unknown {
  let value: unknown = root;
  for (const part of path.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== "")) {
    if (value === null || typeof value !== "object") return undefined;
    try {
      value = (value as Record<string, unknown>)[part];
    } catch {
      return undefined; // an unknown value: not set by a literal
    }
  }
  return value;
}
