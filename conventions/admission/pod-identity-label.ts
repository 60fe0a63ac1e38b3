/**
 * S1: a pod's `aadpodidbinding` label must be a selector its own namespace owns.
 *
 * Selectors are `<namespace>.<identity>` and namespaces contain no dots, so "owned by the
 * namespace" is exactly "starts with `<namespace>.`". A team that copies another team's label
 * value onto its pod is refused before NMI ever sees the pod; `forceNamespaced` is the second layer.
 */
import { POD_IDENTITY_LABEL } from "../kubernetes";
import { OBJECT_SUBRESOURCES, celString, denyPolicy, onWrite, valueOrEmpty } from "./cel";
import type { AdmissionPolicyDefinition } from "./types";

export const POD_IDENTITY_LABEL_POLICY = "aks-hardening-pod-identity-label-owner";

/** The label value, `''` when absent. */
export const POD_LABEL_VALUE_EXPRESSION = `has(object.metadata.labels) ? ${valueOrEmpty(
  "object.metadata.labels",
  POD_IDENTITY_LABEL,
)} : ''`;

/** Allowed: no label, or a value that starts with `<request namespace>.`. */
export const POD_LABEL_OWNED_EXPRESSION = `variables.bindingLabel == '' || variables.bindingLabel.startsWith(request.namespace + '.')`;

export function podIdentityLabelPolicy(): AdmissionPolicyDefinition {
  return denyPolicy({
    name: POD_IDENTITY_LABEL_POLICY,
    description: `A pod's ${POD_IDENTITY_LABEL} label must start with its own namespace and a dot.`,
    resourceRules: [onWrite("", "v1", ["pods", ...OBJECT_SUBRESOURCES.pods])],
    variables: { bindingLabel: POD_LABEL_VALUE_EXPRESSION },
    validations: [
      {
        expression: POD_LABEL_OWNED_EXPRESSION,
        message: `the ${POD_IDENTITY_LABEL} label must be <namespace>.<identity> of the pod's own namespace`,
        messageExpression: `${celString(`pod label ${POD_IDENTITY_LABEL}=`)} + variables.bindingLabel + ' is not owned by namespace ' + request.namespace + ' (must start with ' + request.namespace + '.)'`,
      },
    ],
  });
}
