/**
 * Microsoft Defender for Containers watches the cluster at runtime: privileged pods, host mounts and
 * exec into pods are what an attack on the identity namespace looks like once it is under way.
 */
import { PolicyConfigSchema, validateResourceOfType } from "@pulumi/policy";
import { ManagedCluster } from "@pulumi/azure-native/containerservice/managedCluster";
import { configWithDefaults } from "../lib/config";
import { judged } from "../lib/judge";
import { PackResourcePolicy, cisTags } from "../lib/metadata";
import { isNot } from "./support/cluster";

const defenderConfig: PolicyConfigSchema = {
  properties: {
    requireDefender: {
      type: "boolean",
      default: true,
      description:
        "Require Microsoft Defender for Containers (runtime detection of privileged pods and exec).",
    },
  },
};

export const aksDefender: PackResourcePolicy = {
  name: "aks-defender",
  description:
    "Microsoft Defender for Containers security monitoring is on (detects privileged pods, host mounts and exec into pods at runtime).",
  severity: "medium",
  remediationSteps:
    "Set `securityProfile.defender: { securityMonitoring: { enabled: true }, logAnalyticsWorkspaceResourceId: <workspace id> }`, or set requireDefender false in the policy config of an environment that does without.",
  tags: cisTags(["5.1.1"]),
  configSchema: defenderConfig,
  validateResource: validateResourceOfType(ManagedCluster, (cluster, args, report) =>
    judged(report, (j) => {
      const { requireDefender } = configWithDefaults<{ requireDefender: boolean }>(defenderConfig, args);
      if (!requireDefender) return;
      j.check(
        () => isNot(true)(cluster.securityProfile?.defender?.securityMonitoring?.enabled),
        "securityProfile.defender.securityMonitoring.enabled must be true.",
      );
      j.check(
        () => !cluster.securityProfile?.defender?.logAnalyticsWorkspaceResourceId,
        "securityProfile.defender.logAnalyticsWorkspaceResourceId must name the Log Analytics workspace.",
      );
    }),
  ),
};
