/**
 * S3, S6: an AzureIdentity is a user-assigned managed identity (type 0, no service-principal
 * secret) whose `resourceID` lies in the resource group the platform recorded on the namespace.
 *
 * The namespace annotation is the trust anchor (only platform principals may change it, see the
 * namespace trust-anchor policy), so a team cannot point an identity of its namespace at another
 * team's managed identity, and namespaces without the annotation (`default`, the identity
 * namespace, system namespaces) cannot hold an AzureIdentity at all.
 */
import {
  AAD_POD_IDENTITY_GROUP,
  RESOURCE_GROUP_ANNOTATION,
  USER_ASSIGNED_IDENTITY_PATH,
  POD_IDENTITY_RESOURCES as R,
} from "../kubernetes";
import { celString, denyPolicy, onWrite, valueOrEmpty } from "./cel";
import type { AdmissionPolicyDefinition } from "./types";

export const AZURE_IDENTITY_SCOPE_POLICY = "aks-hardening-azure-identity-team-scope";

/** The namespace's team resource group ID, `''` when the annotation is missing. */
export const NAMESPACE_RESOURCE_GROUP_EXPRESSION = `has(namespaceObject.metadata.annotations) ? ${valueOrEmpty(
  "namespaceObject.metadata.annotations",
  RESOURCE_GROUP_ANNOTATION,
)} : ''`;

/** The identity's `spec.resourceID`, `''` when missing. */
export const RESOURCE_ID_EXPRESSION =
  "has(object.spec) && has(object.spec.resourceID) ? object.spec.resourceID : ''";

/** Lower-cased `<rg id>/providers/microsoft.managedidentity/userassignedidentities/` (ARM IDs are case-insensitive). */
export const ALLOWED_PREFIX_EXPRESSION = `(variables.resourceGroupId + ${celString(USER_ASSIGNED_IDENTITY_PATH)}).lowerAscii()`;

/** Type 0 only: 1 and 2 are service principals whose secret would sit in the cluster. */
export const TYPE_ZERO_EXPRESSION = "has(object.spec) && has(object.spec.type) && object.spec.type == 0";

/** The namespace carries a well-formed team resource group ID. */
export const NAMESPACE_HAS_RESOURCE_GROUP_EXPRESSION =
  "variables.resourceGroupId.matches('^/subscriptions/[^/]+/resourceGroups/[^/]+$')";

/**
 * `resourceID` is `<prefix><name>` with exactly one name segment after the prefix (no `/..`
 * tricks, no nested resource), compared case-insensitively.
 */
export const RESOURCE_ID_IN_GROUP_EXPRESSION =
  "variables.resourceId.lowerAscii().startsWith(variables.allowedPrefix)" +
  " && variables.resourceId.substring(size(variables.allowedPrefix)).matches('^[A-Za-z0-9][A-Za-z0-9_-]{2,127}$')";

export function azureIdentityScopePolicy(): AdmissionPolicyDefinition {
  return denyPolicy({
    name: AZURE_IDENTITY_SCOPE_POLICY,
    description:
      "An AzureIdentity must be type 0 and its resourceID must be a user-assigned identity in the team resource group recorded on its namespace.",
    resourceRules: [onWrite(AAD_POD_IDENTITY_GROUP, "*", [R.azureIdentities])],
    variables: {
      resourceGroupId: NAMESPACE_RESOURCE_GROUP_EXPRESSION,
      resourceId: RESOURCE_ID_EXPRESSION,
      allowedPrefix: ALLOWED_PREFIX_EXPRESSION,
    },
    validations: [
      {
        expression: TYPE_ZERO_EXPRESSION,
        message: "spec.type must be 0 (user-assigned managed identity)",
        messageExpression:
          "'AzureIdentity ' + object.metadata.name + ': spec.type must be 0 (user-assigned managed identity), got ' + (has(object.spec) && has(object.spec.type) ? string(object.spec.type) : 'none')",
        reason: "Invalid",
      },
      {
        expression: NAMESPACE_HAS_RESOURCE_GROUP_EXPRESSION,
        message: `the namespace has no ${RESOURCE_GROUP_ANNOTATION} annotation, so it may hold no AzureIdentity`,
        messageExpression: `'namespace ' + request.namespace + ${celString(` has no valid ${RESOURCE_GROUP_ANNOTATION} annotation (got "`)} + variables.resourceGroupId + '"), so it may hold no AzureIdentity'`,
      },
      {
        expression: RESOURCE_ID_IN_GROUP_EXPRESSION,
        message: "spec.resourceID must be a user-assigned identity in the namespace's team resource group",
        messageExpression:
          "'AzureIdentity ' + object.metadata.name + ': spec.resourceID \"' + variables.resourceId + '\" is not a user-assigned identity in ' + variables.resourceGroupId",
      },
    ],
  });
}
