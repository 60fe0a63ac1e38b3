/**
 * The one way the blueprint grants an Azure role to a managed identity, so that every assignment has
 * the same shape: a full role definition ID, `principalType: ServicePrincipal` (managed identities are
 * service principals; stating it avoids the replication-delay failure of a fresh principal) and a
 * deterministic GUID name.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import { roleDefinitionId } from "../../infra/config/roles";
import { deterministicGuid, subscriptionIdOf } from "./naming";

export interface RoleGrantArgs {
  /** Object (principal) ID of the managed identity receiving the role. */
  principalId: pulumi.Input<string>;
  /** Built-in role name from the catalogue in `infra/config/roles.ts`. */
  roleName: string;
  /**
   * Full resource ID the role applies to. Every caller passes the narrowest scope that works (one
   * identity, one resource group); the subscription the role definition lives in is read from it.
   */
  scope: pulumi.Input<string>;
}

/** Registers one role assignment named `name` (its GUID is derived from `name` and the role). */
export function grantRole(
  name: string,
  args: RoleGrantArgs,
  opts: pulumi.CustomResourceOptions,
): authorization.RoleAssignment {
  return new authorization.RoleAssignment(
    name,
    {
      roleAssignmentName: deterministicGuid(name, args.roleName),
      principalId: args.principalId,
      principalType: "ServicePrincipal",
      roleDefinitionId: pulumi
        .output(args.scope)
        .apply((scope) => roleDefinitionId(subscriptionIdOf(scope), args.roleName)),
      scope: args.scope,
    },
    opts,
  );
}
