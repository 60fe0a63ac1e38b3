/**
 * Preview-time twins of the admission rules that keep team pods away from NMI and the system pool,
 * and of the Service externalIPs rule (issue 13): a workload outside the exempt namespaces may not
 * use a `system-*` priority class (it would preempt NMI on its node), tolerate a platform pool's
 * taint (or every taint), or set `spec.nodeName`; a Service may not set `spec.externalIPs`
 * (CVE-2020-8554); MIC and NMI themselves run at the system priority classes.
 */
import {
  DEFAULT_IDENTITY_NAMESPACE,
  MIC_PRIORITY_CLASS,
  NMI_PRIORITY_CLASS,
  PLATFORM_POOL_TAINT_KEYS,
} from "../../../conventions/kubernetes";
import { PolicyConfigSchema, validateResourceOfType } from "@pulumi/policy";
import { Service } from "@pulumi/kubernetes/core/v1/service";
import { configWithDefaults } from "../lib/config";
import { judged, Props, UNKNOWN } from "../lib/judge";
import { namespaceOf } from "../lib/kubernetes";
import { PackResourcePolicy } from "../lib/metadata";
import { podIdentityComponentOf } from "./pod-identity";
import { podTemplateOf, validatePodTemplates } from "./workloads";

const placementConfig: PolicyConfigSchema = {
  properties: {
    exemptNamespaces: {
      type: "array",
      items: { type: "string" },
      default: [DEFAULT_IDENTITY_NAMESPACE, "kube-system"],
      description:
        "Namespaces whose workloads may use system priority classes and platform-pool tolerations (the platform's own).",
    },
    reservedTaintKeys: {
      type: "array",
      items: { type: "string" },
      default: [...PLATFORM_POOL_TAINT_KEYS],
      description:
        "Taint keys of node pools reserved to the platform (the AKS system pool's CriticalAddonsOnly).",
    },
  },
};

interface PlacementConfig {
  exemptNamespaces: string[];
  reservedTaintKeys: string[];
}

export const k8sWorkloadPlacement: PackResourcePolicy = {
  name: "k8s-workload-placement",
  description:
    "Workloads outside the platform's namespaces use no system-* priority class (they would preempt NMI), tolerate no platform node-pool taint (CriticalAddonsOnly, or every taint) and set no spec.nodeName.",
  severity: "high",
  remediationSteps:
    "Remove priorityClassName system-node-critical/system-cluster-critical (use a team PriorityClass of value <= 1000000000), the CriticalAddonsOnly or empty-key Exists toleration, and spec.nodeName (use nodeSelector/affinity on user-pool labels).",
  tags: [],
  configSchema: placementConfig,
  validateResource: validatePodTemplates((kind, props, args, report) =>
    judged(report, (j) => {
      const config = configWithDefaults<PlacementConfig>(placementConfig, args);
      const namespace = namespaceOf(j, props);
      if (typeof namespace === "string" && config.exemptNamespaces.includes(namespace)) return;
      const template = j.read(() => podTemplateOf(kind, props));
      if (template === UNKNOWN || !template.spec) return;
      const spec: Props = template.spec;
      const where = `${kind} ${args.name}`;
      const priorityClass = j.read(() => spec.priorityClassName as string | undefined);
      if (typeof priorityClass === "string" && priorityClass.startsWith("system-")) {
        j.report(
          `${where}: priorityClassName ${priorityClass} is reserved to the platform (it preempts NMI).`,
        );
      }
      for (const toleration of j.items(() => spec.tolerations as Props[] | undefined)) {
        const key = j.read(() => toleration.key as string | undefined);
        const operator = j.read(() => toleration.operator as string | undefined);
        if (typeof key === "string" && key !== "" && config.reservedTaintKeys.includes(key)) {
          j.report(`${where}: tolerates ${key}, a platform node pool's taint.`);
        } else if ((key === undefined || key === "") && operator === "Exists") {
          j.report(
            `${where}: tolerates every taint (empty key with operator Exists), platform pools included.`,
          );
        }
      }
      j.check(
        () => typeof spec.nodeName === "string" && spec.nodeName !== "",
        () => `${where}: spec.nodeName ${JSON.stringify(spec.nodeName)} skips the scheduler's taint checks.`,
      );
    }),
  ),
};

export const k8sServiceNoExternalIps: PackResourcePolicy = {
  name: "k8s-service-no-external-ips",
  description:
    "No Service sets spec.externalIPs: kube-proxy would send traffic for those addresses (cluster DNS, other teams, nodes) to the Service's pods (CVE-2020-8554).",
  severity: "high",
  remediationSteps:
    "Remove spec.externalIPs; expose the Service through an internal LoadBalancer or an ingress the platform runs.",
  tags: [],
  validateResource: validateResourceOfType(Service, (props, args, report) =>
    judged(report, (j) => {
      const ips = j.items(() => (props as Props).spec?.externalIPs as string[] | undefined);
      if (ips.length > 0)
        j.report(`Service ${args.name}: spec.externalIPs ${ips.join(", ")} (CVE-2020-8554).`);
    }),
  ),
};

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

export const placementPolicies: PackResourcePolicy[] = [
  k8sWorkloadPlacement,
  k8sServiceNoExternalIps,
  podIdentityComponentsPriority,
];
