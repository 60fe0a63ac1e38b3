/**
 * S3 by client ID: NMI asks IMDS for a token by `clientID`, not by `resourceID`, so an AzureIdentity
 * whose resourceID is the team's own but whose clientID is another team's gets the other team's
 * token. The platform records each namespace's approved `<clientID>=<resourceID>` pairs in the
 * namespace annotation `aks-hardening.io/approved-identities` (a trust anchor); an AzureIdentity
 * must name one of those pairs exactly (case-insensitive, as ARM IDs and GUIDs are).
 */
import {
  AAD_POD_IDENTITY_GROUP,
  APPROVED_IDENTITIES_ANNOTATION,
  POD_IDENTITY_RESOURCES as R,
} from "../kubernetes";
import { celString, denyPolicy, onWrite, valueOrEmpty } from "./cel";
import type { AdmissionPolicyDefinition } from "./types";

export const AZURE_IDENTITY_APPROVED_PAIR_POLICY = "aks-hardening-azure-identity-approved-pair";

/** The namespace's approved pairs, lower-cased; empty when the annotation is missing or empty. */
export const APPROVED_PAIRS_EXPRESSION = `(has(namespaceObject.metadata.annotations) ? ${valueOrEmpty(
  "namespaceObject.metadata.annotations",
  APPROVED_IDENTITIES_ANNOTATION,
)} : '').lowerAscii().split(',').filter(p, p != '')`;

/** This identity's pair, lower-cased. */
export const IDENTITY_PAIR_EXPRESSION =
  "((has(object.spec) && has(object.spec.clientID) ? object.spec.clientID : '')" +
  " + '=' + (has(object.spec) && has(object.spec.resourceID) ? object.spec.resourceID : '')).lowerAscii()";

export function azureIdentityApprovedPairPolicy(): AdmissionPolicyDefinition {
  return denyPolicy({
    name: AZURE_IDENTITY_APPROVED_PAIR_POLICY,
    description: `An AzureIdentity's clientID and resourceID must be a pair the platform approved for its namespace (annotation ${APPROVED_IDENTITIES_ANNOTATION}).`,
    resourceRules: [onWrite(AAD_POD_IDENTITY_GROUP, "*", [R.azureIdentities])],
    variables: { approvedPairs: APPROVED_PAIRS_EXPRESSION, pair: IDENTITY_PAIR_EXPRESSION },
    validations: [
      {
        expression: "variables.pair in variables.approvedPairs",
        message: "spec.clientID and spec.resourceID must be a pair approved for the namespace",
        messageExpression: `'AzureIdentity ' + object.metadata.name + ': clientID=resourceID "' + variables.pair + '" is not approved for namespace ' + request.namespace + ${celString(` (annotation ${APPROVED_IDENTITIES_ANNOTATION}: `)} + variables.approvedPairs.join(', ') + ')'`,
      },
    ],
  });
}
