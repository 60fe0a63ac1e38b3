/**
 * No service principal (a workload's managed identity, MIC or the cluster) holds a role that owns or
 * re-grants everything in its scope: a stolen token would then be worth the whole scope (S3).
 */
import { PolicyConfigSchema, validateResourceOfType } from "@pulumi/policy";
import { RoleAssignment } from "@pulumi/azure-native/authorization/roleAssignment";
import { configWithDefaults } from "../lib/config";
import { judged } from "../lib/judge";
import { PackResourcePolicy } from "../lib/metadata";
import { ROLE_IDS, roleGuid } from "./support/role-assignments";

const privilegedRolesConfig: PolicyConfigSchema = {
  properties: {
    forbiddenRoleDefinitionIds: {
      type: "array",
      items: { type: "string", pattern: "^[0-9a-fA-F-]{36}$" },
      default: [
        ROLE_IDS.owner,
        ROLE_IDS.contributor,
        ROLE_IDS.userAccessAdministrator,
        ROLE_IDS.roleBasedAccessControlAdministrator,
      ],
      description:
        "Role definition GUIDs never granted to a service principal (workload or cluster identity).",
    },
  },
};

export const azureRoleAssignmentPrivilegedRoles: PackResourcePolicy = {
  name: "azure-role-assignment-privileged-roles",
  description:
    "No service principal (managed identity of a workload, MIC or the cluster) holds Owner, Contributor, User Access Administrator or Role Based Access Control Administrator: a stolen token would then own or re-grant everything in scope.",
  severity: "critical",
  remediationSteps:
    'Grant the narrowest built-in data-plane role the workload needs (e.g. Storage Blob Data Reader) on the team resource group, and set `principalType: "ServicePrincipal"` explicitly.',
  tags: [],
  configSchema: privilegedRolesConfig,
  validateResource: validateResourceOfType(RoleAssignment, (assignment, args, report) =>
    judged(report, (j) => {
      const { forbiddenRoleDefinitionIds } = configWithDefaults<{ forbiddenRoleDefinitionIds: string[] }>(
        privilegedRolesConfig,
        args,
      );
      const forbidden = new Set(forbiddenRoleDefinitionIds.map((id) => id.toLowerCase()));
      const principalType = j.read(() => assignment.principalType);
      // An absent principalType could still be a workload identity, so it is judged like one.
      if (principalType !== undefined && principalType !== "ServicePrincipal") return;
      j.check(
        () => forbidden.has(roleGuid(assignment.roleDefinitionId)),
        () =>
          `Role ${roleGuid(assignment.roleDefinitionId)} is a privileged role and may not be granted to a ${principalType ?? "principal of unspecified type (set principalType)"}.`,
      );
    }),
  ),
};
