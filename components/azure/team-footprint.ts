/**
 * A team's Azure footprint: its own resource group, one user-assigned identity per workload, the
 * roles each workload needs on that resource group only, and the link from cluster to identity
 * (a federated credential for Workload Identity, or MIC's right to attach it for pod identity).
 *
 * The resource group is the team's blast radius: no grant made here reaches beyond it, and the
 * in-cluster admission policy refuses any AzureIdentity outside it (S3).
 */
import { TEAM_LABEL } from "../../conventions/kubernetes";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import type { Provider as AzureProvider } from "@pulumi/azure-native/provider";
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import type { IdentityMode } from "../../conventions/modes";
import {
  WORKLOAD_IDENTITY_AUDIENCE,
  teamIdentityName,
  teamResourceGroupName,
  workloadIdentitySubject,
} from "./naming";
import { grantRole } from "./role-grant";

/** One workload identity a team declared. */
export interface TeamFootprintIdentity {
  /** Identity name, unique within the team (DNS-1123). */
  name: string;
  /** Team namespace whose pods use it. */
  namespace: string;
  /** ServiceAccount bound by the federated credential (workload-identity teams). */
  serviceAccount: string;
  /** Built-in role names granted on the team's resource group. Default none. */
  roles?: string[];
}

export interface TeamFootprintArgs {
  /** Explicit azure-native provider (no default provider). */
  provider: AzureProvider;
  /** Cluster name, the prefix of every Azure name (`rg-<cluster>-<team>`, `id-<cluster>-<team>-<id>`). */
  clusterName: string;
  /** Team name (DNS-1123). */
  team: string;
  /** Azure region of the resource group and identities. */
  location: string;
  /** How the team's pods obtain tokens. */
  identityMode: IdentityMode;
  /** The team's workload identities. Default none. */
  identities?: TeamFootprintIdentity[];
  /** The cluster's OIDC issuer URL. Required when `identityMode` is `workload-identity`. */
  oidcIssuerUrl?: pulumi.Input<string>;
  /**
   * Pod identity in standard mode: principal ID of the identity MIC runs as (the kubelet identity).
   * When set and the team uses pod identity, that principal gets "Managed Identity Operator" on each
   * of the team's identities individually, never on the resource group or subscription. Default unset
   * (no grant: managed mode or workload identity).
   */
  micPrincipalId?: pulumi.Input<string>;
  /** Tags on every Azure resource. Default none. */
  tags?: Record<string, string>;
}

/** What the rest of the program needs about one created identity. */
export interface CreatedTeamIdentity {
  /** Identity name as declared. */
  name: string;
  /** Team namespace whose pods use it. */
  namespace: string;
  /** ServiceAccount bound by the federated credential (workload-identity teams). */
  serviceAccount: string;
  /** Client ID (what pods and ServiceAccount annotations name). */
  clientId: pulumi.Output<string>;
  /** Object ID (what role assignments name). */
  principalId: pulumi.Output<string>;
  /** Full Azure resource ID (what an AzureIdentity's `resourceID` names). */
  resourceId: pulumi.Output<string>;
}

export class TeamFootprint extends pulumi.ComponentResource {
  public readonly resourceGroupName: pulumi.Output<string>;
  /** Full ID of the team's resource group (`/subscriptions/<sub>/resourceGroups/<rg>`). */
  public readonly resourceGroupId: pulumi.Output<string>;
  public readonly identities: CreatedTeamIdentity[];

  constructor(name: string, args: TeamFootprintArgs, opts?: pulumi.ComponentResourceOptions) {
    const usesWorkloadIdentity = args.identityMode === "workload-identity";
    if (usesWorkloadIdentity && args.oidcIssuerUrl === undefined) {
      throw new Error(`team ${args.team}: workload-identity mode needs the cluster's OIDC issuer URL`);
    }
    super("aks-hardening:azure:TeamFootprint", name, {}, opts);
    const child = { parent: this, provider: args.provider };

    const rg = new resources.ResourceGroup(
      `${name}-rg`,
      {
        resourceGroupName: teamResourceGroupName(args.clusterName, args.team),
        location: args.location,
        tags: { ...args.tags, [TEAM_LABEL]: args.team },
      },
      child,
    );

    this.identities = (args.identities ?? []).map((declared) => {
      const base = `${name}-${declared.name}`;
      const identity = new managedidentity.UserAssignedIdentity(
        `${base}-identity`,
        {
          resourceGroupName: rg.name,
          resourceName: teamIdentityName(args.clusterName, args.team, declared.name),
          location: args.location,
          tags: { ...args.tags, [TEAM_LABEL]: args.team },
        },
        child,
      );

      for (const roleName of declared.roles ?? []) {
        grantRole(
          `${base}-${roleSlug(roleName)}`,
          { principalId: identity.principalId, roleName, scope: rg.id },
          child,
        );
      }

      if (usesWorkloadIdentity) {
        // Only tokens of this one ServiceAccount, issued by this cluster, can be exchanged (S1-S3).
        new managedidentity.FederatedIdentityCredential(
          `${base}-federation`,
          {
            resourceGroupName: rg.name,
            resourceName: identity.name,
            federatedIdentityCredentialResourceName: `${args.clusterName}-${declared.namespace}-${declared.serviceAccount}`,
            issuer: args.oidcIssuerUrl as pulumi.Input<string>,
            subject: workloadIdentitySubject(declared.namespace, declared.serviceAccount),
            audiences: [WORKLOAD_IDENTITY_AUDIENCE],
          },
          child,
        );
      } else if (args.micPrincipalId !== undefined) {
        // S3 brake, identity side: MIC can attach this approved identity and no other.
        grantRole(
          `${base}-mic-mio`,
          { principalId: args.micPrincipalId, roleName: "Managed Identity Operator", scope: identity.id },
          child,
        );
      }

      return {
        name: declared.name,
        namespace: declared.namespace,
        serviceAccount: declared.serviceAccount,
        clientId: identity.clientId,
        principalId: identity.principalId,
        resourceId: identity.id,
      };
    });

    this.resourceGroupName = rg.name;
    this.resourceGroupId = rg.id;
    this.registerOutputs({
      resourceGroupName: this.resourceGroupName,
      resourceGroupId: this.resourceGroupId,
      identities: Object.fromEntries(this.identities.map((i) => [i.name, i.clientId])),
    });
  }
}

/** `Storage Blob Data Reader` -> `storage-blob-data-reader` (for readable resource names). */
export function roleSlug(roleName: string): string {
  return roleName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}
