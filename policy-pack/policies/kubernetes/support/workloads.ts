/**
 * Where each kind that carries a pod template keeps it, and one validation per such kind: what the
 * policies that judge pods (Pod Security in `stack/k8s-workload-pod-security.ts`, pod identity) share.
 */
import { ResourceValidation, validateResourceOfType } from "@pulumi/policy";
import { Pod } from "@pulumi/kubernetes/core/v1/pod";
import { DaemonSet } from "@pulumi/kubernetes/apps/v1/daemonSet";
import { Deployment } from "@pulumi/kubernetes/apps/v1/deployment";
import { ReplicaSet } from "@pulumi/kubernetes/apps/v1/replicaSet";
import { StatefulSet } from "@pulumi/kubernetes/apps/v1/statefulSet";
import { CronJob } from "@pulumi/kubernetes/batch/v1/cronJob";
import { Job } from "@pulumi/kubernetes/batch/v1/job";
import type { ReportViolation, ResourceValidationArgs } from "@pulumi/policy";
import { Props } from "../../lib/judge";

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
