/**
 * Azure policies: AKS cluster controls, node pools, audit diagnostics, role assignments and
 * federated credentials. One compliant fixture each, one mutation per case, one unknown case.
 */
import { byName, describePolicy, Props, resource, UNKNOWN } from "./harness";

const SUB = "/subscriptions/00000000-0000-0000-0000-000000000000";
const CLUSTER = "azure-native:containerservice:ManagedCluster";

function hardenedCluster(): Props {
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

const clusterFixture = () => [resource(CLUSTER, "aks", hardenedCluster())];
const cluster = (rs: ReturnType<typeof clusterFixture>) => byName(rs, "aks");

describePolicy({
  policy: "aks-managed-identity",
  fixture: clusterFixture,
  mutations: [
    {
      name: "no identity (service principal cluster)",
      mutate: (rs) => void delete cluster(rs).identity,
      expect: /identity.type must be/,
    },
    {
      name: "identity type None",
      mutate: (rs) => void (cluster(rs).identity.type = "None"),
      expect: /got "None"/,
    },
    {
      name: "service principal client ID",
      mutate: (rs) =>
        void (cluster(rs).servicePrincipalProfile = { clientId: "11111111-2222-3333-4444-555555555555" }),
      expect: /servicePrincipalProfile.clientId/,
    },
    {
      name: "service principal secret",
      mutate: (rs) => void (cluster(rs).servicePrincipalProfile = { clientId: "msi", secret: "s3cret" }),
      expect: /servicePrincipalProfile.secret/,
    },
  ],
  unknown: {
    name: "identity.type, beside a service-principal client ID",
    mutate: (rs) => {
      cluster(rs).identity.type = UNKNOWN;
      cluster(rs).servicePrincipalProfile = { clientId: "11111111-2222-3333-4444-555555555555" };
    },
    stillReports: /servicePrincipalProfile.clientId/,
  },
});

describePolicy({
  policy: "aks-local-accounts-disabled",
  fixture: clusterFixture,
  mutations: [
    {
      name: "local accounts enabled",
      mutate: (rs) => void (cluster(rs).disableLocalAccounts = false),
      expect: /disableLocalAccounts/,
    },
    {
      name: "setting absent (AKS default: enabled)",
      mutate: (rs) => void delete cluster(rs).disableLocalAccounts,
      expect: /disableLocalAccounts/,
    },
  ],
  unknown: {
    name: "disableLocalAccounts",
    mutate: (rs) => void (cluster(rs).disableLocalAccounts = UNKNOWN),
  },
});

describePolicy({
  policy: "aks-entra-azure-rbac",
  fixture: clusterFixture,
  mutations: [
    {
      name: "AAD not managed",
      mutate: (rs) => void (cluster(rs).aadProfile.managed = false),
      expect: /aadProfile.managed/,
    },
    {
      name: "Azure RBAC off",
      mutate: (rs) => void (cluster(rs).aadProfile.enableAzureRBAC = false),
      expect: /enableAzureRBAC/,
    },
    {
      name: "no aadProfile",
      mutate: (rs) => void delete cluster(rs).aadProfile,
      expect: /aadProfile.managed/,
    },
    {
      name: "legacy server app secret",
      mutate: (rs) => void (cluster(rs).aadProfile.serverAppSecret = "x"),
      expect: /serverAppSecret/,
    },
  ],
  unknown: {
    name: "aadProfile.managed, beside Azure RBAC off",
    mutate: (rs) => {
      cluster(rs).aadProfile.managed = UNKNOWN;
      cluster(rs).aadProfile.enableAzureRBAC = false;
    },
    stillReports: /enableAzureRBAC/,
  },
});

describePolicy({
  policy: "aks-kubernetes-rbac",
  fixture: clusterFixture,
  mutations: [
    { name: "RBAC off", mutate: (rs) => void (cluster(rs).enableRBAC = false), expect: /enableRBAC/ },
    { name: "RBAC absent", mutate: (rs) => void delete cluster(rs).enableRBAC, expect: /enableRBAC/ },
  ],
  unknown: { name: "enableRBAC", mutate: (rs) => void (cluster(rs).enableRBAC = UNKNOWN) },
});

describePolicy({
  policy: "aks-azure-cni-network-policy",
  fixture: clusterFixture,
  mutations: [
    {
      name: "kubenet",
      mutate: (rs) => void (cluster(rs).networkProfile.networkPlugin = "kubenet"),
      expect: /networkPlugin must be "azure"/,
    },
    {
      name: "plugin absent (kubenet)",
      mutate: (rs) => void delete cluster(rs).networkProfile.networkPlugin,
      expect: /networkPlugin/,
    },
    {
      name: "no network policy",
      mutate: (rs) => void (cluster(rs).networkProfile.networkPolicy = "none"),
      expect: /networkPolicy must be/,
    },
    {
      name: "engine outside the configured list",
      mutate: (rs) => void (cluster(rs).networkProfile.networkPolicy = "calico"),
      settings: { allowedNetworkPolicies: ["azure", "cilium"] },
      expect: /networkPolicy must be one of azure, cilium/,
    },
  ],
  unknown: {
    name: "networkPolicy, beside kubenet",
    mutate: (rs) => {
      cluster(rs).networkProfile.networkPolicy = UNKNOWN;
      cluster(rs).networkProfile.networkPlugin = "kubenet";
    },
    stillReports: /kubenet/,
  },
});

describePolicy({
  policy: "aks-api-server-access",
  fixture: clusterFixture,
  mutations: [
    {
      name: "0.0.0.0/0 authorized",
      mutate: (rs) => void cluster(rs).apiServerAccessProfile.authorizedIPRanges.push("0.0.0.0/0"),
      expect: /whole internet/,
    },
    {
      name: "both halves of the internet authorized",
      mutate: (rs) =>
        void cluster(rs).apiServerAccessProfile.authorizedIPRanges.push("0.0.0.0/1", "128.0.0.0/1"),
      expect: /together cover every IPv4 address: the whole internet/,
    },
    {
      name: "public without ranges",
      mutate: (rs) => void delete cluster(rs).apiServerAccessProfile,
      expect: /open to every address/,
    },
    {
      name: "public when the config requires private",
      mutate: () => undefined,
      settings: { requirePrivateCluster: true },
      expect: /enablePrivateCluster must be true/,
    },
    {
      name: "private cluster that still lists 0.0.0.0/0",
      mutate: (rs) =>
        void (cluster(rs).apiServerAccessProfile = {
          enablePrivateCluster: true,
          authorizedIPRanges: ["0.0.0.0/0"],
        }),
      expect: /whole internet/,
    },
  ],
  unknown: {
    name: "one authorized range, listed before 0.0.0.0/0",
    mutate: (rs) => void (cluster(rs).apiServerAccessProfile.authorizedIPRanges = [UNKNOWN, "0.0.0.0/0"]),
    stillReports: /whole internet/,
  },
});

describePolicy({
  policy: "aks-workload-identity",
  fixture: clusterFixture,
  mutations: [
    {
      name: "OIDC issuer off",
      mutate: (rs) => void (cluster(rs).oidcIssuerProfile.enabled = false),
      expect: /oidcIssuerProfile/,
    },
    {
      name: "workload identity off",
      mutate: (rs) => void delete cluster(rs).securityProfile.workloadIdentity,
      expect: /workloadIdentity/,
    },
  ],
  unknown: { name: "oidcIssuerProfile", mutate: (rs) => void (cluster(rs).oidcIssuerProfile = UNKNOWN) },
});

describePolicy({
  policy: "aks-pod-identity-addon-disabled",
  fixture: clusterFixture,
  mutations: [
    {
      name: "add-on enabled",
      mutate: (rs) => void (cluster(rs).podIdentityProfile.enabled = true),
      expect: /podIdentityProfile.enabled/,
    },
    {
      name: "kubenet override",
      mutate: (rs) => void (cluster(rs).podIdentityProfile.allowNetworkPluginKubenet = true),
      expect: /allowNetworkPluginKubenet/,
    },
  ],
  unknown: {
    name: "podIdentityProfile.enabled, beside the kubenet override",
    mutate: (rs) =>
      void (cluster(rs).podIdentityProfile = { enabled: UNKNOWN, allowNetworkPluginKubenet: true }),
    stillReports: /allowNetworkPluginKubenet/,
  },
});

describePolicy({
  policy: "aks-auto-upgrade",
  fixture: clusterFixture,
  mutations: [
    {
      name: "upgrade channel none",
      mutate: (rs) => void (cluster(rs).autoUpgradeProfile.upgradeChannel = "none"),
      expect: /upgradeChannel must be/,
    },
    {
      name: "no auto-upgrade profile",
      mutate: (rs) => void delete cluster(rs).autoUpgradeProfile,
      expect: /upgradeChannel must be/,
    },
    {
      name: "node OS channel None",
      mutate: (rs) => void (cluster(rs).autoUpgradeProfile.nodeOSUpgradeChannel = "None"),
      expect: /nodeOSUpgradeChannel/,
    },
  ],
  unknown: {
    name: "upgradeChannel",
    mutate: (rs) => void (cluster(rs).autoUpgradeProfile.upgradeChannel = UNKNOWN),
  },
});

describePolicy({
  policy: "aks-defender",
  fixture: clusterFixture,
  mutations: [
    {
      name: "security monitoring off",
      mutate: (rs) => void (cluster(rs).securityProfile.defender.securityMonitoring.enabled = false),
      expect: /securityMonitoring.enabled/,
    },
    {
      name: "no workspace",
      mutate: (rs) => void delete cluster(rs).securityProfile.defender.logAnalyticsWorkspaceResourceId,
      expect: /logAnalyticsWorkspaceResourceId/,
    },
  ],
  unknown: {
    name: "the workspace ID (an output), beside monitoring off",
    mutate: (rs) => {
      cluster(rs).securityProfile.defender.logAnalyticsWorkspaceResourceId = UNKNOWN;
      cluster(rs).securityProfile.defender.securityMonitoring.enabled = false;
    },
    stillReports: /securityMonitoring.enabled/,
  },
});

describePolicy({
  policy: "aks-azure-policy-addon",
  fixture: clusterFixture,
  mutations: [
    {
      name: "add-on disabled",
      mutate: (rs) => void (cluster(rs).addonProfiles.azurepolicy.enabled = false),
      expect: /azurepolicy.enabled must be true/,
    },
    {
      name: "add-on missing",
      mutate: (rs) => void (cluster(rs).addonProfiles = {}),
      expect: /azurepolicy is missing/,
    },
  ],
  unknown: { name: "addonProfiles", mutate: (rs) => void (cluster(rs).addonProfiles = UNKNOWN) },
});

describePolicy({
  policy: "aks-no-node-public-ip",
  fixture: () => [
    ...clusterFixture(),
    resource("azure-native:containerservice:AgentPool", "team-pool", {
      resourceGroupName: "rg-aks",
      resourceName: "aks",
      enableNodePublicIP: false,
    }),
  ],
  mutations: [
    {
      name: "inline pool with public IPs",
      mutate: (rs) => void (cluster(rs).agentPoolProfiles[0].enableNodePublicIP = true),
      expect: /"system" sets enableNodePublicIP/,
    },
    {
      name: "AgentPool resource with public IPs",
      mutate: (rs) => void (byName(rs, "team-pool").enableNodePublicIP = true),
      expect: /enableNodePublicIP must not be true/,
    },
  ],
  unknown: {
    name: "the first inline pool, beside a public second pool",
    mutate: (rs) =>
      void (cluster(rs).agentPoolProfiles = [UNKNOWN, { name: "user", enableNodePublicIP: true }]),
    stillReports: /"user" sets enableNodePublicIP/,
  },
});

describePolicy({
  policy: "aks-system-pool-reserved",
  fixture: () => [
    ...clusterFixture(),
    resource("azure-native:containerservice:AgentPool", "extra-system", {
      resourceGroupName: "rg-aks",
      resourceName: "aks",
      mode: "System",
      nodeTaints: ["CriticalAddonsOnly=true:NoExecute"],
    }),
  ],
  mutations: [
    {
      name: "inline System pool without the taint",
      mutate: (rs) => void (cluster(rs).agentPoolProfiles[0].nodeTaints = []),
      expect: /"system" is a System pool without the taint CriticalAddonsOnly/,
    },
    {
      name: "a taint that only prefers",
      mutate: (rs) =>
        void (cluster(rs).agentPoolProfiles[0].nodeTaints = ["CriticalAddonsOnly=true:PreferNoSchedule"]),
      expect: /is a System pool without the taint/,
    },
    {
      name: "no System pool declared inline",
      mutate: (rs) => void (cluster(rs).agentPoolProfiles[0].mode = "User"),
      expect: /declares no pool with mode System/,
    },
    {
      name: "an AgentPool resource in System mode without the taint",
      mutate: (rs) => void delete byName(rs, "extra-system").nodeTaints,
      expect: /a System pool must carry the taint/,
    },
  ],
  unknown: {
    name: "the inline pool's taints",
    mutate: (rs) => void (cluster(rs).agentPoolProfiles[0].nodeTaints = UNKNOWN),
  },
});

const CLUSTER_ID = `${SUB}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks`;
const auditFixture = () => [
  resource(CLUSTER, "aks", { ...hardenedCluster(), id: CLUSTER_ID }),
  resource("azure-native:monitor:DiagnosticSetting", "audit", {
    resourceUri: CLUSTER_ID,
    logs: [
      { category: "kube-audit-admin", enabled: true },
      { category: "guard", enabled: true },
    ],
  }),
];

describePolicy({
  policy: "aks-audit-logs",
  fixture: auditFixture,
  mutations: [
    {
      name: "no diagnostic setting",
      mutate: (rs) => rs.filter((r) => r.name !== "audit"),
      expect: /no diagnostic setting/,
    },
    {
      name: "guard log disabled",
      mutate: (rs) => void (byName(rs, "audit").logs[1].enabled = false),
      expect: /kube-audit-admin and guard/,
    },
    {
      name: "setting for another resource",
      mutate: (rs) => void (byName(rs, "audit").resourceUri = `${SUB}/resourceGroups/rg-aks`),
      expect: /no diagnostic setting/,
    },
  ],
  unknown: {
    name: "the setting's resourceUri (the cluster ID at preview), with no dependency recorded",
    mutate: (rs) => void (byName(rs, "audit").resourceUri = UNKNOWN),
    stillReports: /no diagnostic setting/,
  },
});

const RA = "azure-native:authorization:RoleAssignment";
const TEAM_RG = `${SUB}/resourceGroups/rg-aks-payments`;
const UAMI = `${TEAM_RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/payments-api`;
const role = (guid: string) => `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
const BLOB_READER = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";
const roleFixture = () => [
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

describePolicy({
  policy: "azure-role-assignment-privileged-roles",
  fixture: roleFixture,
  mutations: [
    {
      name: "Owner",
      mutate: (rs) =>
        void (byName(rs, "blob-reader").roleDefinitionId = role("8e3af657-a8ff-443c-a75c-2fe8c4bcb635")),
      expect: /privileged role/,
    },
    {
      name: "Contributor (bare GUID form)",
      mutate: (rs) =>
        void (byName(rs, "blob-reader").roleDefinitionId = "b24988ac-6180-42a0-ab88-20f7382dd24c"),
      expect: /privileged role/,
    },
    {
      name: "User Access Administrator without principalType",
      mutate: (rs) => {
        byName(rs, "blob-reader").roleDefinitionId =
          `/providers/Microsoft.Authorization/roleDefinitions/18d7d88d-d35e-4fb5-a5c3-7773c20a72d9`;
        delete byName(rs, "blob-reader").principalType;
      },
      expect: /unspecified type/,
    },
    {
      name: "a configured extra role",
      mutate: () => undefined,
      settings: { forbiddenRoleDefinitionIds: [BLOB_READER] },
      expect: /privileged role/,
    },
  ],
  unknown: {
    name: "roleDefinitionId",
    mutate: (rs) => void (byName(rs, "blob-reader").roleDefinitionId = UNKNOWN),
  },
});

describePolicy({
  policy: "azure-role-assignment-scope",
  fixture: roleFixture,
  mutations: [
    {
      name: "subscription scope",
      mutate: (rs) => void (byName(rs, "blob-reader").scope = SUB),
      expect: /subscription, management group/,
    },
    {
      name: "subscription scope with trailing slash",
      mutate: (rs) => void (byName(rs, "blob-reader").scope = `${SUB}/`),
      expect: /subscription/,
    },
    {
      name: "management group scope",
      mutate: (rs) =>
        void (byName(rs, "blob-reader").scope = "/providers/Microsoft.Management/managementGroups/corp"),
      expect: /management group/,
    },
    {
      name: "tenant root",
      mutate: (rs) => void (byName(rs, "blob-reader").scope = "/"),
      expect: /tenant root/,
    },
  ],
  unknown: {
    name: "one scope (an output), beside a subscription scope",
    mutate: (rs) => {
      byName(rs, "blob-reader").scope = UNKNOWN;
      byName(rs, "mic-operator").scope = SUB;
    },
    stillReports: /subscription/,
  },
});

describePolicy({
  policy: "azure-managed-identity-operator-scope",
  fixture: roleFixture,
  mutations: [
    {
      name: "on the team resource group",
      mutate: (rs) => void (byName(rs, "mic-operator").scope = TEAM_RG),
      expect: /single user-assigned identity/,
    },
    {
      name: "on the subscription",
      mutate: (rs) => void (byName(rs, "mic-operator").scope = SUB),
      expect: /single user-assigned identity/,
    },
    {
      name: "on a child path below an identity",
      mutate: (rs) => void (byName(rs, "mic-operator").scope = `${UAMI}/federatedIdentityCredentials/x`),
      expect: /single user-assigned identity/,
    },
  ],
  unknown: {
    name: "the scope (the identity's ID at preview)",
    mutate: (rs) => void (byName(rs, "mic-operator").scope = UNKNOWN),
  },
});

const ficFixture = () => [
  resource("azure-native:managedidentity:FederatedIdentityCredential", "fic", {
    resourceGroupName: "rg-aks-payments",
    resourceName: "payments-api",
    subject: "system:serviceaccount:payments:payments-api",
    issuer: "https://westeurope.oic.prod-aks.azure.com/tenant/guid/",
    audiences: ["api://AzureADTokenExchange"],
  }),
];
const fic = (rs: ReturnType<typeof ficFixture>) => byName(rs, "fic");

describePolicy({
  policy: "azure-federated-credential-subject",
  fixture: ficFixture,
  mutations: [
    {
      name: "wildcard-like subject",
      mutate: (rs) => void (fic(rs).subject = "system:serviceaccount:payments:*"),
      expect: /is not "system:serviceaccount/,
    },
    {
      name: "namespace-wide group subject",
      mutate: (rs) => void (fic(rs).subject = "system:serviceaccounts:payments"),
      expect: /is not "system:serviceaccount/,
    },
    {
      name: "service account in default",
      mutate: (rs) => void (fic(rs).subject = "system:serviceaccount:default:app"),
      expect: /shared namespace "default"/,
    },
    {
      name: "http issuer",
      mutate: (rs) => void (fic(rs).issuer = "http://issuer.example.com/"),
      expect: /must be an https URL/,
    },
    {
      name: "foreign audience",
      mutate: (rs) => void fic(rs).audiences.push("api://other"),
      expect: /audience "api:\/\/other"/,
    },
    { name: "no audiences", mutate: (rs) => void (fic(rs).audiences = []), expect: /audiences must be set/ },
  ],
  unknown: {
    name: "the issuer (the cluster's OIDC URL at preview), beside a default-namespace subject",
    mutate: (rs) => {
      fic(rs).issuer = UNKNOWN;
      fic(rs).subject = "system:serviceaccount:default:app";
    },
    stillReports: /shared namespace "default"/,
  },
});
