/**
 * The cluster runs with a managed identity, never a service principal: a service principal's secret
 * sits in /etc/kubernetes/azure.json on every node, where anything that escapes to a node reads it (S5).
 */
import { validateResourceOfType } from "@pulumi/policy";
import { ManagedCluster } from "@pulumi/azure-native/containerservice/managedCluster";
import { judged } from "../lib/judge";
import { PackResourcePolicy, cisTags } from "../lib/metadata";

export const aksManagedIdentity: PackResourcePolicy = {
  name: "aks-managed-identity",
  description:
    "The AKS cluster runs with a managed identity (UserAssigned or SystemAssigned), never a service principal whose secret sits in /etc/kubernetes/azure.json on every node.",
  severity: "critical",
  remediationSteps:
    'Set `identity: { type: "UserAssigned", userAssignedIdentities: [<control-plane identity id>] }` and remove `servicePrincipalProfile` (or set its clientId to "msi").',
  tags: cisTags(["5.2.1"]),
  validateResource: validateResourceOfType(ManagedCluster, (cluster, _args, report) =>
    judged(report, (j) => {
      j.check(
        () => !["UserAssigned", "SystemAssigned"].includes(cluster.identity?.type as string),
        () =>
          `identity.type must be UserAssigned or SystemAssigned, got ${JSON.stringify(cluster.identity?.type)}.`,
      );
      j.check(() => {
        const clientId = cluster.servicePrincipalProfile?.clientId;
        return clientId !== undefined && clientId !== "msi";
      }, "servicePrincipalProfile.clientId names a service principal; its secret would be readable in azure.json (S5).");
      j.check(
        () => cluster.servicePrincipalProfile?.secret !== undefined,
        "servicePrincipalProfile.secret is set: no service-principal secret may be given to the cluster.",
      );
    }),
  ),
};
