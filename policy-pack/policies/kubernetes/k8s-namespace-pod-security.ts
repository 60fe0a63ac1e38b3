/**
 * Pod Security Admission on every namespace: AKS has no cluster-wide PSA default, so a namespace
 * without `pod-security.kubernetes.io/enforce` admits privileged, hostNetwork and NET_RAW pods, the
 * tools of S4 (sniffing NMI traffic) and of node escapes.
 */
import { DEFAULT_IDENTITY_NAMESPACE } from "../../../conventions/kubernetes";
import {
  ENFORCE_VERSION_LABEL,
  OLDEST_SUPPORTED_VERSION,
  parsePodSecurityVersion,
} from "../../../conventions/pod-security";
import { PolicyConfigSchema, validateResourceOfType } from "@pulumi/policy";
import { Namespace } from "@pulumi/kubernetes/core/v1/namespace";
import { configWithDefaults } from "../lib/config";
import { judged } from "../lib/judge";
import { nameOf } from "../lib/kubernetes";
import { PackResourcePolicy, cisTags } from "../lib/metadata";

const LEVELS = ["privileged", "baseline", "restricted"] as const;
type Level = (typeof LEVELS)[number];

/** Strength of a PSA level; anything unrecognised is treated as the weakest. */
function strength(level: unknown): number {
  return LEVELS.indexOf(level as Level);
}

const namespaceConfig: PolicyConfigSchema = {
  properties: {
    requiredLevel: {
      type: "string",
      enum: ["baseline", "restricted"],
      default: "restricted",
      description: "The PSA level every namespace must enforce unless listed in exemptNamespaces.",
    },
    exemptNamespaces: {
      type: "object",
      additionalProperties: { type: "string", enum: [...LEVELS] },
      default: { [DEFAULT_IDENTITY_NAMESPACE]: "privileged", "kube-system": "privileged" },
      description:
        "Namespace name -> weakest PSA level allowed there (the identity namespace runs NMI, which needs hostNetwork and NET_ADMIN).",
    },
  },
};

const PREFIX = "pod-security.kubernetes.io/";

export const k8sNamespacePodSecurity: PackResourcePolicy = {
  name: "k8s-namespace-pod-security",
  description:
    "Every namespace enforces Pod Security Admission at restricted (configurable), except the namespaces the config exempts (the identity namespace may be privileged), pinned to latest or a version the blueprint supports.",
  severity: "critical",
  remediationSteps:
    "Label the namespace `pod-security.kubernetes.io/enforce: restricted` (and `audit`/`warn`, each with a pinned `-version`); only the platform's identity namespace may be `privileged`.",
  tags: cisTags(["4.2.1", "4.2.2", "4.2.3", "4.2.4", "4.2.5"]),
  configSchema: namespaceConfig,
  validateResource: validateResourceOfType(Namespace, (namespace, args, report) =>
    judged(report, (j) => {
      const config = configWithDefaults<{ requiredLevel: Level; exemptNamespaces: Record<string, Level> }>(
        namespaceConfig,
        args,
      );
      const name = nameOf(j, namespace);
      // An auto-named or unknown namespace cannot be on the exemption list: judge it strictly.
      const exemptLevel = typeof name === "string" ? config.exemptNamespaces[name] : undefined;
      const required = exemptLevel ?? config.requiredLevel;
      const labelMap = j.map(() => namespace.metadata?.labels as Record<string, string> | undefined);
      const enforce = new Map(labelMap.known).get(`${PREFIX}enforce`);
      if (enforce === undefined) {
        if (labelMap.complete) j.report(`Namespace ${JSON.stringify(name)} has no ${PREFIX}enforce label.`);
      } else if (strength(enforce) < strength(required)) {
        j.report(
          `Namespace ${JSON.stringify(name)} enforces PSA ${JSON.stringify(enforce)}; it must enforce ${required} or stricter.`,
        );
      }
      // A pinned version older than the cluster's leaves out every check added since.
      const version = new Map(labelMap.known).get(ENFORCE_VERSION_LABEL);
      if (version !== undefined) {
        const parsed = parsePodSecurityVersion(version);
        // An unreadable version is read by PSA as latest: not weaker, so not refused.
        if (parsed !== undefined && parsed !== "latest" && parsed < OLDEST_SUPPORTED_VERSION)
          j.report(
            `Namespace ${JSON.stringify(name)} pins Pod Security to v1.${parsed}, older than v1.${OLDEST_SUPPORTED_VERSION} (the oldest Kubernetes the blueprint supports): the checks added since do not apply.`,
          );
      }
    }),
  ),
};
