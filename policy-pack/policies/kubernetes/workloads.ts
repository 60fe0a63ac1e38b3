/**
 * Workloads of every kind that carries a pod template may not take host namespaces, host paths,
 * privilege or network capabilities, nor run as root, anywhere but the exempt (identity) namespace.
 * This is the IaC-time twin of PSA `restricted`: it refuses at preview what admission would only
 * refuse at pod creation (PSA enforces on Pods, not on Deployments).
 */
import { PolicyConfigSchema, ResourceValidation, validateResourceOfType } from "@pulumi/policy";
import { Pod } from "@pulumi/kubernetes/core/v1/pod";
import { DaemonSet } from "@pulumi/kubernetes/apps/v1/daemonSet";
import { Deployment } from "@pulumi/kubernetes/apps/v1/deployment";
import { ReplicaSet } from "@pulumi/kubernetes/apps/v1/replicaSet";
import { StatefulSet } from "@pulumi/kubernetes/apps/v1/statefulSet";
import { CronJob } from "@pulumi/kubernetes/batch/v1/cronJob";
import { Job } from "@pulumi/kubernetes/batch/v1/job";
import type { ReportViolation, ResourceValidationArgs } from "@pulumi/policy";
import { configWithDefaults } from "../lib/config";
import { Judge, judged, Props, UNKNOWN } from "../lib/judge";
import { namespaceOf } from "../lib/kubernetes";
import { PackResourcePolicy, tags } from "../lib/metadata";

/** Where the pod spec and pod metadata sit in an object of each kind. */
export interface PodTemplate {
  spec: Props | undefined;
  metadata: Props | undefined;
}

export function podTemplateOf(kind: string, props: Props): PodTemplate {
  switch (kind) {
    case "Pod":
      return { spec: props.spec, metadata: props.metadata };
    case "CronJob":
      return {
        spec: props.spec?.jobTemplate?.spec?.template?.spec,
        metadata: props.spec?.jobTemplate?.spec?.template?.metadata,
      };
    default:
      return { spec: props.spec?.template?.spec, metadata: props.spec?.template?.metadata };
  }
}

/** The concrete classes whose objects carry a pod template, by kind. */
export const POD_TEMPLATE_CLASSES = {
  Pod,
  Deployment,
  StatefulSet,
  DaemonSet,
  ReplicaSet,
  Job,
  CronJob,
} as const;

/**
 * One `validateResourceOfType` per pod-template kind, each handing `validate` the kind's name, so a
 * policy covers every kind without repeating itself.
 */
export function validatePodTemplates(
  validate: (kind: string, props: Props, args: ResourceValidationArgs, report: ReportViolation) => void,
): ResourceValidation[] {
  return Object.entries(POD_TEMPLATE_CLASSES).map(([kind, resourceClass]) =>
    validateResourceOfType(resourceClass as typeof Deployment, (props, args, report) =>
      validate(kind, props as Props, args, report),
    ),
  );
}

const workloadConfig: PolicyConfigSchema = {
  properties: {
    exemptNamespaces: {
      type: "array",
      items: { type: "string" },
      default: ["aad-pod-identity"],
      description:
        "Namespaces whose workloads are not judged (the platform's identity namespace, where NMI needs host access).",
    },
    forbiddenCapabilities: {
      type: "array",
      items: { type: "string" },
      default: ["NET_ADMIN", "NET_RAW", "SYS_ADMIN", "ALL"],
      description: "Linux capabilities no container may add.",
    },
  },
};

interface WorkloadConfig {
  exemptNamespaces: string[];
  forbiddenCapabilities: string[];
}

/** Judges one pod spec; `where` prefixes every message (e.g. `Deployment web`). */
export function judgePodSpec(j: Judge, spec: Props, where: string, config: WorkloadConfig): void {
  for (const field of ["hostNetwork", "hostPID", "hostIPC"]) {
    j.check(
      () => spec[field] === true,
      `${where}: ${field} is true (host namespaces are refused outside the identity namespace).`,
    );
  }
  for (const volume of j.items(() => spec.volumes as Props[] | undefined)) {
    j.check(
      () => volume.hostPath !== undefined,
      () => `${where}: volume ${JSON.stringify(volume.name)} mounts a hostPath.`,
    );
  }
  const podRunAsNonRoot = j.read(() => spec.securityContext?.runAsNonRoot as boolean | undefined);
  const podRunAsUser = j.read(() => spec.securityContext?.runAsUser as number | undefined);
  const containers = [
    ...j.items(() => spec.containers as Props[] | undefined),
    ...j.items(() => spec.initContainers as Props[] | undefined),
    ...j.items(() => spec.ephemeralContainers as Props[] | undefined),
  ];
  for (const container of containers) {
    const name = j.read(() => container.name as string);
    const c = `${where}: container ${JSON.stringify(name === UNKNOWN ? "(unknown)" : name)}`;
    j.check(() => container.securityContext?.privileged === true, `${c} is privileged.`);
    j.check(
      () => container.securityContext?.allowPrivilegeEscalation !== false,
      `${c} does not set allowPrivilegeEscalation: false.`,
    );
    for (const capability of j.items(
      () => container.securityContext?.capabilities?.add as string[] | undefined,
    )) {
      if (config.forbiddenCapabilities.includes(capability.toUpperCase().replace(/^CAP_/, ""))) {
        j.report(`${c} adds capability ${capability}.`);
      }
    }
    const dropped = j.list(() => container.securityContext?.capabilities?.drop as string[] | undefined);
    if (dropped.complete && !dropped.known.some((d) => d.toUpperCase() === "ALL")) {
      j.report(`${c} does not drop ALL capabilities (NET_RAW is granted by default).`);
    }
    const runAsUser = j.read(() => container.securityContext?.runAsUser as number | undefined);
    const user = runAsUser === undefined ? podRunAsUser : runAsUser;
    if (user === 0) j.report(`${c} runs as user 0 (root).`);
    const nonRoot = j.read(() => container.securityContext?.runAsNonRoot as boolean | undefined);
    const effectiveNonRoot = nonRoot === undefined ? podRunAsNonRoot : nonRoot;
    if (
      effectiveNonRoot !== UNKNOWN &&
      effectiveNonRoot !== true &&
      user !== UNKNOWN &&
      (user === undefined || user === 0)
    ) {
      j.report(`${c} may run as root: set runAsNonRoot: true (pod or container securityContext).`);
    }
  }
}

export const k8sWorkloadPodSecurity: PackResourcePolicy = {
  name: "k8s-workload-pod-security",
  description:
    "Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs and CronJobs outside the identity namespace are not privileged, use no host network/PID/IPC or hostPath, add no NET_ADMIN/NET_RAW/SYS_ADMIN, drop ALL capabilities, forbid privilege escalation and do not run as root.",
  severity: "critical",
  remediationSteps:
    'In the pod template set `securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } }` and per container `securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } }`; remove hostNetwork/hostPID/hostIPC, hostPath volumes, privileged and added capabilities.',
  tags: tags(["S4", "S5"], ["4.2.1", "4.2.2", "4.2.3", "4.2.4", "4.2.5"]),
  configSchema: workloadConfig,
  validateResource: validatePodTemplates((kind, props, args, report) =>
    judged(report, (j) => {
      const config = configWithDefaults<WorkloadConfig>(workloadConfig, args);
      // An unknown namespace could be anything, including a team's: judge the literals anyway.
      const namespace = namespaceOf(j, props);
      if (typeof namespace === "string" && config.exemptNamespaces.includes(namespace)) return;
      const template = j.read(() => podTemplateOf(kind, props));
      if (template === UNKNOWN || !template.spec) return;
      judgePodSpec(j, template.spec, `${kind} ${args.name}`, config);
    }),
  ),
};
