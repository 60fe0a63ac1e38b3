/**
 * The Azure policies' shared fixtures: a cluster declared as the blueprint declares it (every
 * control on), which each cluster and node-pool test breaks one way per case, and a team's role
 * assignments as the blueprint grants them. One compliant fixture, so that a test that passes shows
 * the policy accepts what the blueprint really declares.
 */
import { byName, Props, resource } from "../harness";

export const SUB = "/subscriptions/00000000-0000-0000-0000-000000000000";
export const CLUSTER = "azure-native:containerservice:ManagedCluster";

export function hardenedCluster(): Props {
  return {
    resourceGroupName: "rg-aks",
    identity: {
      type: "UserAssigned",
      userAssignedIdentities: [
        `${SUB}/resourceGroups/rg-aks/providers/Microsoft.ManagedIdentity/userAssignedIdentities/cp`,
      ],
    },
    disableLocalAccounts: true,
    enableRBAC: true,
    aadProfile: {
      managed: true,
      enableAzureRBAC: true,
      adminGroupObjectIDs: ["9ac7764f-961b-4aa4-bca1-5a659f034946"],
    },
    networkProfile: { networkPlugin: "azure", networkPluginMode: "overlay", networkPolicy: "azure" },
    apiServerAccessProfile: { authorizedIPRanges: ["203.0.113.0/24"] },
    oidcIssuerProfile: { enabled: true },
    securityProfile: {
      workloadIdentity: { enabled: true },
      defender: {
        securityMonitoring: { enabled: true },
        logAnalyticsWorkspaceResourceId: `${SUB}/resourceGroups/rg-aks/providers/Microsoft.OperationalInsights/workspaces/ws`,
      },
    },
    agentPoolProfiles: [
      {
        name: "system",
        mode: "System",
        enableNodePublicIP: false,
        nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"],
      },
    ],
    autoUpgradeProfile: { upgradeChannel: "patch", nodeOSUpgradeChannel: "NodeImage" },
    addonProfiles: { azurepolicy: { enabled: true } },
    podIdentityProfile: { enabled: false },
  };
}

export const clusterFixture = () => [resource(CLUSTER, "aks", hardenedCluster())];
export const cluster = (rs: ReturnType<typeof clusterFixture>) => byName(rs, "aks");

const RA = "azure-native:authorization:RoleAssignment";
export const TEAM_RG = `${SUB}/resourceGroups/rg-aks-payments`;
export const UAMI = `${TEAM_RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/payments-api`;
export const role = (guid: string) => `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
export const BLOB_READER = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";
export const roleFixture = () => [
  resource(RA, "blob-reader", {
    principalId: "p",
    principalType: "ServicePrincipal",
    roleDefinitionId: role(BLOB_READER),
    scope: TEAM_RG,
  }),
  resource(RA, "mic-operator", {
    principalId: "k",
    principalType: "ServicePrincipal",
    roleDefinitionId: role("f1a07417-d97a-45cb-824c-7a7467783830"),
    scope: UAMI,
  }),
];
