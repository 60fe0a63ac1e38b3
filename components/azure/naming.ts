/**
 * Names and identifiers of the Azure layer, as pure functions so that the program, the tests and
 * the policy pack's fixtures all derive them the same way.
 */
import { createHash } from "crypto";

/** The only audience Entra ID accepts for a federated token exchange (Workload Identity). */
export const WORKLOAD_IDENTITY_AUDIENCE = "api://AzureADTokenExchange";

/**
 * A name-based GUID (RFC 4122 version 5 layout over SHA-1) of the given parts.
 *
 * Role assignment names must be GUIDs; deriving them from what identifies the grant makes them
 * identical on every run and distinct per grant, so a re-run never creates a duplicate assignment.
 */
export function deterministicGuid(...parts: string[]): string {
  const hash = createHash("sha1").update(parts.join("\u0000")).digest();
  const bytes = Buffer.from(hash.subarray(0, 16));
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The resource group of the cluster and its platform resources: `rg-<cluster>`. */
export function clusterResourceGroupName(cluster: string): string {
  return `rg-${cluster}`;
}

/** The resource group AKS puts the node VMSS in: `rg-<cluster>-nodes` (named, so it is known at preview). */
export function nodeResourceGroupName(cluster: string): string {
  return `rg-${cluster}-nodes`;
}

/** A team's own resource group: `rg-<cluster>-<team>`. */
export function teamResourceGroupName(cluster: string, team: string): string {
  return `rg-${cluster}-${team}`;
}

/** A team workload's user-assigned identity: `id-<cluster>-<team>-<identity>`. */
export function teamIdentityName(cluster: string, team: string, identity: string): string {
  return `id-${cluster}-${team}-${identity}`;
}

/** Full ID of a resource group. */
export function resourceGroupId(subscriptionId: string, resourceGroup: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
}

/**
 * The subscription GUID of any Azure resource ID. Reading it from an ID the program already has
 * avoids an invoke (`getClientConfig`) that an offline plan would have to answer.
 */
export function subscriptionIdOf(resourceId: string): string {
  const match = /^\/subscriptions\/([^/]+)(\/|$)/i.exec(resourceId);
  if (!match) throw new Error(`not an Azure resource ID (no /subscriptions/<id> prefix): ${resourceId}`);
  return match[1];
}

/** The federated credential subject of a Kubernetes ServiceAccount. */
export function workloadIdentitySubject(namespace: string, serviceAccount: string): string {
  return `system:serviceaccount:${namespace}:${serviceAccount}`;
}

/** Decodes the base64 kubeconfig that the AKS list-credentials API returns. */
export function decodeKubeconfig(base64: string): string {
  return Buffer.from(base64, "base64").toString("utf8");
}
