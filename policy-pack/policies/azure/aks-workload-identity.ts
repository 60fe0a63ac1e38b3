/**
 * The OIDC issuer and Entra Workload Identity are on: the way for teams to bind Azure identities to
 * service accounts instead of node-level pod identity, and the migration path away from it.
 */
import { validateResourceOfType } from "@pulumi/policy";
import { ManagedCluster } from "@pulumi/azure-native/containerservice/managedCluster";
import { judged } from "../lib/judge";
import { PackResourcePolicy } from "../lib/metadata";
import { isNot } from "./support/cluster";

export const aksWorkloadIdentity: PackResourcePolicy = {
  name: "aks-workload-identity",
  description:
    "The OIDC issuer and Entra Workload Identity are enabled, so teams can bind Azure identities to service accounts instead of node-level pod identity.",
  severity: "medium",
  remediationSteps:
    "Set `oidcIssuerProfile: { enabled: true }` and `securityProfile: { workloadIdentity: { enabled: true } }`.",
  tags: [],
  validateResource: validateResourceOfType(ManagedCluster, (cluster, _args, report) =>
    judged(report, (j) => {
      j.check(
        () => isNot(true)(cluster.oidcIssuerProfile?.enabled),
        "oidcIssuerProfile.enabled must be true.",
      );
      j.check(
        () => isNot(true)(cluster.securityProfile?.workloadIdentity?.enabled),
        "securityProfile.workloadIdentity.enabled must be true.",
      );
    }),
  ),
};
