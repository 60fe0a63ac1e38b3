/**
 * Lookups shared by the stack-wide policies: the stack's namespaces by name, and the namespace and
 * pod labels of each object, read preview-safely.
 */
import type { PolicyResource } from "@pulumi/policy";
import { Judge, UNKNOWN, Unknowable } from "../../lib/judge";
import { kubernetesKindOf, podIdentityType } from "../../lib/kubernetes";
import { podTemplateOf, POD_TEMPLATE_CLASSES } from "../../kubernetes/support/workloads";

export const NAMESPACE_TYPE = "kubernetes:core/v1:Namespace";
export const AZURE_IDENTITY_TYPE = podIdentityType("AzureIdentity");
export const AZURE_IDENTITY_BINDING_TYPE = podIdentityType("AzureIdentityBinding");

const POD_TEMPLATE_TYPES = new Set(
  Object.values(POD_TEMPLATE_CLASSES).map((c) => (c as unknown as { __pulumiType: string }).__pulumiType),
);

/** `metadata.<field>` of a stack resource. */
export function metadataOf(
  j: Judge,
  r: PolicyResource,
  field: "name" | "namespace",
): Unknowable<string | undefined> {
  return j.read(() => r.props.metadata?.[field] as string | undefined);
}

/** The stack's Namespace objects by explicit name (auto-named ones cannot be referred to). */
export function namespacesByName(j: Judge, resources: PolicyResource[]): Map<string, PolicyResource> {
  const byName = new Map<string, PolicyResource>();
  for (const r of resources) {
    if (r.type !== NAMESPACE_TYPE) continue;
    const name = metadataOf(j, r, "name");
    if (typeof name === "string") byName.set(name, r);
  }
  return byName;
}

/** A label or annotation of a resource (`UNKNOWN` if it cannot be known before `up`). */
export function metadataEntry(
  j: Judge,
  r: PolicyResource,
  map: "labels" | "annotations",
  key: string,
): Unknowable<string | undefined> {
  return j.read(() => (r.props.metadata?.[map] as Record<string, string> | undefined)?.[key]);
}

/** A workload (any pod-template kind) with its namespace and pod labels. */
export interface Workload {
  resource: PolicyResource;
  kind: string;
  namespace: Unknowable<string | undefined>;
  labels: [string, string][];
}

/** Workloads of every pod-template kind in the stack. */
export function workloadsOf(j: Judge, resources: PolicyResource[]): Workload[] {
  const out: Workload[] = [];
  for (const r of resources) {
    if (!POD_TEMPLATE_TYPES.has(r.type)) continue;
    const kind = kubernetesKindOf(r.type)!.kind;
    const template = j.read(() => podTemplateOf(kind, r.props));
    const metadata = template === UNKNOWN ? undefined : template.metadata;
    out.push({
      resource: r,
      kind,
      namespace: metadataOf(j, r, "namespace"),
      labels: metadata ? j.entries(() => metadata.labels as Record<string, string> | undefined) : [],
    });
  }
  return out;
}
