/**
 * Control-plane and node OS upgrades are automatic, so CVE fixes (of the kubelet, the node image,
 * the container runtime) reach the cluster without anyone having to remember them.
 */
import { validateResourceOfType } from "@pulumi/policy";
import { ManagedCluster } from "@pulumi/azure-native/containerservice/managedCluster";
import { judged } from "../lib/judge";
import { PackResourcePolicy } from "../lib/metadata";

export const aksAutoUpgrade: PackResourcePolicy = {
  name: "aks-auto-upgrade",
  description: "Control-plane and node OS upgrades are automatic, so CVE fixes reach the cluster.",
  severity: "medium",
  remediationSteps:
    'Set `autoUpgradeProfile: { upgradeChannel: "patch" | "stable" | "rapid" | "node-image", nodeOSUpgradeChannel: "NodeImage" | "SecurityPatch" }`.',
  tags: [],
  validateResource: validateResourceOfType(ManagedCluster, (cluster, _args, report) =>
    judged(report, (j) => {
      j.check(
        () =>
          !["patch", "stable", "rapid", "node-image"].includes(
            cluster.autoUpgradeProfile?.upgradeChannel as string,
          ),
        () =>
          `autoUpgradeProfile.upgradeChannel must be patch, stable, rapid or node-image, got ${JSON.stringify(cluster.autoUpgradeProfile?.upgradeChannel)}.`,
      );
      j.check(
        () => cluster.autoUpgradeProfile?.nodeOSUpgradeChannel === "None",
        'autoUpgradeProfile.nodeOSUpgradeChannel is "None": node images would never be patched.',
      );
    }),
  ),
};
