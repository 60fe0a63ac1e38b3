/**
 * Preview-time twin of the admission rule that keeps team pods away from NMI and the system pool
 * (issue 13): a workload outside the exempt namespaces may not use a `system-*` priority class (it
 * would preempt NMI on its node, and NMI's iptables rules go with it), tolerate a platform pool's
 * taint (or every taint), or set `spec.nodeName` (which skips the scheduler's taint checks).
 */
import { DEFAULT_IDENTITY_NAMESPACE, PLATFORM_POOL_TAINT_KEYS } from "../../../conventions/kubernetes";
import type { PolicyConfigSchema } from "@pulumi/policy";
import { configWithDefaults } from "../lib/config";
import { judged, Props, UNKNOWN } from "../lib/judge";
import { namespaceOf } from "../lib/kubernetes";
import { PackResourcePolicy } from "../lib/metadata";
import { podTemplateOf, validatePodTemplates } from "./support/workloads";

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
