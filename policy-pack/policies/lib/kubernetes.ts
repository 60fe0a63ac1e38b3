/**
 * Facts about Kubernetes objects as Pulumi registers them (`kubernetes:<group>/<version>:<Kind>`
 * type tokens, inputs `{apiVersion, kind, metadata, spec}`) and the blueprint's object conventions.
 */
import type { ResourceValidation, ResourceValidationArgs, ReportViolation } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { Judge, Props, UNKNOWN, Unknowable } from "./judge";

import {
  AAD_POD_IDENTITY_GROUP,
  DEFAULT_IDENTITY_NAMESPACE,
  POD_IDENTITY_IMAGE_REPOSITORY,
} from "../../../conventions/kubernetes";

/** Type token of an aad-pod-identity custom resource (`kubernetes:aadpodidentity.k8s.io/v1:<Kind>`). */
export function podIdentityType(kind: string): string {
  return `kubernetes:${AAD_POD_IDENTITY_GROUP}/v1:${kind}`;
}

/** Config property shared by every policy that must know the identity namespace. */
export const identityNamespaceProperty: PolicyConfigJSONSchema = {
  type: "string",
  default: DEFAULT_IDENTITY_NAMESPACE,
  description: "The platform's aad-pod-identity namespace (MIC, NMI and exceptions live only there).",
};

export const allowedImageRegistriesProperty: PolicyConfigJSONSchema = {
  type: "array",
  items: { type: "string" },
  minItems: 1,
  default: [`${POD_IDENTITY_IMAGE_REPOSITORY}/`],
  description: "Image prefixes MIC and NMI may be pulled from.",
};

/** Group, version and kind of a Kubernetes type token; `undefined` for anything else. */
export interface KubernetesKind {
  group: string;
  version: string;
  kind: string;
}

const tokenPattern = /^kubernetes:(?:([^/:]+)\/)?([^/:]+):([A-Za-z0-9]+)$/;

export function kubernetesKindOf(type: string): KubernetesKind | undefined {
  const match = tokenPattern.exec(type);
  if (!match) return undefined;
  const group = match[1] === "core" || match[1] === undefined ? "" : match[1];
  // Helm releases/charts, YAML and Kustomize groups are Pulumi packaging, not API objects.
  if (/^(helm\.sh|yaml|kustomize)$/.test(group)) return undefined;
  return { group, version: match[2], kind: match[3] };
}

/** Kinds whose objects are cluster-scoped (they have no namespace to misplace). */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  "Namespace",
  "Node",
  "PersistentVolume",
  "ClusterRole",
  "ClusterRoleBinding",
  "CustomResourceDefinition",
  "APIService",
  "ValidatingAdmissionPolicy",
  "ValidatingAdmissionPolicyBinding",
  "MutatingAdmissionPolicy",
  "MutatingAdmissionPolicyBinding",
  "ValidatingWebhookConfiguration",
  "MutatingWebhookConfiguration",
  "PriorityClass",
  "StorageClass",
  "CSIDriver",
  "CSINode",
  "VolumeAttachment",
  "IngressClass",
  "RuntimeClass",
  "CertificateSigningRequest",
  "FlowSchema",
  "PriorityLevelConfiguration",
  "PodSecurityPolicy",
  "ComponentStatus",
  "ClusterTrustBundle",
  "IPAddress",
  "ServiceCIDR",
  "DeviceClass",
  "ResourceSlice",
  "StorageVersion",
  "StorageVersionMigration",
  "VolumeAttributesClass",
  "TokenReview",
  "SubjectAccessReview",
  "SelfSubjectAccessReview",
  "SelfSubjectRulesReview",
  "SelfSubjectReview",
]);

/** Whether a kind is a server-side patch or a list wrapper rather than an object it creates. */
export function isPatchOrList(kind: string): boolean {
  return /(Patch|List)$/.test(kind);
}

/** `metadata.namespace` of an object (undefined when absent). */
export function namespaceOf(judge: Judge, props: Props): Unknowable<string | undefined> {
  return judge.read(() => props.metadata?.namespace as string | undefined);
}

/** `metadata.name` of an object (undefined when absent: Pulumi then auto-names it). */
export function nameOf(judge: Judge, props: Props): Unknowable<string | undefined> {
  return judge.read(() => props.metadata?.name as string | undefined);
}

/**
 * Where a namespaced object without `metadata.namespace` lands: the explicit provider's default
 * namespace if it sets one, otherwise `default`.
 */
export function effectiveNamespace(
  judge: Judge,
  props: Props,
  provider: { props: Props } | undefined,
): Unknowable<string> {
  const own = namespaceOf(judge, props);
  if (own === UNKNOWN) return UNKNOWN;
  if (own) return own;
  const fromProvider = provider
    ? judge.read(() => provider.props.namespace as string | undefined)
    : undefined;
  if (fromProvider === UNKNOWN) return UNKNOWN;
  return fromProvider || "default";
}

/**
 * A validation for one type token, tagged like `validateResourceOfType` tags its functions so that
 * the policy server (and our evaluator) skips other types without calling it. Used for custom
 * resources (aad-pod-identity CRDs), which have no generated class.
 */
export function validateTypeToken(
  type: string,
  validate: (props: Props, args: ResourceValidationArgs, report: ReportViolation) => void,
): ResourceValidation {
  const fn: ResourceValidation = (args, report) => {
    if (args.type !== type) args.notApplicable(`Policy only applies to resources of type '${type}'`);
    validate(args.props, args, report);
  };
  (fn as unknown as { __pulumiType: string }).__pulumiType = type;
  return fn;
}
