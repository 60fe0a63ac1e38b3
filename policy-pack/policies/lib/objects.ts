/**
 * What a resource of the Kubernetes provider puts into the cluster, whatever Pulumi type carries it.
 *
 * The engine hands policies Pulumi type tokens, but the cluster acts on objects: the same Deployment
 * can arrive as `kubernetes:apps/v1:Deployment`, as a CustomResource (`kubernetes:<apiVersion>:<kind>`,
 * e.g. `kubernetes:v1:Pod` for a core object), as an item of a `*List`, as a server-side-apply
 * `*Patch`, or inside the `objs`/`yaml` of a `yaml/v2` ConfigGroup. `deliveredObjects` turns each
 * resource into the objects it creates or changes, typed by the canonical token of their
 * group/version/kind (`kubernetes:core/v1:Pod`), with the effective namespace resolved, so that every
 * policy judges them the same way. Types whose content only exists after rendering outside the
 * engine's view (Helm, Kustomize, manifest files) are reported as `opaque`.
 *
 * Reads go through the unknown-checking proxy: nothing here throws on an unknown value; what cannot
 * be expanded at preview is returned as `unknown`, for the caller to rethrow once it has judged the
 * rest.
 */
import { AAD_POD_IDENTITY_GROUP } from "../../../conventions/kubernetes";
import { parseAllDocuments } from "yaml";
import type { PolicyProviderResource } from "@pulumi/policy";
import { CLUSTER_SCOPED_KINDS } from "./kubernetes";
import type { Props } from "./judge";
import { UNKNOWN_STRING, UnknownValueError } from "./policy-runtime";

/** How an object reaches the cluster through its resource. */
export type DeliveryHow = "object" | "patch" | "list-item" | "manifest";

/** One Kubernetes object a resource creates (or, for a patch, changes). */
export interface DeliveredObject {
  /** Canonical type token of the object: `kubernetes:<group or core>/<version>:<Kind>`. */
  type: string;
  group: string;
  version: string;
  kind: string;
  /** The object as the cluster would receive it, `metadata.namespace` filled from the provider. */
  props: Props;
  how: DeliveryHow;
  /** Where in the resource the object sits, e.g. `items[2]`, `objs[0]`, `yaml[0] document 1`. */
  path?: string;
  /** Where its namespace came from; `undefined` for cluster-scoped (or unknown-scope) objects. */
  namespaceSource?: "explicit" | "provider" | "default";
}

export interface Delivery {
  objects: DeliveredObject[];
  /** Why part of the content cannot be seen before `up` (Helm, Kustomize, manifest files). */
  opaque?: string;
  /** The namespace an opaque resource installs into by default (its own input, the provider's, `default`). */
  opaqueNamespace?: string;
  /** The first unknown that kept an object from being expanded (rethrow after judging the rest). */
  unknown?: Error;
  /** A manifest the provider would refuse too (unparsable YAML, an object without apiVersion/kind). */
  malformed?: string[];
}

/** Types of the provider that render content the pack cannot read from the inputs. */
export const OPAQUE_TYPES: Readonly<Record<string, string>> = {
  "kubernetes:helm.sh/v3:Release":
    "a Helm Release is installed by the provider itself: its objects never pass through the engine, so no policy sees them, at preview or at up",
  "kubernetes:helm.sh/v4:Chart":
    "a Helm chart is rendered by the provider from a chart the pack cannot read; its objects reach the pack only if they can be rendered at preview",
  "kubernetes:kustomize/v2:Directory":
    "a Kustomize directory is rendered by the provider from files the pack cannot read; its objects reach the pack only if they can be rendered at preview",
  "kubernetes:yaml/v2:ConfigFile":
    "a manifest file is read by the provider, not by the pack; its objects reach the pack only if it can be read at preview",
};

/** Types the SDK renders in the program into ordinary typed children (judged one by one). */
export const RENDERED_IN_PROGRAM_TYPES: ReadonlySet<string> = new Set([
  "kubernetes:yaml:ConfigFile",
  "kubernetes:yaml:ConfigGroup",
  "kubernetes:helm.sh/v2:Chart",
  "kubernetes:helm.sh/v3:Chart",
  "kubernetes:kustomize:Directory",
]);

export const CONFIG_GROUP_TYPE = "kubernetes:yaml/v2:ConfigGroup";
export const PROVIDER_TYPE = "pulumi:providers:kubernetes";

/** `kubernetes:<apiVersion>:<Kind>` (typed classes and CustomResource alike). */
const TOKEN = /^kubernetes:(.+):([A-Za-z0-9]+)$/;

/** Group and version of an apiVersion (`v1` is the core group, also spelled `core/v1` in tokens). */
export function parseApiVersion(apiVersion: string): { group: string; version: string } | undefined {
  const parts = apiVersion.trim().split("/");
  if (parts.length === 1 && parts[0]) return { group: "", version: parts[0] };
  if (parts.length === 2 && parts[0] && parts[1])
    return { group: parts[0] === "core" ? "" : parts[0], version: parts[1] };
  return undefined;
}

/** The canonical token the typed class of a group/version/kind registers. */
export function canonicalType(group: string, version: string, kind: string): string {
  return `kubernetes:${group || "core"}/${version}:${kind}`;
}

/** Whether objects of a kind live in a namespace: `true`, `false`, or `undefined` (a CRD of unknown scope). */
export function isNamespaced(group: string, kind: string): boolean | undefined {
  if (CLUSTER_SCOPED_KINDS.has(kind)) return false;
  if (group === "" || !group.includes(".") || group === AAD_POD_IDENTITY_GROUP || /\.k8s\.io$/.test(group))
    return true;
  return undefined;
}

/** Reads a value; an unknown yields `UNKNOWN_READ` and is remembered in `seen`. */
const UNKNOWN_READ: unique symbol = Symbol("unknown");
function tryRead<T>(read: () => T, seen: { unknown?: Error }): T | typeof UNKNOWN_READ {
  try {
    return read();
  } catch (e) {
    if (e instanceof UnknownValueError) {
      seen.unknown ??= e;
      return UNKNOWN_READ;
    }
    throw e;
  }
}

/**
 * `base` with `metadata.namespace` replaced, without reading anything else: a Proxy, so that every
 * other field still goes through the unknown-checking proxy when (and only when) a policy reads it.
 * An unknown provider namespace is planted as the engine's sentinel and throws like any unknown.
 */
function withNamespace(base: Props, namespace: string): Props {
  const read = (value: unknown, path: string[]) => {
    if (value === UNKNOWN_STRING)
      throw new (UnknownValueError as new (s: unknown, p: string[]) => Error)(value, path);
    return value;
  };
  const metadataOf = (): Props => {
    const original = base.metadata as Props | undefined;
    if (original === undefined || original === null)
      return {
        get namespace() {
          return read(namespace, ["metadata", "namespace"]);
        },
      };
    return new Proxy(original, {
      get: (target, key, receiver) =>
        key === "namespace" ? read(namespace, ["metadata", "namespace"]) : Reflect.get(target, key, receiver),
      has: (target, key) => key === "namespace" || Reflect.has(target, key),
      ownKeys: (target) => [...new Set([...Reflect.ownKeys(target), "namespace"])],
      getOwnPropertyDescriptor: (target, key) =>
        key === "namespace"
          ? { configurable: true, enumerable: true, writable: true, value: namespace }
          : Reflect.getOwnPropertyDescriptor(target, key),
    });
  };
  return new Proxy(base, {
    get: (target, key, receiver) => (key === "metadata" ? metadataOf() : Reflect.get(target, key, receiver)),
    has: (target, key) => key === "metadata" || Reflect.has(target, key),
    ownKeys: (target) => [...new Set([...Reflect.ownKeys(target), "metadata"])],
    getOwnPropertyDescriptor: (target, key) =>
      key === "metadata"
        ? { configurable: true, enumerable: true, writable: true, value: metadataOf() }
        : Reflect.getOwnPropertyDescriptor(target, key),
  });
}

/** The provider's default namespace (`undefined` when it sets none, `UNKNOWN_STRING` when unknown). */
function providerNamespace(
  provider: { props: Props } | undefined,
  seen: { unknown?: Error },
): string | undefined {
  if (!provider) return undefined;
  const namespace = tryRead(() => provider.props.namespace as unknown, seen);
  if (namespace === UNKNOWN_READ) return UNKNOWN_STRING;
  return typeof namespace === "string" && namespace !== "" ? namespace : undefined;
}

/**
 * The object with its effective namespace: explicit `metadata.namespace`, else the provider's
 * default namespace, else `default` (left implicit: every policy reads a missing namespace as
 * `default`, and some say so in their message).
 */
function placed(
  props: Props,
  group: string,
  kind: string,
  fromProvider: string | undefined,
): { props: Props; namespaceSource?: DeliveredObject["namespaceSource"] } {
  const namespaced = isNamespaced(group, kind);
  if (namespaced === false) return { props };
  // An unknown namespace is the policies' to meet (only if they read it): not an expansion failure.
  const explicit = tryRead(() => props.metadata?.namespace as unknown, {});
  if (explicit === UNKNOWN_READ || (typeof explicit === "string" && explicit !== ""))
    return { props, namespaceSource: "explicit" };
  if (fromProvider !== undefined)
    return { props: withNamespace(props, fromProvider), namespaceSource: "provider" };
  return { props, namespaceSource: namespaced ? "default" : undefined };
}

/** Group/version/kind of an object from its own apiVersion and kind, else from the fallback. */
function kindOf(
  props: Props,
  fallback: { group: string; version: string; kind: string } | undefined,
): { group: string; version: string; kind: string } | undefined {
  // Unknown apiVersion/kind fall back to the type token, so they are not an expansion failure.
  const apiVersion = tryRead(() => props.apiVersion as unknown, {});
  const kind = tryRead(() => props.kind as unknown, {});
  const parsed = typeof apiVersion === "string" ? parseApiVersion(apiVersion) : undefined;
  if (parsed && typeof kind === "string" && /^[A-Za-z0-9]+$/.test(kind.trim()))
    return { ...parsed, kind: kind.trim() };
  return fallback;
}

/** Manifests of a ConfigGroup's `yaml` (one string or a list), parsed as the provider would. */
function manifestsOf(yamlInput: unknown, malformed: string[]): { value: Props; path: string }[] {
  const texts = typeof yamlInput === "string" ? [yamlInput] : Array.isArray(yamlInput) ? yamlInput : [];
  const out: { value: Props; path: string }[] = [];
  texts.forEach((text, i) => {
    if (typeof text !== "string") return;
    parseAllDocuments(text).forEach((doc, d) => {
      const path = `yaml[${i}] document ${d}`;
      if (doc.errors.length > 0) {
        malformed.push(`${path}: ${doc.errors[0].message.split("\n")[0]}`);
        return;
      }
      const value: unknown = doc.toJS();
      if (value !== null && value !== undefined) out.push({ value: value as Props, path });
    });
  });
  return out;
}

/**
 * The objects a resource of the Kubernetes provider creates or changes, or `undefined` for a
 * resource of any other provider (and for the provider resource itself and SDK-side components,
 * whose typed children are judged as they register).
 */
export function deliveredObjects(resource: {
  type: string;
  props: Props;
  provider?: PolicyProviderResource | { props: Props };
}): Delivery | undefined {
  const { type, props } = resource;
  if (!type.startsWith("kubernetes:") || RENDERED_IN_PROGRAM_TYPES.has(type)) return undefined;
  const seen: { unknown?: Error } = {};
  const fromProvider = providerNamespace(resource.provider, seen);
  const malformed: string[] = [];
  const objects: DeliveredObject[] = [];
  const add = (
    value: Props,
    how: DeliveryHow,
    fallback: { group: string; version: string; kind: string } | undefined,
    path?: string,
  ) => {
    const gvk = kindOf(value, fallback);
    if (!gvk) {
      malformed.push(`${path ?? "object"}: no apiVersion and kind`);
      return;
    }
    const kind = how === "patch" ? gvk.kind.replace(/Patch$/, "") : gvk.kind;
    const { props: placedProps, namespaceSource } = placed(value, gvk.group, kind, fromProvider);
    objects.push({
      type: canonicalType(gvk.group, gvk.version, kind),
      group: gvk.group,
      version: gvk.version,
      kind,
      props: placedProps,
      how,
      ...(path ? { path } : {}),
      ...(namespaceSource ? { namespaceSource } : {}),
    });
  };

  const opaqueReason = OPAQUE_TYPES[type];
  if (opaqueReason || type === CONFIG_GROUP_TYPE) {
    const expand = (list: unknown, path: string) => {
      if (list === UNKNOWN_READ || list === undefined || list === null) return;
      for (const [i, value] of (Array.isArray(list) ? list : [list]).entries()) {
        if (value !== null && typeof value === "object")
          add(value as Props, "manifest", undefined, `${path}[${i}]`);
      }
    };
    let opaque = opaqueReason;
    if (type === CONFIG_GROUP_TYPE) {
      expand(
        tryRead(() => props.objs as unknown, seen),
        "objs",
      );
      const yamlInput = tryRead(() => props.yaml as unknown, seen);
      if (yamlInput !== UNKNOWN_READ) {
        for (const m of manifestsOf(yamlInput, malformed)) {
          const items = m.value.kind === "List" && Array.isArray(m.value.items) ? m.value.items : [m.value];
          items.forEach((item: Props, k: number) =>
            add(
              item,
              "manifest",
              undefined,
              items.length > 1 || m.value.kind === "List" ? `${m.path} item ${k}` : m.path,
            ),
          );
        }
      }
      const files = tryRead(() => props.files as unknown, seen);
      if (files !== undefined && files !== null && !(Array.isArray(files) && files.length === 0))
        opaque =
          "manifest files (`files`) are read by the provider, not by the pack; their objects reach the pack only if they can be read at preview";
    }
    if (!opaque) return { objects, unknown: seen.unknown, ...(malformed.length ? { malformed } : {}) };
    const own = tryRead(() => props.namespace as unknown, seen);
    const opaqueNamespace =
      typeof own === "string" && own !== ""
        ? own
        : own === UNKNOWN_READ
          ? UNKNOWN_STRING
          : (fromProvider ?? "default");
    return {
      objects,
      opaque,
      opaqueNamespace,
      unknown: seen.unknown,
      ...(malformed.length ? { malformed } : {}),
    };
  }

  const match = TOKEN.exec(type);
  const parsed = match ? parseApiVersion(match[1]) : undefined;
  if (!match || !parsed) return undefined; // e.g. kubernetes:kustomize:Directory handled above
  const tokenKind = { ...parsed, kind: match[2] };
  if (/List$/.test(tokenKind.kind)) {
    const itemKind = { ...tokenKind, kind: tokenKind.kind.replace(/List$/, "") };
    const items = tryRead(() => props.items as unknown, seen);
    if (Array.isArray(items) || (items !== UNKNOWN_READ && items !== undefined)) {
      const list = items as Props[];
      for (let i = 0; i < list.length; i++) {
        const item = tryRead(() => list[i], seen);
        if (item !== UNKNOWN_READ && item !== null && typeof item === "object")
          add(item, "list-item", itemKind, `items[${i}]`);
      }
    }
  } else if (/Patch$/.test(tokenKind.kind)) {
    add(props, "patch", tokenKind);
  } else {
    add(props, "object", tokenKind);
  }
  return { objects, unknown: seen.unknown, ...(malformed.length ? { malformed } : {}) };
}
