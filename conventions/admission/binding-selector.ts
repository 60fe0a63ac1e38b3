/**
 * S1, S2: an AzureIdentityBinding's selector is `<its namespace>.<its azureIdentity>`.
 *
 * This is what makes every selector unique across the cluster and derivable from the namespace:
 * the pod-label policy can then decide ownership from the label value alone, and a binding cannot
 * claim a selector that another namespace's pods carry.
 */
import { AAD_POD_IDENTITY_GROUP, POD_IDENTITY_RESOURCES as R } from "../kubernetes";
import { denyPolicy, onWrite } from "./cel";
import type { AdmissionPolicyDefinition } from "./types";

export const BINDING_SELECTOR_POLICY = "aks-hardening-azure-identity-binding-selector";

export const BINDING_IDENTITY_EXPRESSION =
  "has(object.spec) && has(object.spec.azureIdentity) ? object.spec.azureIdentity : ''";
export const BINDING_SELECTOR_VALUE_EXPRESSION =
  "has(object.spec) && has(object.spec.selector) ? object.spec.selector : ''";

/** The selector is exactly `<namespace>.<azureIdentity>` and names an identity. */
export const BINDING_SELECTOR_EXPRESSION =
  "variables.identity != '' && variables.selector == request.namespace + '.' + variables.identity";

export function bindingSelectorPolicy(): AdmissionPolicyDefinition {
  return denyPolicy({
    name: BINDING_SELECTOR_POLICY,
    description:
      "An AzureIdentityBinding's selector must be <namespace>.<azureIdentity> of its own namespace.",
    resourceRules: [onWrite(AAD_POD_IDENTITY_GROUP, "*", [R.azureIdentityBindings])],
    variables: { identity: BINDING_IDENTITY_EXPRESSION, selector: BINDING_SELECTOR_VALUE_EXPRESSION },
    validations: [
      {
        expression: BINDING_SELECTOR_EXPRESSION,
        message: "spec.selector must be <namespace>.<spec.azureIdentity>",
        messageExpression:
          "'AzureIdentityBinding ' + object.metadata.name + ': spec.selector \"' + variables.selector + '\" must be \"' + request.namespace + '.' + variables.identity + '\"'",
      },
    ],
  });
}
