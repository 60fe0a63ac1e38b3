/**
 * Kubernetes content the pack cannot read from a resource's inputs (a Helm Release or Chart, a
 * Kustomize directory, manifest files) is refused outside the namespaces the platform allows for
 * it: otherwise a team could wrap a privileged pod or an identity object in a chart and no policy
 * would see it at preview. Manifests the provider would refuse anyway (unparsable YAML, an object
 * without apiVersion/kind) are reported too, so nothing in a ConfigGroup passes unjudged.
 */
import type { PolicyConfigSchema } from "@pulumi/policy";
import { configWithDefaults } from "../lib/config";
import { PackResourcePolicy } from "../lib/metadata";
import { deliveredObjects } from "../lib/objects";
import { UNKNOWN_STRING } from "../lib/policy-runtime";

const packagedConfig: PolicyConfigSchema = {
  properties: {
    allowedNamespaces: {
      type: "array",
      items: { type: "string" },
      default: [],
      description:
        "Platform namespaces (never a team's) where Helm, Kustomize and manifest-file resources may install content the pack cannot read; the cluster's admission policies still judge every object they create.",
    },
  },
};

export const k8sContentVisibleAtPreview: PackResourcePolicy = {
  name: "k8s-content-visible-at-preview",
  description:
    "Kubernetes objects reach the cluster only through resources whose content the pack can judge at preview (typed resources, CustomResource, *List, *Patch, yaml/v2 ConfigGroup objs/yaml); Helm Releases and Charts, Kustomize directories and manifest files are refused outside the configured platform namespaces.",
  severity: "high",
  remediationSteps:
    "Declare the objects as typed resources (or yaml/v2 ConfigGroup `objs`/`yaml`, which the pack parses), so every policy judges them at preview; keep Helm and Kustomize for platform namespaces listed in allowedNamespaces.",
  tags: [],
  configSchema: packagedConfig,
  validateResource: (args, report) => {
    const delivery = deliveredObjects(args);
    if (!delivery || (!delivery.opaque && !delivery.malformed)) {
      args.notApplicable("Content visible to the other policies");
    }
    const { allowedNamespaces } = configWithDefaults<{ allowedNamespaces: string[] }>(packagedConfig, args);
    for (const problem of delivery!.malformed ?? []) {
      report(`${args.type} ${args.name}: ${problem}; the pack cannot judge this manifest.`);
    }
    if (!delivery!.opaque) return;
    const namespace = delivery!.opaqueNamespace!;
    if (namespace !== UNKNOWN_STRING && allowedNamespaces.includes(namespace)) return;
    const where =
      namespace === UNKNOWN_STRING
        ? "a namespace unknown at preview"
        : `namespace ${JSON.stringify(namespace)}`;
    report(
      `${args.type} ${args.name} installs into ${where}, and ${delivery!.opaque}. ` +
        "Refused outside allowedNamespaces; the cluster's admission policies remain the layer that refuses what the pack cannot see.",
    );
  },
};
