/**
 * Cross-object rules of pod identity that no single resource can decide: selectors must be owned
 * by one namespace (S1), a binding must point at an identity declared beside it (S2), and an
 * identity must name a managed identity of its own team's resource group (S3).
 */
import { POD_IDENTITY_LABEL, RESOURCE_GROUP_ANNOTATION, TEAM_LABEL } from "../../../conventions/kubernetes";
import { judged } from "../lib/judge";
import { PackStackPolicy } from "../lib/metadata";
import {
  AZURE_IDENTITY_BINDING_TYPE,
  AZURE_IDENTITY_TYPE,
  metadataEntry,
  metadataOf,
  namespacesByName,
  workloadsOf,
} from "./stack-index";

export const podIdentitySelectorsNamespaced: PackStackPolicy = {
  name: "pod-identity-selectors-namespaced",
  description:
    "Every AzureIdentityBinding selector and every pod `aadpodidbinding` label starts with `<its namespace>.`, and no selector is used in two namespaces, so a pod can only ever match its own namespace's identities.",
  severity: "critical",
  remediationSteps:
    "Name selectors `<namespace>.<identity>` (the blueprint's convention) and label pods with the selector of an identity of their own namespace.",
  tags: [],
  validateStack: (args, report) =>
    judged(report, (j) => {
      const namespacesOfSelector = new Map<string, Set<string>>();
      const bindings = args.resources.filter((r) => r.type === AZURE_IDENTITY_BINDING_TYPE);
      for (const binding of bindings) {
        const namespace = metadataOf(j, binding, "namespace") ?? "default";
        const selector = j.read(() => binding.props.spec?.selector as string | undefined);
        if (typeof namespace !== "string" || typeof selector !== "string") continue;
        if (!selector.startsWith(`${namespace}.`)) {
          j.report(
            `AzureIdentityBinding ${binding.name}: selector ${JSON.stringify(selector)} does not start with "${namespace}.".`,
            binding.urn,
          );
        }
        namespacesOfSelector.set(selector, (namespacesOfSelector.get(selector) ?? new Set()).add(namespace));
      }
      for (const binding of bindings) {
        const selector = j.read(() => binding.props.spec?.selector as string | undefined);
        const namespaces = typeof selector === "string" ? namespacesOfSelector.get(selector) : undefined;
        if (namespaces && namespaces.size > 1) {
          j.report(
            `AzureIdentityBinding ${binding.name}: selector ${JSON.stringify(selector)} is used in namespaces ${[...namespaces].sort().join(", ")}.`,
            binding.urn,
          );
        }
      }
      for (const workload of workloadsOf(j, args.resources)) {
        const label = workload.labels.find(([key]) => key === POD_IDENTITY_LABEL);
        const namespace = workload.namespace ?? "default";
        if (!label || typeof namespace !== "string") continue;
        if (!label[1].startsWith(`${namespace}.`)) {
          j.report(
            `${workload.kind} ${workload.resource.name}: pod label ${POD_IDENTITY_LABEL}=${JSON.stringify(label[1])} does not start with "${namespace}.", so it could match another namespace's identity.`,
            workload.resource.urn,
          );
        }
      }
    }),
};

export const podIdentityBindingTargetInNamespace: PackStackPolicy = {
  name: "pod-identity-binding-target-in-namespace",
  description:
    "Every AzureIdentityBinding points at an AzureIdentity declared in the same namespace of the same stack: a binding to an identity that someone else declared is how S2 takes it.",
  severity: "critical",
  remediationSteps:
    "Declare the AzureIdentity and its AzureIdentityBinding together, in the team namespace that owns the managed identity.",
  tags: [],
  validateStack: (args, report) =>
    judged(report, (j) => {
      const identities = new Map<string, string[]>();
      for (const r of args.resources) {
        if (r.type !== AZURE_IDENTITY_TYPE) continue;
        const name = metadataOf(j, r, "name");
        const namespace = metadataOf(j, r, "namespace") ?? "default";
        if (typeof name === "string" && typeof namespace === "string") {
          identities.set(name, [...(identities.get(name) ?? []), namespace]);
        }
      }
      for (const binding of args.resources) {
        if (binding.type !== AZURE_IDENTITY_BINDING_TYPE) continue;
        const namespace = metadataOf(j, binding, "namespace") ?? "default";
        const target = j.read(() => binding.props.spec?.azureIdentity as string | undefined);
        if (typeof namespace !== "string" || target === undefined || typeof target !== "string") {
          if (target === undefined)
            j.report(`AzureIdentityBinding ${binding.name} names no spec.azureIdentity.`, binding.urn);
          continue;
        }
        const where = identities.get(target) ?? [];
        if (where.includes(namespace)) continue;
        j.report(
          where.length > 0
            ? `AzureIdentityBinding ${binding.name} in ${namespace} points at AzureIdentity ${target} of namespace(s) ${where.join(", ")}.`
            : `AzureIdentityBinding ${binding.name} in ${namespace} points at AzureIdentity ${target}, which this stack does not declare in ${namespace}.`,
          binding.urn,
        );
      }
    }),
};

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
