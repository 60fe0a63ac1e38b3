/**
 * The API server is private, or public only to authorized IP ranges that do not add up to the whole
 * internet: a stolen team credential is then of no use from anywhere else (S2, S3, S5).
 */
import { coversEveryIpv4Address } from "../../../conventions/formats";
import { PolicyConfigSchema, validateResourceOfType } from "@pulumi/policy";
import { ManagedCluster } from "@pulumi/azure-native/containerservice/managedCluster";
import { configWithDefaults } from "../lib/config";
import { judged } from "../lib/judge";
import { PackResourcePolicy, cisTags } from "../lib/metadata";

const apiServerConfig: PolicyConfigSchema = {
  properties: {
    requirePrivateCluster: {
      type: "boolean",
      default: false,
      description: "Require a private API server (otherwise authorized IP ranges are enough).",
    },
  },
};

/** CIDRs that mean "the whole internet". */
const OPEN_RANGES = new Set(["0.0.0.0/0", "0.0.0.0", "::/0", "*"]);

export const aksApiServerAccess: PackResourcePolicy = {
  name: "aks-api-server-access",
  description:
    "The API server is private, or public only to authorized IP ranges that do not include the whole internet.",
  severity: "high",
  remediationSteps:
    "Set `apiServerAccessProfile.enablePrivateCluster: true`, or list the office/CI egress CIDRs in `apiServerAccessProfile.authorizedIPRanges` (never 0.0.0.0/0).",
  tags: cisTags(["5.4.1", "5.4.2"]),
  configSchema: apiServerConfig,
  validateResource: validateResourceOfType(ManagedCluster, (cluster, args, report) =>
    judged(report, (j) => {
      const { requirePrivateCluster } = configWithDefaults<{ requirePrivateCluster: boolean }>(
        apiServerConfig,
        args,
      );
      const isPrivate = j.read(() => cluster.apiServerAccessProfile?.enablePrivateCluster === true);
      const ranges = j.items(
        () => cluster.apiServerAccessProfile?.authorizedIPRanges as string[] | undefined,
      );
      const open = ranges.filter((range) => OPEN_RANGES.has(range.trim()));
      for (const range of open) {
        j.report(
          `apiServerAccessProfile.authorizedIPRanges contains ${JSON.stringify(range)}: the whole internet.`,
        );
      }
      // Narrower ranges can add up to the same: 0.0.0.0/1 and 128.0.0.0/1.
      if (open.length === 0 && coversEveryIpv4Address(ranges)) {
        j.report(
          `apiServerAccessProfile.authorizedIPRanges ${JSON.stringify(ranges)} together cover every IPv4 address: the whole internet.`,
        );
      }
      if (isPrivate === false) {
        if (requirePrivateCluster) {
          j.report(
            "apiServerAccessProfile.enablePrivateCluster must be true (policy config requirePrivateCluster).",
          );
        }
        j.check(
          () => (cluster.apiServerAccessProfile?.authorizedIPRanges ?? []).length === 0,
          "A public API server needs apiServerAccessProfile.authorizedIPRanges; without them it is open to every address.",
        );
      }
    }),
  ),
};
