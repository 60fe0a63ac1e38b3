/**
 * One client ID, one managed identity, one team. NMI asks Azure for a token by the AzureIdentity's
 * `clientID`, not by its `resourceID`, and workload identity's webhook hands a pod the client ID of
 * its ServiceAccount's `azure.workload.identity/client-id` annotation: an object whose client ID
 * belongs to another identity (or another team) is a way to that identity's token that the
 * resource-group checks on `resourceID` never see.
 *
 * Decided when the values are known: at preview for literals (existing mode, a team's raw objects),
 * at `up` for client IDs that are outputs of managed identities created in the same program.
 */
import { WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION } from "../../../conventions/kubernetes";
import { TEAM_LABEL } from "../../../conventions/kubernetes";
import type { PolicyResource } from "@pulumi/policy";
import { judged } from "../lib/judge";
import { PackStackPolicy } from "../lib/metadata";
import { AZURE_IDENTITY_TYPE, metadataEntry, metadataOf, namespacesByName } from "./support/stack-index";

const SERVICE_ACCOUNT_TYPE = "kubernetes:core/v1:ServiceAccount";

/** An object that names a client ID, where it lives, and (AzureIdentity) the resource it claims. */
interface Claim {
  resource: PolicyResource;
  what: string;
  namespace: string;
  owner: string;
  clientId: string;
  resourceId?: string;
}

const lower = (value: unknown) =>
  typeof value === "string" && value !== "" ? value.toLowerCase() : undefined;

function describeClaim(c: Claim): string {
  return `${c.what} in namespace ${c.namespace} (${c.owner})`;
}

export const identityClientIdConsistency: PackStackPolicy = {
  name: "identity-client-id-consistency",
  description:
    "Every client ID names one managed identity and is used by one team: no two AzureIdentities give one clientID different resourceIDs (or one resourceID different clientIDs), and no AzureIdentity or workload-identity ServiceAccount uses a client ID that another team's objects use.",
  severity: "critical",
  remediationSteps:
    "Give each AzureIdentity the clientID and resourceID of the same managed identity (the blueprint takes both from one identity), and annotate a ServiceAccount `azure.workload.identity/client-id` only with an identity of its own team.",
  tags: [],
  validateStack: (args, report) =>
    judged(report, (j) => {
      const namespaces = namespacesByName(j, args.resources);
      // A namespace the stack does not declare has no known team: it counts as its own owner.
      const ownerOf = (namespace: string) => {
        const declared = namespaces.get(namespace);
        const team = declared ? metadataEntry(j, declared, "labels", TEAM_LABEL) : undefined;
        return typeof team === "string" ? `team ${team}` : `namespace ${namespace}`;
      };
      const claims: Claim[] = [];
      for (const r of args.resources) {
        const isIdentity = r.type === AZURE_IDENTITY_TYPE;
        if (!isIdentity && r.type !== SERVICE_ACCOUNT_TYPE) continue;
        const namespace = metadataOf(j, r, "namespace") ?? "default";
        if (typeof namespace !== "string") continue;
        const clientId = lower(
          isIdentity
            ? j.read(() => r.props.spec?.clientID as unknown)
            : metadataEntry(j, r, "annotations", WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION),
        );
        if (!clientId) continue;
        claims.push({
          resource: r,
          what: `${isIdentity ? "AzureIdentity" : "ServiceAccount"} ${r.name}`,
          namespace,
          owner: ownerOf(namespace),
          clientId,
          resourceId: isIdentity ? lower(j.read(() => r.props.spec?.resourceID as unknown)) : undefined,
        });
      }
      const identities = claims.filter((c) => c.resourceId !== undefined);
      for (const c of identities) {
        for (const other of identities) {
          if (other === c) continue;
          if (other.clientId === c.clientId && other.resourceId !== c.resourceId) {
            j.report(
              `${c.what}: clientID ${c.clientId} is given resourceID ${c.resourceId} here and ${other.resourceId} by ${describeClaim(other)}; NMI requests tokens by client ID, so one of them would be served the other's identity.`,
              c.resource.urn,
            );
          } else if (other.resourceId === c.resourceId && other.clientId !== c.clientId) {
            j.report(
              `${c.what}: resourceID ${c.resourceId} is given clientID ${c.clientId} here and ${other.clientId} by ${describeClaim(other)}; a managed identity has one client ID, so one of them names another identity.`,
              c.resource.urn,
            );
          }
        }
      }
      for (const c of claims) {
        const others = claims.filter((o) => o.clientId === c.clientId && o.owner !== c.owner);
        if (others.length === 0) continue;
        j.report(
          `${c.what}: client ID ${c.clientId} is also used by ${others.map(describeClaim).join(", ")}; an identity belongs to one team, so ${c.owner} could obtain another team's token.`,
          c.resource.urn,
        );
      }
    }),
};
