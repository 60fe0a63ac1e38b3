/**
 * S2, S6: only platform principals write the aad-pod-identity objects.
 *
 * A binding, identity or exception written by a team is how one team reaches another's identity
 * (S2, S3) or skips NMI's checks entirely (AzurePodIdentityException, S6); a forged
 * AzureAssignedIdentity is what NMI trusts when it hands out a token. RBAC already gives teams no
 * write verb on these kinds; this holds even when a principal has been granted too much.
 * MIC (a service account of the identity namespace) keeps its assignments and status updates.
 */
import { AAD_POD_IDENTITY_GROUP } from "../conventions";
import { POD_IDENTITY_RESOURCES as R } from "../crds";
import {
  celString,
  celStringList,
  denyPolicy,
  onWrite,
  platformPrincipalExpression,
  serviceAccountUser,
} from "./cel";
import type { AdmissionPolicyDefinition, GuardrailSettings } from "./types";

export const IDENTITY_OBJECTS_POLICY = "aks-hardening-identity-objects-platform-only";

/** MIC may create and delete assignments, and only update (never create) the other kinds. */
export function identityControllerExpression(settings: GuardrailSettings): string {
  const writers = settings.identityWriterServiceAccounts.map((sa) =>
    serviceAccountUser(settings.identityNamespace, sa),
  );
  return (
    `request.userInfo.username in ${celStringList(writers)}` +
    ` && (request.resource.resource == ${celString(R.azureAssignedIdentities)} || request.operation == 'UPDATE')`
  );
}

export function identityObjectsPlatformOnlyPolicy(settings: GuardrailSettings): AdmissionPolicyDefinition {
  return denyPolicy({
    name: IDENTITY_OBJECTS_POLICY,
    threats: ["S2", "S3", "S6"],
    description:
      "AzureIdentity, AzureIdentityBinding, AzureAssignedIdentity and AzurePodIdentityException are written by platform principals (and MIC's assignments) only.",
    resourceRules: [
      onWrite(AAD_POD_IDENTITY_GROUP, "*", [
        R.azureIdentities,
        R.azureIdentityBindings,
        R.azureAssignedIdentities,
        R.azurePodIdentityExceptions,
      ]),
    ],
    variables: {
      isPlatform: platformPrincipalExpression(settings),
      isIdentityController: identityControllerExpression(settings),
    },
    validations: [
      {
        expression: "variables.isPlatform || variables.isIdentityController",
        message: "aad-pod-identity objects are written by platform principals only",
        messageExpression:
          "request.userInfo.username + ' may not ' + request.operation + ' ' + request.resource.resource + ' in namespace ' + request.namespace + ' (platform principals only)'",
      },
    ],
  });
}
