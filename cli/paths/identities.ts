/**
 * The managed identities a token can be obtained for, merged from every place that names one: the
 * Azure resources (client ID, principal ID, resource ID, team tag), the AzureIdentity objects
 * (`resourceID`, `clientID`), the Workload Identity ServiceAccount annotation and the cluster's
 * kubelet identity. Each gets one node keyed by client ID, so a plan (which has the Azure side) and
 * a live cluster (which has only the Kubernetes side) name the same identity the same way.
 *
 * Owner: the identity's own team tag; else the team whose namespaces record the resource group it
 * lives in; else the team of the namespace that declares it; the kubelet identity is the platform's.
 */
import { WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION } from "../../conventions/kubernetes";
import type { ClusterView } from "./cluster-view";
import type { Facts, FactSource } from "./facts";

export const PLATFORM = "platform";

export interface Identity {
  key: string;
  name: string;
  clientId?: string;
  resourceId?: string;
  principalId?: string;
  owner?: string;
  sources: FactSource[];
  /** Declared by an AzureIdentity (pod identity) in these namespaces. */
  podIdentityNamespaces: string[];
  /** Named by a ServiceAccount annotation (workload identity): `ns/sa`. */
  annotatedServiceAccounts: string[];
  kubelet: boolean;
}

const resourceGroupOf = (resourceId: string) =>
  /^(\/subscriptions\/[^/]+\/resourcegroups\/[^/]+)/.exec(resourceId)?.[1];

export class IdentityRegistry {
  readonly all: Identity[] = [];
  private readonly byClientId = new Map<string, Identity>();
  private readonly byResourceId = new Map<string, Identity>();
  private readonly byPrincipalId = new Map<string, Identity>();

  constructor(facts: Facts, view: ClusterView) {
    for (const i of facts.identities)
      this.upsert({
        clientId: i.clientId,
        resourceId: i.resourceId,
        principalId: i.principalId,
        name: i.name,
        owner: i.team,
        source: i.source,
      });
    if (facts.cluster.kubeletClientId || facts.cluster.kubeletResourceId) {
      const k = this.upsert({
        clientId: facts.cluster.kubeletClientId,
        resourceId: facts.cluster.kubeletResourceId,
        name: "kubelet identity",
        source: facts.cluster.source ?? "cluster",
      });
      k.kubelet = true;
    }
    for (const o of view.azureIdentities) {
      const spec = (o.body.spec ?? {}) as Record<string, unknown>;
      const clientId = typeof spec.clientID === "string" ? spec.clientID : undefined;
      const resourceId = typeof spec.resourceID === "string" ? spec.resourceID.toLowerCase() : undefined;
      if (!clientId && !resourceId) continue;
      const i = this.upsert({
        clientId,
        resourceId,
        name: resourceId?.split("/").pop() ?? o.name,
        source: o.source,
      });
      if (o.namespace && !i.podIdentityNamespaces.includes(o.namespace))
        i.podIdentityNamespaces.push(o.namespace);
    }
    for (const o of view.objects) {
      const clientId =
        o.kind === "ServiceAccount" ? o.annotations[WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION] : undefined;
      if (!clientId || !o.namespace) continue;
      const i = this.upsert({ clientId, name: `client ${clientId}`, source: o.source });
      i.annotatedServiceAccounts.push(`${o.namespace}/${o.name}`);
    }
    for (const i of this.all) i.owner ??= this.ownerOf(i, facts, view);
  }

  private ownerOf(i: Identity, facts: Facts, view: ClusterView): string | undefined {
    if (i.kubelet) return PLATFORM;
    const rg = i.resourceId ? resourceGroupOf(i.resourceId) : undefined;
    if (rg) {
      for (const ns of view.namespaceNames())
        if (view.resourceGroupOfNamespace(ns) === rg && view.teamOfNamespace(ns))
          return view.teamOfNamespace(ns);
      const tagged = facts.resourceGroups.find((g) => g.id === rg)?.team;
      if (tagged) return tagged;
    }
    const namespaces = [
      ...i.podIdentityNamespaces,
      ...i.annotatedServiceAccounts.map((s) => s.split("/")[0]),
    ];
    const team = namespaces.map((ns) => view.teamOfNamespace(ns)).find((t) => t !== undefined);
    // An Azure identity that no team's tag, group or namespace claims is the platform's own.
    return (
      team ??
      (facts.identities.some((f) => f.resourceId === i.resourceId && i.resourceId) ? PLATFORM : undefined)
    );
  }

  private upsert(f: {
    clientId?: string;
    resourceId?: string;
    principalId?: string;
    name: string;
    owner?: string;
    source: FactSource;
  }): Identity {
    const clientId = f.clientId?.toLowerCase();
    let i =
      (clientId && this.byClientId.get(clientId)) ||
      (f.resourceId && this.byResourceId.get(f.resourceId)) ||
      undefined;
    if (!i) {
      i = {
        key: clientId ?? f.resourceId!,
        name: f.name,
        sources: [],
        podIdentityNamespaces: [],
        annotatedServiceAccounts: [],
        kubelet: false,
      };
      this.all.push(i);
    }
    // The Azure resource's own name beats a name derived from an annotation.
    if (i.name.startsWith("client ") && !f.name.startsWith("client ")) i.name = f.name;
    i.clientId ??= clientId;
    i.resourceId ??= f.resourceId;
    i.principalId ??= f.principalId?.toLowerCase();
    i.owner ??= f.owner;
    if (!i.sources.includes(f.source)) i.sources.push(f.source);
    if (clientId) this.byClientId.set(clientId, i);
    if (i.resourceId) this.byResourceId.set(i.resourceId, i);
    if (i.principalId) this.byPrincipalId.set(i.principalId, i);
    return i;
  }

  byClient(clientId: string): Identity | undefined {
    return this.byClientId.get(clientId.toLowerCase());
  }

  byResource(resourceId: string): Identity | undefined {
    return this.byResourceId.get(resourceId.toLowerCase());
  }

  byPrincipal(principalId: string): Identity | undefined {
    return this.byPrincipalId.get(principalId.toLowerCase());
  }

  /** The identity an AzureIdentity object points at (by client ID, else resource ID). */
  ofAzureIdentity(spec: Record<string, unknown>): Identity | undefined {
    if (typeof spec.clientID === "string") {
      const i = this.byClient(spec.clientID);
      if (i) return i;
    }
    return typeof spec.resourceID === "string" ? this.byResource(spec.resourceID) : undefined;
  }
}
