/**
 * AKS cluster controls (`azure-native:containerservice:ManagedCluster`): one policy per control of
 * the Azure layer, so that each can be tuned or disabled on its own.
 */
import { coversEveryIpv4Address } from "../../../conventions/formats";
import { PolicyConfigSchema, validateResourceOfType } from "@pulumi/policy";
import { ManagedCluster } from "@pulumi/azure-native/containerservice/managedCluster";
import { configWithDefaults } from "../lib/config";
import { judged } from "../lib/judge";
import { PackResourcePolicy, cisTags } from "../lib/metadata";

/** Fails closed on an absent value: AKS defaults are the insecure ones for these fields. */
const isNot = (expected: unknown) => (value: unknown) => value !== expected;

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

export const aksKubernetesRbac: PackResourcePolicy = {
  name: "aks-kubernetes-rbac",
  description:
    "Kubernetes RBAC is enabled: every in-cluster control (who may write identity objects, exec, read secrets) rests on it.",
  severity: "critical",
  remediationSteps: "Set `enableRBAC: true`.",
  tags: cisTags(["4.1.1"]),
  validateResource: validateResourceOfType(ManagedCluster, (cluster, _args, report) =>
    judged(report, (j) => j.check(() => isNot(true)(cluster.enableRBAC), "enableRBAC must be true.")),
  ),
};

const networkPolicyConfig: PolicyConfigSchema = {
  properties: {
    allowedNetworkPolicies: {
      type: "array",
      items: { type: "string", enum: ["azure", "calico", "cilium"] },
      minItems: 1,
      default: ["azure", "calico", "cilium"],
      description: "Network policy engines accepted for `networkProfile.networkPolicy`.",
    },
  },
};

export const aksAzureCniNetworkPolicy: PackResourcePolicy = {
  name: "aks-azure-cni-network-policy",
  description:
    "The cluster uses Azure CNI (kubenet lets a NET_RAW pod ARP-spoof another pod and take its token from NMI) and a network policy engine (NetworkPolicies are ignored without one).",
  severity: "critical",
  remediationSteps:
    'Set `networkProfile: { networkPlugin: "azure", networkPolicy: "azure" | "calico" | "cilium" }` (overlay mode is fine).',
  tags: cisTags(["5.4.4"]),
  configSchema: networkPolicyConfig,
  validateResource: validateResourceOfType(ManagedCluster, (cluster, args, report) =>
    judged(report, (j) => {
      const { allowedNetworkPolicies } = configWithDefaults<{ allowedNetworkPolicies: string[] }>(
        networkPolicyConfig,
        args,
      );
      j.check(
        () => isNot("azure")(cluster.networkProfile?.networkPlugin),
        () =>
          `networkProfile.networkPlugin must be "azure", got ${JSON.stringify(cluster.networkProfile?.networkPlugin)} (absent means kubenet).`,
      );
      j.check(
        () => !allowedNetworkPolicies.includes(cluster.networkProfile?.networkPolicy as string),
        () =>
          `networkProfile.networkPolicy must be one of ${allowedNetworkPolicies.join(", ")}, got ${JSON.stringify(cluster.networkProfile?.networkPolicy)}.`,
      );
    }),
  ),
};

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

export const clusterPolicies: PackResourcePolicy[] = [
  aksManagedIdentity,
  aksLocalAccountsDisabled,
  aksEntraAzureRbac,
  aksKubernetesRbac,
  aksAzureCniNetworkPolicy,
  aksApiServerAccess,
  aksWorkloadIdentity,
  aksPodIdentityAddonDisabled,
  aksAutoUpgrade,
  aksDefender,
  aksAzurePolicyAddon,
];
