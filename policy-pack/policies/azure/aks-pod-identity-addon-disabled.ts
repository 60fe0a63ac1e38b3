/**
 * The deprecated AKS pod-identity add-on is off (it is unpatched), and its kubenet override, which
 * accepts that pods may spoof each other's IP to NMI (S4), is never set.
 */
import { validateResourceOfType } from "@pulumi/policy";
import { ManagedCluster } from "@pulumi/azure-native/containerservice/managedCluster";
import { judged } from "../lib/judge";
import { PackResourcePolicy } from "../lib/metadata";

export const aksPodIdentityAddonDisabled: PackResourcePolicy = {
  name: "aks-pod-identity-addon-disabled",
  description:
    "The deprecated AKS pod-identity add-on is off, and its kubenet override (which accepts the ARP-spoofing risk) is never set.",
  severity: "high",
  remediationSteps:
    "Remove `podIdentityProfile` or set `podIdentityProfile: { enabled: false }`; never set `allowNetworkPluginKubenet: true`. Use workload identity, or the blueprint's hardened aad-pod-identity install.",
  tags: [],
  validateResource: validateResourceOfType(ManagedCluster, (cluster, _args, report) =>
    judged(report, (j) => {
      j.check(
        () => cluster.podIdentityProfile?.enabled === true,
        "podIdentityProfile.enabled is true: the pod-identity add-on is deprecated and unpatched.",
      );
      j.check(
        () => cluster.podIdentityProfile?.allowNetworkPluginKubenet === true,
        "podIdentityProfile.allowNetworkPluginKubenet is true: pods could spoof each other's IP to NMI.",
      );
    }),
  ),
};
