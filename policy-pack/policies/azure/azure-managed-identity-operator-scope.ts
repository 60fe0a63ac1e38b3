/**
 * Managed Identity Operator, the right MIC uses to attach an identity to a node's scale set, is
 * granted on one user-assigned identity at a time: MIC can then only hand out identities that were
 * approved one by one, never every identity of a resource group or subscription.
 */
import { validateResourceOfType } from "@pulumi/policy";
import { RoleAssignment } from "@pulumi/azure-native/authorization/roleAssignment";
import { judged } from "../lib/judge";
import { PackResourcePolicy } from "../lib/metadata";
import { ROLE_IDS, roleGuid } from "./support/role-assignments";

/** Whether a scope is exactly one user-assigned managed identity. */
export function isSingleUserAssignedIdentity(scope: string): boolean {
  return /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.managedidentity\/userassignedidentities\/[^/]+\/?$/i.test(
    scope.trim(),
  );
}

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
