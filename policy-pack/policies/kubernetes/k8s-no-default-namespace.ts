/**
 * Nothing of ours lives in `default`: it is the namespace every principal's manifests fall into
 * when they forget one, NMI's stock `--MICNamespace`, and where aad-pod-identity's stock manifests
 * put identities that any binding in any namespace could then use (S2, S6).
 */
import { AAD_POD_IDENTITY_GROUP } from "../../../conventions/kubernetes";
import type { PolicyConfigSchema } from "@pulumi/policy";
import { configWithDefaults } from "../lib/config";
import { judged } from "../lib/judge";
import { CLUSTER_SCOPED_KINDS, effectiveNamespace, isPatchOrList, kubernetesKindOf } from "../lib/kubernetes";
import { PackResourcePolicy, cisTags } from "../lib/metadata";

const defaultNamespaceConfig: PolicyConfigSchema = {
  properties: {
    allowedKindsInDefault: {
      type: "array",
      items: { type: "string" },
      default: ["ResourceQuota", "LimitRange", "NetworkPolicy"],
      description:
        "Kinds that may be placed in `default` because they only restrict it (a zero quota, a deny-all policy).",
    },
  },
};

export const k8sNoDefaultNamespace: PackResourcePolicy = {
  name: "k8s-no-default-namespace",
  description:
    "No namespaced Kubernetes object is created in `default`, explicitly or by omitting metadata.namespace (only objects that restrict `default`, such as a deny-all NetworkPolicy, are allowed).",
  severity: "high",
  remediationSteps:
    "Set `metadata.namespace` to the team (or platform) namespace the object belongs to; never rely on the provider's default namespace being `default`.",
  tags: cisTags(["4.6.1", "4.6.3"]),
  configSchema: defaultNamespaceConfig,
  validateResource: (args, report) => {
    const kind = kubernetesKindOf(args.type);
    if (!kind || CLUSTER_SCOPED_KINDS.has(kind.kind) || isPatchOrList(kind.kind)) {
      args.notApplicable("Not a namespaced Kubernetes object");
    }
    judged(report, (j) => {
      const { allowedKindsInDefault } = configWithDefaults<{ allowedKindsInDefault: string[] }>(
        defaultNamespaceConfig,
        args,
      );
      if (allowedKindsInDefault.includes(kind!.kind)) return;
      const explicit = j.read(() => args.props.metadata?.namespace as string | undefined);
      // A custom resource of an unknown CRD may be cluster-scoped: judge it only when it names `default`.
      const knownNamespaced =
        kind!.group === "" ||
        !kind!.group.includes(".") ||
        kind!.group === AAD_POD_IDENTITY_GROUP ||
        /\.k8s\.io$/.test(kind!.group);
      if (explicit === undefined && !knownNamespaced) return;
      const namespace = effectiveNamespace(j, args.props, args.provider);
      if (namespace === "default") {
        j.report(
          explicit === undefined
            ? `${kind!.kind} ${args.name} has no metadata.namespace, so it lands in "default".`
            : `${kind!.kind} ${args.name} is placed in "default".`,
        );
      }
    });
  },
};
