/**
 * The four aad-pod-identity CustomResourceDefinitions (`aadpodidentity.k8s.io/v1`, all namespaced),
 * written by the project from the field list of the v1.8 API types: structural schemas, so the API
 * server prunes unknown fields and the admission policies can type-check `spec.type` (an integer)
 * and `spec.resourceID` (a string).
 */
import type * as k8s from "@pulumi/kubernetes";
import { AAD_POD_IDENTITY_GROUP, POD_IDENTITY_RESOURCES as R } from "../../conventions/kubernetes";

type Schema = k8s.types.input.apiextensions.v1.JSONSchemaProps;
type CrdSpec = k8s.types.input.apiextensions.v1.CustomResourceDefinitionSpec;

const str: Schema = { type: "string" };
const int32: Schema = { type: "integer", format: "int32" };
const nullableInt32: Schema = { ...int32, nullable: true };
/** v1.8 embeds an ObjectMeta in spec and status; kept as an opaque object, as upstream does. */
const embeddedMeta: Schema = { type: "object" };

/** `spec` of an AzureIdentity. `type`: 0 user-assigned MSI, 1 service principal, 2 SP certificate. */
const azureIdentitySpec: Schema = {
  type: "object",
  properties: {
    metadata: embeddedMeta,
    type: {
      type: "integer",
      description: "0 = user-assigned managed identity (the only type the blueprint allows)",
    },
    resourceID: { type: "string", description: "ARM ID of the user-assigned managed identity" },
    clientID: str,
    clientPassword: { type: "object", properties: { name: str, namespace: str } },
    tenantID: str,
    auxiliaryTenantIDs: { type: "array", nullable: true, items: str },
    adResourceID: str,
    adEndpoint: str,
    replicas: nullableInt32,
  },
};

const azureIdentityBindingSpec: Schema = {
  type: "object",
  properties: {
    metadata: embeddedMeta,
    azureIdentity: { type: "string", description: "name of the AzureIdentity in the same namespace" },
    selector: { type: "string", description: "matched against the pod label aadpodidbinding" },
    weight: { type: "integer" },
  },
};

const replicaStatus: Schema = {
  type: "object",
  properties: { metadata: embeddedMeta, availableReplicas: int32 },
};

/** An embedded copy of another aad-pod-identity object (AzureAssignedIdentity references). */
function embeddedObject(spec: Schema): Schema {
  return {
    type: "object",
    x_kubernetes_embedded_resource: true,
    properties: { apiVersion: str, kind: str, metadata: { type: "object" }, spec, status: replicaStatus },
  };
}

const azureAssignedIdentitySpec: Schema = {
  type: "object",
  properties: {
    metadata: embeddedMeta,
    azureIdentityRef: embeddedObject(azureIdentitySpec),
    azureBindingRef: embeddedObject(azureIdentityBindingSpec),
    pod: str,
    podNamespace: str,
    nodename: str,
    replicas: nullableInt32,
  },
};

const azurePodIdentityExceptionSpec: Schema = {
  type: "object",
  properties: {
    metadata: embeddedMeta,
    podLabels: {
      type: "object",
      additionalProperties: str,
      description: "pods with any of these labels bypass NMI",
    },
  },
};

function rootSchema(spec: Schema, status: Schema): Schema {
  return {
    type: "object",
    properties: { apiVersion: str, kind: str, metadata: { type: "object" }, spec, status },
  };
}

/** One CRD: its kind, plural and schema. */
interface CrdDefinition {
  kind: string;
  plural: string;
  spec: Schema;
  status: Schema;
  printerColumns?: { name: string; jsonPath: string; type: string }[];
}

const DEFINITIONS: CrdDefinition[] = [
  {
    kind: "AzureIdentity",
    plural: R.azureIdentities,
    spec: azureIdentitySpec,
    status: replicaStatus,
    printerColumns: [
      { name: "Type", jsonPath: ".spec.type", type: "integer" },
      { name: "ClientID", jsonPath: ".spec.clientID", type: "string" },
    ],
  },
  {
    kind: "AzureIdentityBinding",
    plural: R.azureIdentityBindings,
    spec: azureIdentityBindingSpec,
    status: replicaStatus,
    printerColumns: [
      { name: "AzureIdentity", jsonPath: ".spec.azureIdentity", type: "string" },
      { name: "Selector", jsonPath: ".spec.selector", type: "string" },
    ],
  },
  {
    kind: "AzureAssignedIdentity",
    plural: R.azureAssignedIdentities,
    spec: azureAssignedIdentitySpec,
    status: { type: "object", properties: { metadata: embeddedMeta, availableReplicas: int32, status: str } },
  },
  {
    kind: "AzurePodIdentityException",
    plural: R.azurePodIdentityExceptions,
    spec: azurePodIdentityExceptionSpec,
    status: { type: "object", x_kubernetes_preserve_unknown_fields: true },
  },
];

/**
 * `aadpodidentity.k8s.io` ends in `.k8s.io`, a protected API group: the API server rejects its CRDs
 * unless they carry this annotation, either the URL of an approved Kubernetes API review or a value
 * starting with `unapproved` (which the upstream manifests also use).
 */
export const API_APPROVAL_ANNOTATIONS = {
  "api-approved.kubernetes.io": "unapproved",
};

/** The CRD object name, annotations and spec of each of the four kinds, in a stable order. */
export function podIdentityCrdSpecs(): {
  name: string;
  kind: string;
  annotations: Record<string, string>;
  spec: CrdSpec;
}[] {
  return DEFINITIONS.map((d) => ({
    name: `${d.plural}.${AAD_POD_IDENTITY_GROUP}`,
    kind: d.kind,
    annotations: API_APPROVAL_ANNOTATIONS,
    spec: {
      group: AAD_POD_IDENTITY_GROUP,
      scope: "Namespaced",
      names: {
        kind: d.kind,
        listKind: `${d.kind}List`,
        plural: d.plural,
        singular: d.kind.toLowerCase(),
      },
      versions: [
        {
          name: "v1",
          served: true,
          storage: true,
          schema: { openAPIV3Schema: rootSchema(d.spec, d.status) },
          additionalPrinterColumns: d.printerColumns,
        },
      ],
    },
  }));
}

/**
 * The four CRDs as the API server's JSON (`x-kubernetes-*` keys instead of the SDK's
 * `x_kubernetes_*` property names), for applying them without the Pulumi provider, e.g. with
 * kubectl in the real-API-server tests.
 */
export function podIdentityCrdManifests(): Record<string, unknown>[] {
  const rename = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rename);
    if (value === null || typeof value !== "object") return value;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k.startsWith("x_kubernetes_") ? k.replace(/_/g, "-") : k, rename(v)]),
    );
  };
  return podIdentityCrdSpecs().map((crd) => ({
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: crd.name, annotations: crd.annotations },
    spec: rename(crd.spec),
  }));
}
