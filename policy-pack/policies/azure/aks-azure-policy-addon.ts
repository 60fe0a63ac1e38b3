/**
 * The Azure Policy add-on (Gatekeeper) is on: a second admission layer beside the blueprint's own
 * policies, so one misconfigured layer does not open the cluster.
 */
import { PolicyConfigSchema, validateResourceOfType } from "@pulumi/policy";
import { ManagedCluster } from "@pulumi/azure-native/containerservice/managedCluster";
import { configWithDefaults } from "../lib/config";
import { judged } from "../lib/judge";
import { PackResourcePolicy } from "../lib/metadata";

const azurePolicyConfig: PolicyConfigSchema = {
  properties: {
    requireAzurePolicy: {
      type: "boolean",
      default: true,
      description: "Require the Azure Policy add-on (Gatekeeper) as a second admission layer.",
    },
  },
};

export const aksAzurePolicyAddon: PackResourcePolicy = {
  name: "aks-azure-policy-addon",
  description:
    "The Azure Policy add-on is enabled, a second admission layer beside the blueprint's own policies.",
  severity: "low",
  remediationSteps:
    "Set `addonProfiles: { azurepolicy: { enabled: true } }`, or set requireAzurePolicy false in the policy config.",
  tags: [],
  configSchema: azurePolicyConfig,
  validateResource: validateResourceOfType(ManagedCluster, (cluster, args, report) =>
    judged(report, (j) => {
      const { requireAzurePolicy } = configWithDefaults<{ requireAzurePolicy: boolean }>(
        azurePolicyConfig,
        args,
      );
      if (!requireAzurePolicy) return;
      const profiles = j.map(
        () => cluster.addonProfiles as Record<string, { enabled?: boolean }> | undefined,
      );
      const azurePolicy = profiles.known.find(([key]) => key.toLowerCase() === "azurepolicy");
      if (!azurePolicy) {
        if (profiles.complete)
          j.report("addonProfiles.azurepolicy is missing: enable the Azure Policy add-on.");
        return;
      }
      j.check(() => azurePolicy[1].enabled !== true, `addonProfiles.${azurePolicy[0]}.enabled must be true.`);
    }),
  ),
};
