/**
 * Every way a resource of the Kubernetes provider can deliver one object, as evaluator resources:
 * the rows of the README's decision table. Reusable by any suite (in-process here; the real-engine
 * suite can turn each variant into a program).
 */
import { stringify } from "yaml";
import type { EvaluatedResource } from "../../policy-pack/evaluate";
import type { Props } from "./harness";

/** The object to deliver: `apiVersion`, `kind` and content as the cluster would receive it. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata?: Props;
  [field: string]: unknown;
}

export interface DeliveryVariant {
  /** The decision-table row. */
  row: string;
  /** What the pack does with this row. */
  decision:
    | "judge the object"
    | "judge what it sets"
    | "judge the rendered objects"
    | "refuse outside platform namespaces";
  /** Resources (the delivering one last) that put `object` into the cluster. */
  resources: (object: KubernetesObject, name: string) => EvaluatedResource[];
}

const urn = (type: string, name: string) => `urn:pulumi:test::aks-hardening::${type}::${name}`;
const at = (
  type: string,
  name: string,
  props: Props,
  extra: Partial<EvaluatedResource> = {},
): EvaluatedResource => ({
  urn: urn(type, name),
  type,
  name,
  props,
  ...extra,
});
/** `kubernetes:<group or core>/<version>` of the typed classes. */
const typedPrefix = (apiVersion: string) =>
  `kubernetes:${apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`}`;
/** The object's namespace moved to a provider's default (metadata.namespace removed). */
function viaProvider(object: KubernetesObject, name: string): EvaluatedResource[] {
  const { namespace, ...metadata } = object.metadata ?? {};
  const provider = at("pulumi:providers:kubernetes", `${name}-provider`, { namespace: namespace ?? "" });
  return [
    provider,
    at(
      `${typedPrefix(object.apiVersion)}:${object.kind}`,
      name,
      { ...object, metadata },
      {
        provider: `${provider.urn}::provider-id`,
      },
    ),
  ];
}

const opaque =
  (type: string, props: (object: KubernetesObject) => Props): DeliveryVariant["resources"] =>
  (object, name) => [at(type, name, props(object))];

export const DELIVERY_VARIANTS: DeliveryVariant[] = [
  {
    row: "typed resource (kubernetes:<group>/<version>:<Kind>)",
    decision: "judge the object",
    resources: (o, name) => [at(`${typedPrefix(o.apiVersion)}:${o.kind}`, name, o)],
  },
  {
    row: "typed resource without metadata.namespace, through a provider whose namespace is the target",
    decision: "judge the object",
    resources: viaProvider,
  },
  {
    row: "apiextensions.k8s.io CustomResource (kubernetes:<apiVersion>:<kind>, core kinds as kubernetes:v1:<Kind>)",
    decision: "judge the object",
    resources: (o, name) => [at(`kubernetes:${o.apiVersion}:${o.kind}`, name, o)],
  },
  {
    row: "*List type (kubernetes:<group>/<version>:<Kind>List): every item",
    decision: "judge the object",
    resources: (o, name) => [
      at(`${typedPrefix(o.apiVersion)}:${o.kind}List`, name, {
        apiVersion: o.apiVersion,
        kind: `${o.kind}List`,
        items: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "harmless", namespace: "x" } }, o],
      }),
    ],
  },
  {
    row: "*Patch type (server-side apply, kubernetes:<group>/<version>:<Kind>Patch)",
    decision: "judge what it sets",
    resources: (o, name) => [at(`${typedPrefix(o.apiVersion)}:${o.kind}Patch`, name, o)],
  },
  {
    row: "apiextensions.k8s.io CustomResourcePatch (kubernetes:<apiVersion>:<kind>Patch)",
    decision: "judge what it sets",
    resources: (o, name) => [at(`kubernetes:${o.apiVersion}:${o.kind}Patch`, name, o)],
  },
  {
    row: "yaml/v2 ConfigGroup `objs`",
    decision: "judge the rendered objects",
    resources: (o, name) => [at("kubernetes:yaml/v2:ConfigGroup", name, { objs: [o] })],
  },
  {
    row: "yaml/v2 ConfigGroup `yaml` (multi-document text, `kind: List` expanded)",
    decision: "judge the rendered objects",
    resources: (o, name) => [
      at("kubernetes:yaml/v2:ConfigGroup", name, {
        yaml: [
          `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: harmless, namespace: x}\n---\n${stringify({ apiVersion: "v1", kind: "List", items: [o] })}`,
        ],
      }),
    ],
  },
  {
    row: "yaml/v2 ConfigGroup `files`",
    decision: "refuse outside platform namespaces",
    resources: opaque("kubernetes:yaml/v2:ConfigGroup", () => ({ files: ["manifests/*.yaml"] })),
  },
  {
    row: "yaml/v2 ConfigFile",
    decision: "refuse outside platform namespaces",
    resources: opaque("kubernetes:yaml/v2:ConfigFile", () => ({ file: "manifest.yaml" })),
  },
  {
    row: "helm.sh/v4 Chart",
    decision: "refuse outside platform namespaces",
    resources: opaque("kubernetes:helm.sh/v4:Chart", (o) => ({
      chart: "./chart",
      namespace: o.metadata?.namespace,
    })),
  },
  {
    row: "helm.sh/v3 Release",
    decision: "refuse outside platform namespaces",
    resources: opaque("kubernetes:helm.sh/v3:Release", (o) => ({
      chart: "oci://example/chart",
      namespace: o.metadata?.namespace,
    })),
  },
  {
    row: "kustomize/v2 Directory",
    decision: "refuse outside platform namespaces",
    resources: opaque("kubernetes:kustomize/v2:Directory", () => ({ directory: "./overlay" })),
  },
];

/** The policy that refuses opaque rows (no policy can judge content it never sees). */
export const OPAQUE_POLICY = "k8s-content-visible-at-preview";
