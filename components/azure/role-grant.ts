/**
 * The one way the blueprint grants an Azure role to a managed identity, so that every assignment has
 * the same shape: a full role definition ID, `principalType: ServicePrincipal` (managed identities are
 * service principals; stating it avoids the replication-delay failure of a fresh principal) and a
 * deterministic GUID name.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import { roleDefinitionId } from "../../conventions/roles";
import { deterministicGuid, subscriptionIdOf } from "./naming";

export interface RoleGrantArgs {
  /** Object (principal) ID of the managed identity receiving the role. */
  principalId: pulumi.Input<string>;
  /** Built-in role name from the catalogue in `conventions/roles.ts`. */
  roleName: string;
  /**
   * Full resource ID the role applies to. Every caller passes the narrowest scope that works (one
   * identity, one resource group); the subscription the role definition lives in is read from it.
   */
  scope: pulumi.Input<string>;
}

/**
 * Registers one role assignment. Its GUID name is derived from scope, principal and role definition
 * (the three facts that identify an assignment, as Microsoft's RBAC guidance recommends), so it is
 * unique across subscriptions and stable across runs; it is known once the scope and principal are.
 */
export function grantRole(
  name: string,
  args: RoleGrantArgs,
  opts: pulumi.CustomResourceOptions,
): authorization.RoleAssignment {
  const roleDefinition = pulumi
    .output(args.scope)
    .apply((scope) => roleDefinitionId(subscriptionIdOf(scope), args.roleName));
  return new authorization.RoleAssignment(
    name,
    {
      roleAssignmentName: pulumi
        .all([args.scope, args.principalId, roleDefinition])
        .apply(([scope, principal, role]) => deterministicGuid(scope, principal, role)),
      principalId: args.principalId,
      principalType: "ServicePrincipal",
      roleDefinitionId: roleDefinition,
      scope: args.scope,
    },
    opts,
  );
}
