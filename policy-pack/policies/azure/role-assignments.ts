/**
 * Azure role assignments (`azure-native:authorization:RoleAssignment`): workload identities get
 * narrow roles on narrow scopes. These decide the Azure half of S3 (a stolen identity is only worth
 * what it may do) and keep MIC from assigning identities it was not approved for.
 */
import { BUILT_IN_ROLES } from "../../../conventions/roles";
import { PolicyConfigSchema, validateResourceOfType } from "@pulumi/policy";
import { RoleAssignment } from "@pulumi/azure-native/authorization/roleAssignment";
import { configWithDefaults } from "../lib/config";
import { judged } from "../lib/judge";
import { PackResourcePolicy } from "../lib/metadata";

/** The built-in role definition GUIDs these policies look for (from the blueprint's role catalogue). */
export const ROLE_IDS = {
  owner: BUILT_IN_ROLES.Owner,
  contributor: BUILT_IN_ROLES.Contributor,
  userAccessAdministrator: BUILT_IN_ROLES["User Access Administrator"],
  roleBasedAccessControlAdministrator: BUILT_IN_ROLES["Role Based Access Control Administrator"],
  managedIdentityOperator: BUILT_IN_ROLES["Managed Identity Operator"],
} as const;

/** The GUID at the end of a role definition ID (full, subscription-less or bare form), lower-cased. */
export function roleGuid(roleDefinitionId: string): string {
  const match = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i.exec(
    roleDefinitionId.trim(),
  );
  return (match ? match[1] : roleDefinitionId).toLowerCase();
}

/** Whether a scope is the tenant root, a management group or a whole subscription. */
export function isBroadScope(scope: string): boolean {
  const s = scope.trim().replace(/\/+$/, "").toLowerCase();
  return (
    s === "" ||
    /^\/providers\/microsoft\.management\/managementgroups\//.test(s + "/") ||
    /^\/subscriptions\/[^/]+$/.test(s)
  );
}

/** Whether a scope is exactly one user-assigned managed identity. */
export function isSingleUserAssignedIdentity(scope: string): boolean {
  return /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.managedidentity\/userassignedidentities\/[^/]+\/?$/i.test(
    scope.trim(),
  );
}

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

export const azureManagedIdentityOperatorScope: PackResourcePolicy = {
  name: "azure-managed-identity-operator-scope",
  description:
    "Managed Identity Operator (the right to attach an identity to VMs, which MIC uses) is granted on one user-assigned identity at a time, never on a resource group or subscription: MIC can then only hand out identities that were approved one by one.",
  severity: "critical",
  remediationSteps:
    "Create one Managed Identity Operator assignment per approved identity, with `scope: <identity>.id`.",
  tags: [],
  validateResource: validateResourceOfType(RoleAssignment, (assignment, _args, report) =>
    judged(report, (j) => {
      const isOperator = j.read(
        () => roleGuid(assignment.roleDefinitionId) === ROLE_IDS.managedIdentityOperator,
      );
      if (isOperator !== true) return;
      j.check(
        () => !isSingleUserAssignedIdentity(assignment.scope),
        () =>
          `Managed Identity Operator on ${JSON.stringify(assignment.scope)}: the scope must be a single user-assigned identity.`,
      );
    }),
  ),
};

export const roleAssignmentPolicies: PackResourcePolicy[] = [
  azureRoleAssignmentPrivilegedRoles,
  azureRoleAssignmentScope,
  azureManagedIdentityOperatorScope,
];
