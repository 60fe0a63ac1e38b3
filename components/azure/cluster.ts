/**
 * The hardened AKS cluster: identities, the managed cluster, its audit log pipeline and the
 * Kubernetes provider every in-cluster resource is created with.
 *
 * Each setting names the threat (S1-S6, README `threat-model`) it answers. The settings themselves are
 * built by exported pure functions so that tests and the policy pack's fixtures see exactly the same
 * values the cluster gets.
 */
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as monitor from "@pulumi/azure-native/monitor";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as resources from "@pulumi/azure-native/resources";
import type { Provider as AzureProvider } from "@pulumi/azure-native/provider";
import type * as azureInputs from "@pulumi/azure-native/types/input";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  clusterResourceGroupName,
  decodeKubeconfig,
  nodeResourceGroupName,
  resourceGroupId,
  subscriptionIdOf,
} from "./naming";
import { grantRole } from "./role-grant";
import { PLATFORM_POOL_TAINT_KEYS, teamPoolLabels, teamPoolTaintString } from "../../conventions/kubernetes";

/** AKS control-plane pricing tier (`Free` has no uptime SLA). */
export type ClusterTier = "Free" | "Standard" | "Premium";

/** AKS `autoUpgradeProfile.upgradeChannel`. `none` is refused by validation. */
export type UpgradeChannel = "patch" | "stable" | "rapid" | "node-image";

/** AKS `autoUpgradeProfile.nodeOSUpgradeChannel`. */
export type NodeOsUpgradeChannel = "NodeImage" | "SecurityPatch" | "Unmanaged";

/** One AKS node pool. */
export interface NodePoolConfig {
  /** Lowercase alphanumeric, at most 12 characters (AKS rule). */
  name: string;
  /** VM size, e.g. `Standard_D4ds_v5`. */
  vmSize: string;
  /** Autoscaler minimum (at least 1 for the system pool, 0 for user pools), at most `maxCount`. */
  minCount: number;
  /** Autoscaler maximum, at most 1000. */
  maxCount: number;
  /**
   * Availability zones; default `["1","2","3"]`, `[]` for no zone pinning. At least two in
   * production.
   */
  zones: string[];
}

/** Network policy engines AKS offers with Azure CNI; kubenet is never an option (ARP spoofing, S4). */
export type NetworkPolicyEngine = "azure" | "calico" | "cilium";

/** Taint that keeps team workloads off the system pool: only critical add-ons tolerate it. */
export const SYSTEM_POOL_TAINT = `${PLATFORM_POOL_TAINT_KEYS[0]}=true:NoSchedule`;

/**
 * Control-plane log categories sent to Log Analytics. `kube-audit-admin` is every mutating API call
 * (the events the alert rules watch) without the get/list flood of `kube-audit`; `guard` records
 * Entra ID / Azure RBAC authorization decisions.
 */
export const AUDIT_LOG_CATEGORIES = ["kube-audit-admin", "guard"] as const;

export interface ClusterArgs {
  /** Explicit azure-native provider for every Azure resource and invoke (no default provider). */
  provider: AzureProvider;
  /** Azure region, e.g. `westeurope`. */
  location: string;
  /** Kubernetes version (`major.minor` or `major.minor.patch`). */
  kubernetesVersion: string;
  /** Control-plane tier. Default `Standard` (uptime SLA). */
  tier?: ClusterTier;
  /** The system pool; always tainted `CriticalAddonsOnly=true:NoSchedule`. */
  systemPool: NodePoolConfig;
  /** User pools where team workloads run, created as separate `AgentPool` resources. Default none. */
  userPools?: NodePoolConfig[];
  /**
   * Dedicated pools, one per team that has one (issue 15): `AgentPool`s in User mode, labelled and
   * tainted `aks-hardening.io/team-pool=<team>` so that only that team's pods run there. Pool names
   * must not repeat across `systemPool`, `userPools` and these (the config validation refuses it).
   * Default none.
   */
  teamPools?: { team: string; pool: NodePoolConfig }[];
  /** CIDRs allowed to reach a public API server. Required (non-empty) unless `privateCluster`. */
  authorizedIpRanges?: string[];
  /** Private API server (no public endpoint). Default false. */
  privateCluster?: boolean;
  /** Entra group object IDs of the cluster administrators (Azure RBAC). Required, non-empty. */
  adminGroupIds: string[];
  /** Network policy engine on Azure CNI overlay. Default `cilium` (with the Cilium data plane). */
  networkPolicy?: NetworkPolicyEngine;
  /** Microsoft Defender for Containers security profile, reporting to the cluster workspace. Default true. */
  defender?: boolean;
  /** Azure Policy add-on (Gatekeeper). Default true. */
  azurePolicy?: boolean;
  /** Control-plane auto-upgrade channel. Default `patch`. */
  upgradeChannel?: UpgradeChannel;
  /** Node OS auto-upgrade channel. Default `NodeImage`. */
  nodeOsUpgradeChannel?: NodeOsUpgradeChannel;
  /** Log Analytics retention in days. Default 90. */
  logRetentionDays?: number;
  /**
   * aad-pod-identity standard mode: grant the kubelet identity (which MIC runs as) "Virtual Machine
   * Contributor" on the node resource group only, so MIC can attach identities to the node VMSS.
   * Default false (managed mode and workload identity need no node write access).
   */
  grantMicNodeAccess?: boolean;
  /** Tags on every Azure resource. Default none. */
  tags?: Record<string, string>;
}

/** The `apiServerAccessProfile`: private, or public but limited to the authorized ranges. */
export function apiServerAccessProfile(
  privateCluster: boolean,
  authorizedIpRanges: string[],
): containerservice.ManagedClusterArgs["apiServerAccessProfile"] {
  if (privateCluster) return { enablePrivateCluster: true };
  if (authorizedIpRanges.length === 0) {
    throw new Error(
      "cluster.authorizedIpRanges: [] - a public API server needs at least one authorized range (or set cluster.privateCluster)",
    );
  }
  return { enablePrivateCluster: false, authorizedIPRanges: [...authorizedIpRanges] };
}

/** Azure CNI in overlay mode with a network policy engine (never kubenet, never without policy). */
export function networkProfile(
  engine: NetworkPolicyEngine,
): containerservice.ManagedClusterArgs["networkProfile"] {
  return {
    networkPlugin: "azure",
    networkPluginMode: "overlay",
    networkPolicy: engine,
    // The Cilium policy engine only exists on the Cilium data plane.
    networkDataplane: engine === "cilium" ? "cilium" : "azure",
    loadBalancerSku: "standard",
    outboundType: "loadBalancer",
  };
}

/** Settings every pool shares: autoscaled, zoned as configured, no public IP on any node. */
export function poolSettings(pool: NodePoolConfig) {
  return {
    vmSize: pool.vmSize,
    osType: "Linux",
    type: "VirtualMachineScaleSets",
    enableAutoScaling: true,
    minCount: pool.minCount,
    maxCount: pool.maxCount,
    count: pool.minCount,
    availabilityZones: pool.zones.length > 0 ? [...pool.zones] : undefined,
    enableNodePublicIP: false,
  };
}

/** The inline system pool, tainted so that only critical add-ons schedule there. */
export function systemPoolProfile(
  pool: NodePoolConfig,
): azureInputs.containerservice.ManagedClusterAgentPoolProfileArgs {
  return { name: pool.name, mode: "System", nodeTaints: [SYSTEM_POOL_TAINT], ...poolSettings(pool) };
}

/**
 * A team's dedicated pool. The taint keeps every other pod off (the admission policy refuses the
 * toleration to anyone else); the label is what the team's pods select, so they land nowhere else.
 * User mode: AKS puts its own system add-ons on System pools, so none of them lands on a team's
 * nodes (NMI, a DaemonSet of ours, tolerates the key on purpose).
 */
export function teamPoolProfile(team: string, pool: NodePoolConfig) {
  return {
    mode: "User",
    nodeTaints: [teamPoolTaintString(team)],
    nodeLabels: teamPoolLabels(team),
    ...poolSettings(pool),
  };
}

/**
 * A hardened AKS cluster with its own resource group, identities and audit logs.
 *
 * The component name is the AKS cluster name; Azure names are derived from it (`rg-<name>`,
 * `id-<name>-control-plane`, `id-<name>-kubelet`, `log-<name>`, node resource group `rg-<name>-nodes`).
 */
export class Cluster extends pulumi.ComponentResource {
  /** The cluster's resource group. */
  public readonly resourceGroupName: pulumi.Output<string>;
  public readonly resourceGroupId: pulumi.Output<string>;
  /** Subscription the cluster lives in (read from its resource group ID, no invoke). */
  public readonly subscriptionId: pulumi.Output<string>;
  public readonly clusterName: pulumi.Output<string>;
  public readonly clusterId: pulumi.Output<string>;
  /** OIDC issuer URL, the `issuer` of every federated identity credential. */
  public readonly oidcIssuerUrl: pulumi.Output<string>;
  public readonly nodeResourceGroup: pulumi.Output<string>;
  public readonly nodeResourceGroupId: pulumi.Output<string>;
  /** The kubelet identity (node VMSS identity; MIC's identity in pod-identity standard mode). */
  public readonly kubeletIdentity: {
    id: pulumi.Output<string>;
    clientId: pulumi.Output<string>;
    principalId: pulumi.Output<string>;
    tenantId: pulumi.Output<string>;
  };
  public readonly workspaceId: pulumi.Output<string>;
  /** The diagnostic setting feeding the audit log to the workspace (alert rules come after it). */
  public readonly auditLogSetting: monitor.DiagnosticSetting;
  /** Kubeconfig from the USER credentials API (Entra ID exec login), secret. */
  public readonly kubeconfig: pulumi.Output<string>;
  /** Kubernetes provider for this cluster, built from `kubeconfig`. */
  public readonly provider: k8s.Provider;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    // Bad input fails before anything is registered.
    if (args.adminGroupIds.length === 0) {
      throw new Error("cluster.adminGroupIds: [] - at least one Entra admin group is required");
    }
    const apiServerAccess = apiServerAccessProfile(
      args.privateCluster ?? false,
      args.authorizedIpRanges ?? [],
    );
    // One pool, one team: AKS pool names are unique per cluster, and a pool serving two teams would
    // put both teams' identities on the same nodes.
    const poolNames = new Set([args.systemPool.name, ...(args.userPools ?? []).map((p) => p.name)]);
    const poolTeams = new Set<string>();
    (args.teamPools ?? []).forEach(({ team, pool }, i) => {
      if (poolNames.has(pool.name))
        throw new Error(
          `teamPools[${i}].pool.name: ${pool.name} - already the name of another pool of the cluster`,
        );
      if (poolTeams.has(team))
        throw new Error(`teamPools[${i}].team: ${team} - already has a pool (one dedicated pool per team)`);
      poolNames.add(pool.name);
      poolTeams.add(team);
    });
    super("aks-hardening:azure:Cluster", name, {}, opts);
    const child = { parent: this, provider: args.provider };
    const tags = args.tags;
    const location = args.location;

    const rg = new resources.ResourceGroup(
      `${name}-rg`,
      { resourceGroupName: clusterResourceGroupName(name), location, tags },
      child,
    );

    // User-assigned identities (S5): no service principal secret in azure.json, and a kubelet
    // identity we know in advance so its grants can be scoped to single resources.
    const controlPlaneIdentity = new managedidentity.UserAssignedIdentity(
      `${name}-control-plane-identity`,
      { resourceGroupName: rg.name, resourceName: `id-${name}-control-plane`, location, tags },
      child,
    );
    const kubeletIdentity = new managedidentity.UserAssignedIdentity(
      `${name}-kubelet-identity`,
      { resourceGroupName: rg.name, resourceName: `id-${name}-kubelet`, location, tags },
      child,
    );
    // AKS requires the control-plane identity to be able to assign a custom kubelet identity;
    // the grant is on that one identity, not on its resource group.
    const controlPlaneOnKubelet = grantRole(
      `${name}-control-plane-mio-kubelet`,
      {
        principalId: controlPlaneIdentity.principalId,
        roleName: "Managed Identity Operator",
        scope: kubeletIdentity.id,
      },
      child,
    );

    const workspace = new operationalinsights.Workspace(
      `${name}-logs`,
      {
        resourceGroupName: rg.name,
        workspaceName: `log-${name}`,
        location,
        sku: { name: "PerGB2018" },
        retentionInDays: args.logRetentionDays ?? 90,
        tags,
      },
      child,
    );

    const managedCluster = new containerservice.ManagedCluster(
      `${name}-aks`,
      {
        resourceGroupName: rg.name,
        resourceName: name,
        location,
        dnsPrefix: name,
        kubernetesVersion: args.kubernetesVersion,
        nodeResourceGroup: nodeResourceGroupName(name),
        sku: { name: "Base", tier: args.tier ?? "Standard" },
        identity: { type: "UserAssigned", userAssignedIdentities: [controlPlaneIdentity.id] },
        identityProfile: {
          kubeletidentity: {
            resourceId: kubeletIdentity.id,
            clientId: kubeletIdentity.clientId,
            objectId: kubeletIdentity.principalId,
          },
        },
        // Every API caller is an Entra identity authorized by Azure RBAC; no static admin cert.
        disableLocalAccounts: true,
        enableRBAC: true,
        aadProfile: { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: [...args.adminGroupIds] },
        apiServerAccessProfile: apiServerAccess,
        networkProfile: networkProfile(args.networkPolicy ?? "cilium"),
        // Workload Identity (the successor of pod identity) needs both.
        oidcIssuerProfile: { enabled: true },
        securityProfile: {
          workloadIdentity: { enabled: true },
          // Switched off explicitly when disabled: an omitted profile leaves a running Defender as is.
          defender:
            (args.defender ?? true)
              ? { logAnalyticsWorkspaceResourceId: workspace.id, securityMonitoring: { enabled: true } }
              : { securityMonitoring: { enabled: false } },
        },
        // The blueprint installs its own hardened aad-pod-identity; the AKS add-on stays off and
        // may never fall back to kubenet.
        podIdentityProfile: { enabled: false, allowNetworkPluginKubenet: false },
        addonProfiles: { azurepolicy: { enabled: args.azurePolicy ?? true } },
        autoUpgradeProfile: {
          upgradeChannel: args.upgradeChannel ?? "patch",
          nodeOSUpgradeChannel: args.nodeOsUpgradeChannel ?? "NodeImage",
        },
        agentPoolProfiles: [systemPoolProfile(args.systemPool)],
        tags,
      },
      { ...child, dependsOn: [controlPlaneOnKubelet] },
    );

    for (const pool of args.userPools ?? []) {
      new containerservice.AgentPool(
        `${name}-pool-${pool.name}`,
        {
          resourceGroupName: rg.name,
          resourceName: managedCluster.name,
          agentPoolName: pool.name,
          mode: "User",
          orchestratorVersion: args.kubernetesVersion,
          ...poolSettings(pool),
        },
        child,
      );
    }

    for (const { team, pool } of args.teamPools ?? []) {
      new containerservice.AgentPool(
        `${name}-team-pool-${team}`,
        {
          resourceGroupName: rg.name,
          resourceName: managedCluster.name,
          agentPoolName: pool.name,
          orchestratorVersion: args.kubernetesVersion,
          ...teamPoolProfile(team, pool),
        },
        child,
      );
    }

    this.auditLogSetting = new monitor.DiagnosticSetting(
      `${name}-audit-logs`,
      {
        name: `${name}-audit`,
        resourceUri: managedCluster.id,
        workspaceId: workspace.id,
        // Resource-specific tables (AKSAuditAdmin, AKSControlPlane) that the alert queries read.
        logAnalyticsDestinationType: "Dedicated",
        logs: AUDIT_LOG_CATEGORIES.map((category) => ({ category, enabled: true })),
      },
      child,
    );

    this.resourceGroupName = rg.name;
    this.resourceGroupId = rg.id;
    this.subscriptionId = rg.id.apply(subscriptionIdOf);
    this.clusterName = managedCluster.name;
    this.clusterId = managedCluster.id;
    this.oidcIssuerUrl = managedCluster.oidcIssuerProfile.apply((profile) => {
      if (!profile?.issuerURL) throw new Error(`cluster ${name}: AKS returned no OIDC issuer URL`);
      return profile.issuerURL;
    });
    this.nodeResourceGroup = managedCluster.nodeResourceGroup.apply((g) => g ?? nodeResourceGroupName(name));
    this.nodeResourceGroupId = pulumi
      .all([this.subscriptionId, this.nodeResourceGroup])
      .apply(([sub, group]) => resourceGroupId(sub, group));
    this.kubeletIdentity = {
      id: kubeletIdentity.id,
      clientId: kubeletIdentity.clientId,
      principalId: kubeletIdentity.principalId,
      tenantId: kubeletIdentity.tenantId,
    };
    this.workspaceId = workspace.id;

    if (args.grantMicNodeAccess ?? false) {
      // S3 brake, node side: MIC may attach identities to the node VMSS, nothing outside the node RG.
      grantRole(
        `${name}-kubelet-vmc-nodes`,
        {
          principalId: kubeletIdentity.principalId,
          roleName: "Virtual Machine Contributor",
          scope: this.nodeResourceGroupId,
        },
        child,
      );
    }

    // The USER credentials (Entra exec login): with local accounts disabled the admin credentials
    // API is refused, and the provider must act as a named Entra principal, never a static admin.
    const credentials = containerservice.listManagedClusterUserCredentialsOutput(
      { resourceGroupName: rg.name, resourceName: managedCluster.name, format: "exec" },
      child,
    );
    this.kubeconfig = pulumi.secret(
      credentials.kubeconfigs.apply((configs) => {
        if (!configs || configs.length === 0)
          throw new Error(`cluster ${name}: AKS returned no user kubeconfig`);
        return decodeKubeconfig(configs[0].value);
      }),
    );
    this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig }, { parent: this });

    this.registerOutputs({
      resourceGroupName: this.resourceGroupName,
      clusterName: this.clusterName,
      clusterId: this.clusterId,
      oidcIssuerUrl: this.oidcIssuerUrl,
      nodeResourceGroup: this.nodeResourceGroup,
      workspaceId: this.workspaceId,
      kubeconfig: this.kubeconfig,
    });
  }
}
