/**
 * Turns recorded Pulumi Kubernetes resources into plain Kubernetes manifests, so that what the
 * blueprint declares can be applied to a real API server (test/e2e) exactly as recorded.
 *
 * Pulumi type tokens carry the API group, version and kind (`kubernetes:rbac.authorization.k8s.io/v1:Role`;
 * the core group is spelled `core`); a `CustomResource` is registered under its own apiVersion and
 * kind too (`kubernetes:aadpodidentity.k8s.io/v1:AzureIdentity`, checked under the mocks), and
 * `*Patch` resources are partial objects that the provider applies with server-side apply: they
 * become ordinary manifests marked `patch`, applied under their own field manager.
 */
import type { RecordedResource } from "./recording-mocks";

/** A Kubernetes object as it would be sent to the API server. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [field: string]: unknown;
}

/** One converted resource, with where it came from. */
export interface ConvertedManifest {
  /** The Pulumi URN it was recorded under (for error messages). */
  urn: string;
  /** `true` for `*Patch` resources: partial objects owned by a separate field manager. */
  patch: boolean;
  /** `true` for objects whose CRD is in the same recording: it must be Established first. */
  customResource: boolean;
  manifest: Manifest;
}

const TYPE_PREFIX = "kubernetes:";
/** Pulumi Kubernetes types that are not a single object (the provider expands them itself). */
const NOT_AN_OBJECT =
  /^kubernetes:(helm\.sh\/v\d+:Release|helm\.sh\/v\d+:Chart|yaml(\/v2)?:Config(File|Group)|kustomize(\/v2)?:Directory)$/;

/** `true` for resources the converter handles (`kubernetes:*` custom resources, not providers). */
export function isKubernetesObject(resource: Pick<RecordedResource, "type" | "custom">): boolean {
  return resource.custom && resource.type.startsWith(TYPE_PREFIX) && !NOT_AN_OBJECT.test(resource.type);
}

/**
 * apiVersion and kind from a Pulumi type token: `kubernetes:core/v1:Namespace` -> `v1`/`Namespace`,
 * `kubernetes:apps/v1:DeploymentPatch` -> `apps/v1`/`Deployment` (patch). Returns `undefined` for
 * `kubernetes:apiextensions.k8s.io:CustomResource`, whose apiVersion/kind are in its inputs.
 */
export function apiVersionKindOf(
  type: string,
): { apiVersion: string; kind: string; patch: boolean } | undefined {
  const match = /^kubernetes:([^:]+):([A-Za-z0-9]+)$/.exec(type);
  if (!match) throw new Error(`not a Pulumi Kubernetes type token: ${JSON.stringify(type)}`);
  const [, groupVersion, typeName] = match;
  if (!groupVersion.includes("/")) return undefined;
  const [group, version] = groupVersion.split("/");
  const patch = typeName.endsWith("Patch");
  return {
    apiVersion: group === "core" ? version : `${group}/${version}`,
    kind: patch ? typeName.slice(0, -"Patch".length) : typeName,
    patch,
  };
}

/**
 * The API server's spelling of a Pulumi property name: the SDKs cannot have dashes in names, so
 * CRD schema keys `x-kubernetes-*` are `x_kubernetes_*` in Pulumi inputs, and the provider turns
 * them back before calling the API (pulumi/pulumi-kubernetes#2128). We must do the same.
 */
export function apiServerKey(key: string): string {
  return key.startsWith("x_kubernetes_") ? key.replace(/_/g, "-") : key;
}

/**
 * The object as the provider would send it: `undefined` values dropped (unknowns are absent under
 * mocks) and `x_kubernetes_*` keys renamed.
 */
function asSent(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asSent);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [apiServerKey(k), asSent(v)]),
    );
  }
  return value;
}

/**
 * Converts one recorded `kubernetes:*` resource. A missing `metadata.name` becomes the Pulumi
 * resource name (the provider would add a random suffix; a fixed name keeps tests repeatable).
 * `crdGroups`: API groups defined by CRDs, whose objects are marked `customResource`.
 */
export function toManifest(
  resource: Pick<RecordedResource, "urn" | "type" | "name" | "inputs">,
  crdGroups: ReadonlySet<string> = new Set(),
): ConvertedManifest {
  if (NOT_AN_OBJECT.test(resource.type)) {
    throw new Error(
      `${resource.urn}: ${resource.type} is not a single Kubernetes object and cannot be converted`,
    );
  }
  const fromType = apiVersionKindOf(resource.type);
  const inputs = asSent(resource.inputs) as Record<string, unknown>;
  const apiVersion = inputs.apiVersion ?? fromType?.apiVersion;
  const kind = inputs.kind ?? fromType?.kind;
  if (typeof apiVersion !== "string" || typeof kind !== "string" || !apiVersion || !kind) {
    throw new Error(
      `${resource.urn}: cannot tell apiVersion/kind (inputs.apiVersion=${JSON.stringify(inputs.apiVersion)}, inputs.kind=${JSON.stringify(inputs.kind)})`,
    );
  }
  if (fromType && (apiVersion !== fromType.apiVersion || kind !== fromType.kind)) {
    throw new Error(
      `${resource.urn}: inputs say ${apiVersion}/${kind} but the type token says ${fromType.apiVersion}/${fromType.kind}`,
    );
  }
  const metadata = { ...((inputs.metadata as Record<string, unknown> | undefined) ?? {}) };
  if (typeof metadata.name !== "string" || metadata.name === "") metadata.name = resource.name;
  return {
    urn: resource.urn,
    patch: fromType?.patch ?? false,
    customResource: fromType === undefined || crdGroups.has(apiVersion.split("/")[0]),
    manifest: { ...inputs, apiVersion, kind, metadata } as Manifest,
  };
}

/** Apply order: what others refer to or are judged by first (a lower rank is applied earlier). */
export function applyRank(converted: ConvertedManifest): number {
  const { apiVersion, kind } = converted.manifest;
  if (converted.customResource) return 10;
  if (kind === "CustomResourceDefinition") return 0;
  if (kind === "Namespace") return converted.patch ? 2 : 1;
  if (kind === "ValidatingAdmissionPolicy") return 3;
  if (kind === "ValidatingAdmissionPolicyBinding") return 4;
  if (apiVersion.startsWith("rbac.authorization.k8s.io/")) return kind.startsWith("Cluster") ? 5 : 6;
  if (
    ["ServiceAccount", "ConfigMap", "Secret", "ResourceQuota", "LimitRange", "NetworkPolicy"].includes(kind)
  )
    return 7;
  return converted.patch ? 9 : 8;
}

/**
 * Every Kubernetes object among the recorded resources, converted and in apply order (stable within
 * a rank, so the recording order breaks ties).
 */
export function manifestsFromRecording(resources: RecordedResource[]): ConvertedManifest[] {
  const objects = resources.filter(isKubernetesObject);
  const crdGroups = new Set(
    objects
      .filter((r) => r.type === "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition")
      .map((r) => (r.inputs.spec as { group?: unknown } | undefined)?.group)
      .filter((group): group is string => typeof group === "string"),
  );
  return objects
    .map((r) => toManifest(r, crdGroups))
    .map((converted, index) => ({ converted, index }))
    .sort((a, b) => applyRank(a.converted) - applyRank(b.converted) || a.index - b.index)
    .map(({ converted }) => converted);
}
