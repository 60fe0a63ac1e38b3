/** Helpers to read the Kubernetes objects out of a recorded mock run. */
import type { AdmissionPolicyDefinition, ValidatingAdmissionPolicySpec } from "../../conventions/admission";
import { THREATS_ANNOTATION } from "../../conventions/kubernetes";
import type { RecordedResource } from "../../testing/recording-mocks";

/** Recorded inputs are untyped JSON; tests navigate them freely and assert on what they find. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: Loose;
  rules?: { apiGroups?: string[]; resources?: string[]; verbs: string[]; nonResourceURLs?: string[] }[];
  roleRef?: { apiGroup: string; kind: string; name: string };
  subjects?: { kind: string; name: string; namespace?: string; apiGroup?: string }[];
}

/** The recorded Kubernetes objects (custom resources of the kubernetes provider). */
export function k8sResources(resources: RecordedResource[]): RecordedResource[] {
  return resources.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
}

export function object(r: RecordedResource): K8sObject {
  return r.inputs as unknown as K8sObject;
}

/** Objects of one kind (e.g. `Namespace`, `AzureIdentity`); patches of existing objects are not objects of ours. */
export function objectsOfKind(resources: RecordedResource[], kind: string): K8sObject[] {
  return k8sResources(resources)
    .filter((r) => !r.type.endsWith("Patch"))
    .map(object)
    .filter((o) => o.kind === kind);
}

/** Exactly one object of `kind` named `name` (in `namespace`, when given). */
export function the(
  resources: RecordedResource[],
  kind: string,
  name: string,
  namespace?: string,
): K8sObject {
  const found = objectsOfKind(resources, kind).filter(
    (o) => o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace),
  );
  if (found.length !== 1)
    throw new Error(`expected one ${kind} ${namespace ?? ""}/${name}, found ${found.length}`);
  return found[0];
}

/** The admission policies as recorded, in the shape the CEL evaluator takes. */
export function recordedPolicies(resources: RecordedResource[]): AdmissionPolicyDefinition[] {
  const bindings = objectsOfKind(resources, "ValidatingAdmissionPolicyBinding");
  return objectsOfKind(resources, "ValidatingAdmissionPolicy").map((p) => {
    const binding = bindings.find((b) => b.spec.policyName === p.metadata.name);
    return {
      name: p.metadata.name,
      threats: (p.metadata.annotations?.[THREATS_ANNOTATION] ?? "").split(","),
      description: p.metadata.annotations?.["aks-hardening.io/description"] ?? "",
      spec: p.spec as ValidatingAdmissionPolicySpec,
      validationActions: binding?.spec.validationActions ?? [],
    };
  });
}

export function recordedPolicy(resources: RecordedResource[], name: string): AdmissionPolicyDefinition {
  const found = recordedPolicies(resources).find((p) => p.name === name);
  if (!found) throw new Error(`no recorded admission policy ${name}`);
  return found;
}
