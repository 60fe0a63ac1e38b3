/**
 * The catalogue of Azure built-in roles the blueprint may grant, by name.
 *
 * Stack files name roles (`Storage Blob Data Reader`), never GUIDs: a typo in a name is caught by
 * validation, a typo in a GUID would silently grant something else. Each GUID below is the role
 * definition's `name` in Microsoft's built-in role reference
 * (learn.microsoft.com/azure/role-based-access-control/built-in-roles/<category>), and is the same
 * in every Azure public-cloud tenant.
 */

/** Built-in role name -> role definition GUID. */
export const BUILT_IN_ROLES = {
  // General / privileged (built-in-roles/general, built-in-roles/privileged).
  Reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
  Contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  Owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
  "User Access Administrator": "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
  "Role Based Access Control Administrator": "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
  // Identity (built-in-roles/identity).
  "Managed Identity Operator": "f1a07417-d97a-45cb-824c-7a7467783830",
  "Managed Identity Contributor": "e40ec5ca-96e0-45a2-b4ff-59039f2c2b59",
  // Compute (built-in-roles/compute).
  "Virtual Machine Contributor": "9980e02c-c2be-4d73-94e8-173b1dc7cf3c",
  // Containers (built-in-roles/containers).
  AcrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
  // Storage (built-in-roles/storage).
  "Storage Blob Data Reader": "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
  "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
  // Security (built-in-roles/security).
  "Key Vault Secrets User": "4633458b-17de-408a-b874-0445c86b69e6",
  "Key Vault Certificate User": "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba",
  "Key Vault Crypto User": "12338af0-0e69-4776-bea7-57ae8d297424",
  // Integration (built-in-roles/integration).
  "Azure Service Bus Data Sender": "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39",
  "Azure Service Bus Data Receiver": "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0",
  "Azure Event Hubs Data Sender": "2b629674-e913-4c01-ae53-ef4638d8f975",
  "Azure Event Hubs Data Receiver": "a638d3c7-ab3a-418d-83e6-5f17a39d4fde",
} as const;

/** A role name the catalogue knows. */
export type BuiltInRoleName = keyof typeof BUILT_IN_ROLES;

/**
 * Roles a team's workload identity must never hold, with the reason shown to the user.
 *
 * A pod's token is only as safe as the pod: anything these roles allow, a compromised pod allows.
 * Each one either controls access itself (writes role assignments) or can hand the identity, or
 * another identity, to something outside the cluster.
 */
export const FORBIDDEN_WORKLOAD_ROLES: Readonly<Partial<Record<BuiltInRoleName, string>>> = {
  Owner: "can write role assignments (grant itself or anyone anything)",
  "User Access Administrator": "can write role assignments (grant itself or anyone anything)",
  "Role Based Access Control Administrator": "can write role assignments",
  Contributor: "manages every resource type in the scope; grant the narrow data-plane role instead",
  "Managed Identity Contributor":
    "can add federated credentials to the team's identities, handing them to any OIDC issuer",
  "Managed Identity Operator": "can attach the team's identities to other compute (a platform-only role)",
};

/** Whether `name` is a role in the catalogue. */
export function isBuiltInRole(name: string): name is BuiltInRoleName {
  return Object.prototype.hasOwnProperty.call(BUILT_IN_ROLES, name);
}

/**
 * The full role definition ID Azure returns for a built-in role, e.g.
 * `/subscriptions/<sub>/providers/Microsoft.Authorization/roleDefinitions/<guid>`.
 *
 * The subscription-qualified form is what Azure reads back, so using it avoids a perpetual diff.
 * Throws on an unknown role: validation has already refused those, so reaching here is a bug.
 */
export function roleDefinitionId(subscriptionId: string, roleName: string): string {
  if (!isBuiltInRole(roleName)) {
    throw new Error(
      `Unknown built-in role "${roleName}"; known roles: ${Object.keys(BUILT_IN_ROLES).join(", ")}`,
    );
  }
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLES[roleName]}`;
}
