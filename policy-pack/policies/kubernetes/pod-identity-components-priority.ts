/**
 * MIC and NMI run at the system priority classes (issue 13), so no application pod can preempt them:
 * NMI removes its iptables rules when it stops, which opens IMDS, and every identity assigned to the
 * node, to every pod there.
 */
import { MIC_PRIORITY_CLASS, NMI_PRIORITY_CLASS } from "../../../conventions/kubernetes";
import { judged, Props, UNKNOWN } from "../lib/judge";
import { PackResourcePolicy } from "../lib/metadata";
import { podIdentityComponentOf } from "./support/pod-identity";
import { podTemplateOf, validatePodTemplates } from "./support/workloads";

/** The priority class each aad-pod-identity component must run at. */
export const POD_IDENTITY_PRIORITY_CLASSES = {
  nmi: NMI_PRIORITY_CLASS,
  mic: MIC_PRIORITY_CLASS,
} as const;

export const podIdentityComponentsPriority: PackResourcePolicy = {
  name: "pod-identity-components-priority",
  description:
    "NMI runs at priorityClassName system-node-critical and MIC at system-cluster-critical, so no application pod can preempt them (NMI removes its iptables rules when it stops, opening IMDS on its node).",
  severity: "high",
  remediationSteps:
    "Set priorityClassName: system-node-critical in NMI's DaemonSet and system-cluster-critical in MIC's Deployment (the blueprint's PodIdentity component does).",
  tags: [],
  validateResource: validatePodTemplates((kind, props, args, report) =>
    judged(report, (j) => {
      const template = j.read(() => podTemplateOf(kind, props));
      if (template === UNKNOWN || !template.spec) return;
      const spec: Props = template.spec;
      const components = new Set<"mic" | "nmi">();
      for (const container of j.items(() => spec.containers as Props[] | undefined)) {
        const image = j.read(() => container.image as string);
        const component = typeof image === "string" ? podIdentityComponentOf(image) : undefined;
        if (component) components.add(component);
      }
      for (const component of components) {
        const wanted = POD_IDENTITY_PRIORITY_CLASSES[component];
        j.check(
          () => spec.priorityClassName !== wanted,
          () =>
            `${kind} ${args.name}: ${component.toUpperCase()} runs at priorityClassName ${JSON.stringify(spec.priorityClassName ?? "(none)")}, must be ${wanted}.`,
        );
      }
    }),
  ),
};
