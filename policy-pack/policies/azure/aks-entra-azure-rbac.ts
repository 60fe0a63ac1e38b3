/**
 * Users authenticate with Entra ID and are authorized with Azure RBAC, so a team's rights follow its
 * Entra group; the legacy AAD integration is refused because it keeps an application secret.
 */
import { validateResourceOfType } from "@pulumi/policy";
import { ManagedCluster } from "@pulumi/azure-native/containerservice/managedCluster";
import { judged } from "../lib/judge";
import { PackResourcePolicy, cisTags } from "../lib/metadata";
import { isNot } from "./support/cluster";

export const aksEntraAzureRbac: PackResourcePolicy = {
  name: "aks-entra-azure-rbac",
  description:
    "The cluster authenticates users with Entra ID (managed AAD) and authorizes them with Azure RBAC, so team rights are per Entra group.",
  severity: "high",
  remediationSteps:
    "Set `aadProfile: { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: [<platform group>] }`; never set the legacy `serverAppSecret`.",
  tags: cisTags(["5.5.1", "5.5.2"]),
  validateResource: validateResourceOfType(ManagedCluster, (cluster, _args, report) =>
    judged(report, (j) => {
      j.check(
        () => isNot(true)(cluster.aadProfile?.managed),
        "aadProfile.managed must be true (Entra ID integration).",
      );
      j.check(
        () => isNot(true)(cluster.aadProfile?.enableAzureRBAC),
        "aadProfile.enableAzureRBAC must be true (Azure RBAC for Kubernetes authorization).",
      );
      j.check(
        () => cluster.aadProfile?.serverAppSecret !== undefined,
        "aadProfile.serverAppSecret is set: legacy AAD integration keeps an application secret; use managed AAD.",
      );
    }),
  ),
};
