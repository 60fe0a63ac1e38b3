/**
 * The Cluster component under mocks: every control is asserted on the inputs the provider would
 * receive, so removing the control from `cluster.ts` fails the matching test.
 */
import { specialSigKey as SIG_KEY } from "@pulumi/pulumi/runtime/rpc";
import { Provider as AzureProvider } from "@pulumi/azure-native/provider";
import * as pulumi from "@pulumi/pulumi";
import {
  AUDIT_LOG_CATEGORIES,
  Cluster,
  SYSTEM_POOL_TAINT,
  apiServerAccessProfile,
  networkProfile,
} from "../../components/azure";
import { BUILT_IN_ROLES } from "../../conventions/roles";
import type { NodePoolConfig } from "../../infra/config/types";
import { MOCK_USER_KUBECONFIG, mockInvoke } from "../../testing/computed-outputs";
import {
  ofType,
  resolveOutput,
  runProgramUnderMocks,
  single,
  type RecordedResource,
} from "../../testing/recording-mocks";

const MC = "azure-native:containerservice:ManagedCluster";
const UAMI = "azure-native:managedidentity:UserAssignedIdentity";
const RA = "azure-native:authorization:RoleAssignment";

const systemPool: NodePoolConfig = {
  name: "system",
  vmSize: "Standard_D4ds_v5",
  minCount: 2,
  maxCount: 3,
  zones: ["1", "2", "3"],
};
const userPool: NodePoolConfig = {
  name: "apps",
  vmSize: "Standard_D8ds_v5",
  minCount: 1,
  maxCount: 5,
  zones: [],
};

let recorded: RecordedResource[];
const invokes: string[] = [];
let publicCluster: Cluster;
let privateCluster: Cluster;

beforeAll(async () => {
  ({ resources: recorded } = await runProgramUnderMocks(
    () => {
      const provider = new AzureProvider("azure", { location: "westeurope" });
      publicCluster = new Cluster("aks-pub", {
        provider,
        location: "westeurope",
        kubernetesVersion: "1.33",
        systemPool,
        userPools: [userPool],
        teamPools: [{ team: "team-a", pool: { ...userPool, name: "teama", minCount: 1 } }],
        authorizedIpRanges: ["203.0.113.0/24"],
        adminGroupIds: ["11111111-1111-1111-1111-111111111111"],
        logRetentionDays: 60,
      });
      // A second cluster with every optional control switched the other way.
      privateCluster = new Cluster("aks-priv", {
        provider,
        location: "westeurope",
        kubernetesVersion: "1.33",
        systemPool,
        privateCluster: true,
        adminGroupIds: ["22222222-2222-2222-2222-222222222222"],
        networkPolicy: "calico",
        defender: false,
        azurePolicy: false,
        upgradeChannel: "stable",
        nodeOsUpgradeChannel: "SecurityPatch",
        grantMicNodeAccess: true,
      });
      return {};
    },
    {
      call: (token, inputs) => {
        invokes.push(token);
        return mockInvoke(token, inputs);
      },
    },
  ));
});

const cluster = (name: string) => single(recorded, MC, `${name}-aks`);
const identity = (name: string, role: string) => single(recorded, UAMI, `${name}-${role}-identity`);
const guidOf = (role: string) => BUILT_IN_ROLES[role as keyof typeof BUILT_IN_ROLES];

describe("identity", () => {
  it("runs the control plane as a user-assigned identity (no service principal secret, S5)", () => {
    const cp = identity("aks-pub", "control-plane");
    expect(cluster("aks-pub").inputs).toMatchObject({
      identity: { type: "UserAssigned", userAssignedIdentities: [cp.outputs.id] },
    });
    expect(cluster("aks-pub").inputs.servicePrincipalProfile).toBeUndefined();
  });

  it("uses its own user-assigned kubelet identity", () => {
    const kubelet = identity("aks-pub", "kubelet");
    expect(cluster("aks-pub").inputs.identityProfile).toEqual({
      kubeletidentity: {
        resourceId: kubelet.outputs.id,
        clientId: kubelet.outputs.clientId,
        objectId: kubelet.outputs.principalId,
      },
    });
  });

  it("grants the control plane Managed Identity Operator on the kubelet identity only, before AKS is created", () => {
    const grants = ofType(recorded, RA, /^aks-pub-/);
    const cpGrant = single(recorded, RA, "aks-pub-control-plane-mio-kubelet");
    expect(grants).toHaveLength(1);
    expect(cpGrant.inputs).toMatchObject({
      principalId: identity("aks-pub", "control-plane").outputs.principalId,
      scope: identity("aks-pub", "kubelet").outputs.id,
      principalType: "ServicePrincipal",
    });
    expect(String(cpGrant.inputs.roleDefinitionId)).toMatch(
      new RegExp(
        `^/subscriptions/[0-9a-f-]{36}/providers/Microsoft.Authorization/roleDefinitions/${guidOf("Managed Identity Operator")}$`,
      ),
    );
    expect(cluster("aks-pub").dependencies).toContain(cpGrant.urn);
  });
});

describe("API access and authorization", () => {
  it("disables local accounts and uses managed Entra ID with Azure RBAC and the admin groups", () => {
    expect(cluster("aks-pub").inputs).toMatchObject({
      disableLocalAccounts: true,
      enableRBAC: true,
      aadProfile: {
        managed: true,
        enableAzureRBAC: true,
        adminGroupObjectIDs: ["11111111-1111-1111-1111-111111111111"],
      },
    });
  });

  it("limits a public API server to the authorized ranges", () => {
    expect(cluster("aks-pub").inputs.apiServerAccessProfile).toEqual({
      enablePrivateCluster: false,
      authorizedIPRanges: ["203.0.113.0/24"],
    });
  });

  it("makes the API server private when asked", () => {
    expect(cluster("aks-priv").inputs.apiServerAccessProfile).toEqual({ enablePrivateCluster: true });
  });

  it("refuses a public API server without authorized ranges", () => {
    expect(() => apiServerAccessProfile(false, [])).toThrow(/cluster.authorizedIpRanges: \[\]/);
    expect(apiServerAccessProfile(false, ["10.0.0.0/8"])).toMatchObject({
      authorizedIPRanges: ["10.0.0.0/8"],
    });
  });
});

describe("network", () => {
  it("uses Azure CNI overlay with a policy engine, never kubenet (S4)", () => {
    expect(cluster("aks-pub").inputs.networkProfile).toMatchObject({
      networkPlugin: "azure",
      networkPluginMode: "overlay",
      networkPolicy: "cilium",
      networkDataplane: "cilium",
    });
    expect(cluster("aks-priv").inputs.networkProfile).toMatchObject({
      networkPlugin: "azure",
      networkPolicy: "calico",
      networkDataplane: "azure",
    });
    for (const engine of ["azure", "calico", "cilium"] as const) {
      expect(networkProfile(engine)).toMatchObject({ networkPlugin: "azure", networkPolicy: engine });
    }
  });

  it("gives no node a public IP, in the system pool, any user pool or a team pool", () => {
    const pools = [
      ...(cluster("aks-pub").inputs.agentPoolProfiles as Record<string, unknown>[]),
      ...ofType(recorded, "azure-native:containerservice:AgentPool").map((p) => p.inputs),
    ];
    expect(pools.length).toBe(3);
    for (const pool of pools) expect(pool.enableNodePublicIP).toBe(false);
  });
});

describe("node pools", () => {
  it("taints the system pool for critical add-ons only", () => {
    expect(cluster("aks-pub").inputs.agentPoolProfiles).toEqual([
      expect.objectContaining({
        name: "system",
        mode: "System",
        nodeTaints: [SYSTEM_POOL_TAINT],
        availabilityZones: ["1", "2", "3"],
      }),
    ]);
    expect(SYSTEM_POOL_TAINT).toBe("CriticalAddonsOnly=true:NoSchedule");
  });

  it("creates user pools as separate AgentPools in User mode, untainted", () => {
    const pool = single(recorded, "azure-native:containerservice:AgentPool", "aks-pub-pool-apps");
    expect(pool.inputs).toMatchObject({
      agentPoolName: "apps",
      mode: "User",
      resourceName: "aks-pub",
      minCount: 1,
      maxCount: 5,
    });
    expect(pool.inputs.nodeTaints).toBeUndefined();
  });
});

describe("team node pools (issue 15)", () => {
  it("creates a team's pool in User mode, labelled and tainted aks-hardening.io/team-pool=<team>", () => {
    const pool = single(recorded, "azure-native:containerservice:AgentPool", "aks-pub-team-pool-team-a");
    expect(pool.inputs).toMatchObject({
      agentPoolName: "teama",
      mode: "User",
      resourceName: "aks-pub",
      nodeTaints: ["aks-hardening.io/team-pool=team-a:NoSchedule"],
      nodeLabels: { "aks-hardening.io/team-pool": "team-a" },
      enableAutoScaling: true,
      enableNodePublicIP: false,
    });
  });

  it("refuses a team pool named like another pool, and a second pool for one team, before registering anything", () => {
    const provider = {} as AzureProvider;
    const base = {
      provider,
      location: "westeurope",
      kubernetesVersion: "1.33",
      systemPool,
      userPools: [userPool],
      authorizedIpRanges: ["203.0.113.0/24"],
      adminGroupIds: ["11111111-1111-1111-1111-111111111111"],
    };
    expect(
      () => new Cluster("bad", { ...base, teamPools: [{ team: "team-a", pool: { ...userPool } }] }),
    ).toThrow(/teamPools\[0\]\.pool\.name: apps - already the name of another pool/);
    expect(
      () =>
        new Cluster("bad", {
          ...base,
          teamPools: [
            { team: "team-a", pool: { ...userPool, name: "teama" } },
            { team: "team-a", pool: { ...userPool, name: "teama2" } },
          ],
        }),
    ).toThrow(/teamPools\[1\]\.team: team-a - already has a pool/);
  });
});

describe("workload identity, upgrades, add-ons", () => {
  it("enables the OIDC issuer and workload identity", () => {
    expect(cluster("aks-pub").inputs).toMatchObject({
      oidcIssuerProfile: { enabled: true },
      securityProfile: { workloadIdentity: { enabled: true } },
    });
  });

  it("disables the AKS pod-identity add-on and its kubenet fallback", () => {
    expect(cluster("aks-pub").inputs.podIdentityProfile).toEqual({
      enabled: false,
      allowNetworkPluginKubenet: false,
    });
  });

  it("sets both auto-upgrade channels (defaults patch + NodeImage, or as configured)", () => {
    expect(cluster("aks-pub").inputs.autoUpgradeProfile).toEqual({
      upgradeChannel: "patch",
      nodeOSUpgradeChannel: "NodeImage",
    });
    expect(cluster("aks-priv").inputs.autoUpgradeProfile).toEqual({
      upgradeChannel: "stable",
      nodeOSUpgradeChannel: "SecurityPatch",
    });
  });

  it("turns Defender on, reporting to the cluster's workspace, unless disabled", () => {
    const workspace = single(recorded, "azure-native:operationalinsights:Workspace", "aks-pub-logs");
    expect(cluster("aks-pub").inputs.securityProfile).toMatchObject({
      defender: {
        logAnalyticsWorkspaceResourceId: workspace.outputs.id,
        securityMonitoring: { enabled: true },
      },
    });
    expect((cluster("aks-priv").inputs.securityProfile as Record<string, unknown>).defender).toEqual({
      securityMonitoring: { enabled: false },
    });
  });

  it("enables the Azure Policy add-on unless disabled", () => {
    expect(cluster("aks-pub").inputs.addonProfiles).toEqual({ azurepolicy: { enabled: true } });
    expect(cluster("aks-priv").inputs.addonProfiles).toEqual({ azurepolicy: { enabled: false } });
  });

  it("uses the Standard tier by default", () => {
    expect(cluster("aks-pub").inputs.sku).toEqual({ name: "Base", tier: "Standard" });
  });
});

describe("audit logs", () => {
  it("keeps a Log Analytics workspace with the configured retention", () => {
    expect(
      single(recorded, "azure-native:operationalinsights:Workspace", "aks-pub-logs").inputs,
    ).toMatchObject({
      retentionInDays: 60,
      sku: { name: "PerGB2018" },
    });
  });

  it("sends kube-audit-admin and guard (not kube-audit) to resource-specific tables", () => {
    const diag = single(recorded, "azure-native:monitor:DiagnosticSetting", "aks-pub-audit-logs");
    expect(diag.inputs).toMatchObject({
      resourceUri: cluster("aks-pub").outputs.id,
      workspaceId: single(recorded, "azure-native:operationalinsights:Workspace", "aks-pub-logs").outputs.id,
      logAnalyticsDestinationType: "Dedicated",
    });
    const categories = (diag.inputs.logs as { category: string; enabled: boolean }[]).map((l) => l.category);
    expect(categories.sort()).toEqual(["guard", "kube-audit-admin"]);
    expect(categories).not.toContain("kube-audit");
    expect([...AUDIT_LOG_CATEGORIES].sort()).toEqual(categories);
  });
});

describe("pod-identity node access", () => {
  it("grants the kubelet identity Virtual Machine Contributor on the node resource group only, when asked", () => {
    const grant = single(recorded, RA, "aks-priv-kubelet-vmc-nodes");
    expect(grant.inputs).toMatchObject({
      principalId: identity("aks-priv", "kubelet").outputs.principalId,
      principalType: "ServicePrincipal",
      scope: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-aks-priv-nodes",
    });
    expect(String(grant.inputs.roleDefinitionId)).toMatch(
      new RegExp(`/${guidOf("Virtual Machine Contributor")}$`),
    );
    expect(ofType(recorded, RA, "aks-pub-kubelet-vmc-nodes")).toHaveLength(0);
  });
});

describe("Kubernetes provider", () => {
  it("is built from the USER credentials, base64-decoded, secret, and never asks for admin credentials", async () => {
    expect(invokes).toContain("azure-native:containerservice:listManagedClusterUserCredentials");
    expect(invokes.filter((t) => /Admin/i.test(t))).toEqual([]);
    for (const name of ["aks-pub-k8s", "aks-priv-k8s"]) {
      // The engine receives the kubeconfig wrapped in the secret signature, decoded from base64.
      expect(single(recorded, "pulumi:providers:kubernetes", name).inputs.kubeconfig).toEqual({
        [SIG_KEY]: expect.any(String),
        value: MOCK_USER_KUBECONFIG,
      });
    }
    expect(await pulumi.isSecret(publicCluster.kubeconfig)).toBe(true);
    expect(await resolveOutput(publicCluster.provider.urn)).toBe(
      single(recorded, "pulumi:providers:kubernetes", "aks-pub-k8s").urn,
    );
  });
});

describe("wiring", () => {
  it("registers every Azure resource with the explicit provider and parents it to the component", () => {
    const azureProvider = single(recorded, "pulumi:providers:azure-native", "azure");
    const children = recorded.filter((r) => r.type.startsWith("azure-native:"));
    expect(children.length).toBeGreaterThan(10);
    for (const child of children) {
      expect(child.provider?.startsWith(`${azureProvider.urn}::`)).toBe(true);
      expect(child.parent).toMatch(/aks-hardening:azure:Cluster::aks-(pub|priv)$/);
    }
  });

  it("exposes the OIDC issuer and node resource group", async () => {
    expect(await resolveOutput(publicCluster.oidcIssuerUrl)).toMatch(/^https:\/\//);
    expect(await resolveOutput(privateCluster.nodeResourceGroupId)).toBe(
      "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-aks-priv-nodes",
    );
  });
});
