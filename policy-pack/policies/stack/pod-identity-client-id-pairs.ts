/**
 * Preview-time twin of the approved-pair admission policy (issue 13): NMI asks IMDS for a token by
 * client ID, so an AzureIdentity's `clientID` must belong to its `resourceID`. In one stack a
 * client ID names one resource ID only, and when the identity's namespace is declared in the stack
 * the pair must be one the namespace approves (annotation `aks-hardening.io/approved-identities`).
 */
import { APPROVED_IDENTITIES_ANNOTATION } from "../../../conventions/kubernetes";
import { judged } from "../lib/judge";
import { PackStackPolicy } from "../lib/metadata";
import { AZURE_IDENTITY_TYPE, metadataEntry, metadataOf, namespacesByName } from "./support/stack-index";

export const podIdentityClientIdPairs: PackStackPolicy = {
  name: "pod-identity-client-id-pairs",
  description:
    "An AzureIdentity's clientID belongs to its resourceID: no client ID appears with two resource IDs, and the pair is one its namespace approves (annotation aks-hardening.io/approved-identities), since NMI requests tokens by client ID.",
  severity: "critical",
  remediationSteps:
    "Take clientID and resourceID from the same managed identity (its clientId and id outputs) and record the pair on the team namespace, as the blueprint's TeamNamespaces component does.",
  tags: [],
  validateStack: (args, report) =>
    judged(report, (j) => {
      const namespaces = namespacesByName(j, args.resources);
      const resourceOfClient = new Map<string, { resourceId: string; name: string }>();
      for (const identity of args.resources) {
        if (identity.type !== AZURE_IDENTITY_TYPE) continue;
        const clientId = j.read(() => identity.props.spec?.clientID as string | undefined);
        const resourceId = j.read(() => identity.props.spec?.resourceID as string | undefined);
        if (typeof clientId !== "string" || typeof resourceId !== "string") continue;
        const pair = `${clientId}=${resourceId}`.toLowerCase();
        const seen = resourceOfClient.get(clientId.toLowerCase());
        if (seen && seen.resourceId !== resourceId.toLowerCase()) {
          j.report(
            `AzureIdentity ${identity.name}: clientID ${clientId} is also AzureIdentity ${seen.name}'s, with another resourceID (${seen.resourceId}); a client ID belongs to one managed identity.`,
            identity.urn,
          );
        } else if (!seen) {
          resourceOfClient.set(clientId.toLowerCase(), {
            resourceId: resourceId.toLowerCase(),
            name: identity.name,
          });
        }
        const namespaceName = metadataOf(j, identity, "namespace") ?? "default";
        if (typeof namespaceName !== "string") continue;
        const namespace = namespaces.get(namespaceName);
        if (!namespace) continue; // Declared elsewhere: the admission policy checks it at apply.
        const approved = metadataEntry(j, namespace, "annotations", APPROVED_IDENTITIES_ANNOTATION);
        if (typeof approved !== "string" && approved !== undefined) continue;
        const pairs = (approved ?? "")
          .toLowerCase()
          .split(",")
          .filter((p) => p !== "");
        if (!pairs.includes(pair)) {
          j.report(
            `AzureIdentity ${identity.name}: clientID=resourceID ${pair} is not approved for namespace ${namespaceName} (annotation ${APPROVED_IDENTITIES_ANNOTATION}: ${JSON.stringify(approved ?? "")}).`,
            identity.urn,
          );
        }
      }
    }),
};
