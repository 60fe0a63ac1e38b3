/**
 * What the role-assignment policies (`azure-native:authorization:RoleAssignment`) share: which
 * built-in roles they look for, and how a role definition ID names one. Together they decide the
 * Azure half of S3 (a stolen identity is only worth what it may do) and keep MIC from assigning
 * identities it was not approved for.
 */
import { BUILT_IN_ROLES } from "../../../../conventions/roles";

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
