/**
 * No role is assigned at subscription, management-group or tenant-root scope: a team identity's
 * rights end at its own resource group, so a stolen token cannot reach another team's resources (S3).
 */
import { PolicyConfigSchema, validateResourceOfType } from "@pulumi/policy";
import { RoleAssignment } from "@pulumi/azure-native/authorization/roleAssignment";
import { configWithDefaults } from "../lib/config";
import { judged } from "../lib/judge";
import { PackResourcePolicy } from "../lib/metadata";
import { roleGuid } from "./support/role-assignments";

/** Whether a scope is the tenant root, a management group or a whole subscription. */
export function isBroadScope(scope: string): boolean {
  const s = scope.trim().replace(/\/+$/, "").toLowerCase();
  return (
    s === "" ||
    /^\/providers\/microsoft\.management\/managementgroups\//.test(s + "/") ||
    /^\/subscriptions\/[^/]+$/.test(s)
  );
}

const scopeConfig: PolicyConfigSchema = {
  properties: {
    allowedBroadScopeRoleDefinitionIds: {
      type: "array",
      items: { type: "string", pattern: "^[0-9a-fA-F-]{36}$" },
      default: [],
      description:
        "Role GUIDs that may be assigned at subscription or management-group scope (e.g. a reader for monitoring).",
    },
  },
};

export const azureRoleAssignmentScope: PackResourcePolicy = {
  name: "azure-role-assignment-scope",
  description:
    "No role is assigned at subscription, management-group or tenant-root scope: team identities get rights on their own resource group or resource only.",
  severity: "high",
  remediationSteps:
    "Scope the assignment to the team resource group (or the single resource) instead of the subscription.",
  tags: [],
  configSchema: scopeConfig,
  validateResource: validateResourceOfType(RoleAssignment, (assignment, args, report) =>
    judged(report, (j) => {
      const { allowedBroadScopeRoleDefinitionIds } = configWithDefaults<{
        allowedBroadScopeRoleDefinitionIds: string[];
      }>(scopeConfig, args);
      const allowed = new Set(allowedBroadScopeRoleDefinitionIds.map((id) => id.toLowerCase()));
      j.check(
        () => isBroadScope(assignment.scope) && !allowed.has(roleGuid(assignment.roleDefinitionId)),
        () =>
          `scope ${JSON.stringify(assignment.scope)} is a subscription, management group or the tenant root.`,
      );
    }),
  ),
};
