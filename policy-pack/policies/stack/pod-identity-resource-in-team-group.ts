/**
 * An AzureIdentity names a managed identity of its own team's resource group (S3): no single resource
 * can decide it, because the team comes from the namespace's label and the resource group from the
 * namespace's annotation, and an identity naming another team's managed identity hands that team's
 * Azure rights to this namespace's pods.
 */
import { RESOURCE_GROUP_ANNOTATION, TEAM_LABEL } from "../../../conventions/kubernetes";
import { judged } from "../lib/judge";
import { PackStackPolicy } from "../lib/metadata";
import { AZURE_IDENTITY_TYPE, metadataEntry, metadataOf, namespacesByName } from "./support/stack-index";

const IDENTITY_PATH = "/providers/microsoft.managedidentity/userassignedidentities/";

export const podIdentityResourceInTeamGroup: PackStackPolicy = {
  name: "pod-identity-resource-in-team-group",
  description:
    "An AzureIdentity lives in a team namespace (label aks-hardening.io/team) and its spec.resourceID is a user-assigned identity in that team's resource group (annotation aks-hardening.io/azure-resource-group-id), never another team's.",
  severity: "critical",
  remediationSteps:
    "Declare the AzureIdentity in the namespace of the team that owns the managed identity; its resourceID must be `<team resource group ID>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>`.",
  tags: [],
  validateStack: (args, report) =>
    judged(report, (j) => {
      const namespaces = namespacesByName(j, args.resources);
      const teamOfGroup = new Map<string, string>();
      for (const ns of namespaces.values()) {
        const team = metadataEntry(j, ns, "labels", TEAM_LABEL);
        const group = metadataEntry(j, ns, "annotations", RESOURCE_GROUP_ANNOTATION);
        if (typeof team === "string" && typeof group === "string") teamOfGroup.set(group.toLowerCase(), team);
      }
      for (const identity of args.resources) {
        if (identity.type !== AZURE_IDENTITY_TYPE) continue;
        const namespaceName = metadataOf(j, identity, "namespace") ?? "default";
        if (typeof namespaceName !== "string") continue;
        const namespace = namespaces.get(namespaceName);
        if (!namespace) continue; // Declared elsewhere: its labels cannot be read from this stack.
        const team = metadataEntry(j, namespace, "labels", TEAM_LABEL);
        if (team === undefined) {
          j.report(
            `AzureIdentity ${identity.name} is in ${namespaceName}, which is not a team namespace (no ${TEAM_LABEL} label).`,
            identity.urn,
          );
          continue;
        }
        const group = metadataEntry(j, namespace, "annotations", RESOURCE_GROUP_ANNOTATION);
        if (group === undefined) {
          j.report(
            `Team namespace ${namespaceName} has no ${RESOURCE_GROUP_ANNOTATION} annotation, so AzureIdentity ${identity.name} cannot be tied to its team.`,
            identity.urn,
          );
          continue;
        }
        const resourceId = j.read(() => identity.props.spec?.resourceID as string | undefined);
        if (typeof group !== "string" || typeof resourceId !== "string") {
          if (resourceId === undefined)
            j.report(`AzureIdentity ${identity.name} has no spec.resourceID.`, identity.urn);
          continue;
        }
        const expected = (group.replace(/\/+$/, "") + IDENTITY_PATH).toLowerCase();
        if (!resourceId.toLowerCase().startsWith(expected)) {
          const owner = [...teamOfGroup.entries()].find(([rg]) =>
            resourceId.toLowerCase().startsWith(rg + "/"),
          );
          j.report(
            `AzureIdentity ${identity.name} in ${namespaceName} (team ${String(team)}) names ${resourceId}, outside the team's resource group${owner ? ` (it belongs to team ${owner[1]})` : ""}.`,
            identity.urn,
          );
        }
      }
    }),
};
