/**
 * S2, S6: only platform principals write the aad-pod-identity objects.
 *
 * A binding, identity or exception written by a team is how one team reaches another's identity
 * (S2, S3) or skips NMI's checks entirely (AzurePodIdentityException, S6); a forged
 * AzureAssignedIdentity is what NMI trusts when it hands out a token. RBAC already gives teams no
 * write verb on these kinds; this holds even when a principal has been granted too much.
 * MIC (a service account of the identity namespace) keeps its assignments and status updates.
 * The garbage collector may remove finalizers and owner references (an update that leaves spec
 * and labels alone): without that, a foreground delete of an identity object (the Pulumi
 * provider's default, seen under `pulumi destroy` on a real API server) never finishes.
 */
import { AAD_POD_IDENTITY_GROUP, POD_IDENTITY_RESOURCES as R } from "../kubernetes";
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

/** The garbage collector: its own service account, or the controller manager's user without one. */
export const GARBAGE_COLLECTOR_USERS = [
  "system:serviceaccount:kube-system:generic-garbage-collector",
  "system:kube-controller-manager",
];

/** An update by the garbage collector that changes neither spec nor labels (finalizers, owners). */
export const GARBAGE_COLLECTION_EXPRESSION =
  `request.operation == 'UPDATE' && request.userInfo.username in ${celStringList(GARBAGE_COLLECTOR_USERS)}` +
  " && has(object.spec) == has(oldObject.spec) && (!has(object.spec) || object.spec == oldObject.spec)" +
  " && (has(object.metadata.labels) ? object.metadata.labels : {}) ==" +
  " (has(oldObject.metadata.labels) ? oldObject.metadata.labels : {})";

export function identityObjectsPlatformOnlyPolicy(settings: GuardrailSettings): AdmissionPolicyDefinition {
  return denyPolicy({
    name: IDENTITY_OBJECTS_POLICY,
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
      isGarbageCollection: GARBAGE_COLLECTION_EXPRESSION,
    },
    validations: [
      {
        expression: "variables.isPlatform || variables.isIdentityController || variables.isGarbageCollection",
        message: "aad-pod-identity objects are written by platform principals only",
        messageExpression:
          "request.userInfo.username + ' may not ' + request.operation + ' ' + request.resource.resource + ' in namespace ' + request.namespace + ' (platform principals only)'",
      },
    ],
  });
}
