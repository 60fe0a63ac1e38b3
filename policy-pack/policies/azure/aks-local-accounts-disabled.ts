/**
 * Local accounts are off: the static cluster-admin certificate bypasses Entra ID, so neither per-team
 * RBAC nor the audit log could tell who used it.
 */
import { validateResourceOfType } from "@pulumi/policy";
import { ManagedCluster } from "@pulumi/azure-native/containerservice/managedCluster";
import { judged } from "../lib/judge";
import { PackResourcePolicy, cisTags } from "../lib/metadata";
import { isNot } from "./support/cluster";

export const aksLocalAccountsDisabled: PackResourcePolicy = {
  name: "aks-local-accounts-disabled",
  description:
    "Local accounts (the static cluster-admin certificate) are disabled, so every API call carries an Entra identity that RBAC and audit logs can attribute.",
  severity: "high",
  remediationSteps:
    "Set `disableLocalAccounts: true` (requires Entra ID integration: `aadProfile.managed: true`).",
  tags: cisTags(["5.5.1"]),
  validateResource: validateResourceOfType(ManagedCluster, (cluster, _args, report) =>
    judged(report, (j) =>
      j.check(
        () => isNot(true)(cluster.disableLocalAccounts),
        "disableLocalAccounts must be true (a static admin credential bypasses Entra ID and per-team RBAC).",
      ),
    ),
  ),
};
