/**
 * The attack graph: principals, the Kubernetes footholds they can gain (a pod spec they choose in a
 * namespace, a running workload, a node), managed identities and Azure scopes, joined by typed
 * edges. Every edge carries the objects that created it (URNs or live objects), the control that
 * would cut it, and the threat scenario (S1-S6) it belongs to when it is one of those.
 */
import type { FactSource } from "./facts";

export type NodeKind =
  | "group"
  | "user"
  | "service-account"
  /** "can run a pod of its own choosing in namespace N" (spec, labels, service account). */
  | "pod-spec"
  /** A declared workload or pod: exec/attach lands in it. */
  | "workload"
  /** Every permission in a namespace (or the cluster), reached by bind/escalate. */
  | "all-rights"
  /** A node's host: kubelet files, projected tokens of co-scheduled pods. */
  | "node-host"
  /** Raw IMDS on a node: every identity the node pools hold. */
  | "node-imds"
  | "identity"
  | "azure-scope";

export type EdgeKind =
  | "CREATE_POD"
  | "CREATE_WORKLOAD"
  | "PATCH_WORKLOAD"
  | "RUN_AS_SA"
  | "EXEC_INTO"
  | "RUNS_AS"
  | "TOKEN_REQUEST"
  | "SECRET_TOKEN"
  | "IMPERSONATE"
  | "ESCALATE"
  | "POD_LABEL_MATCH"
  | "BINDING_CREATE"
  | "AZID_CREATE"
  | "EXCEPTION_CREATE"
  | "EXCEPTION_LABEL"
  | "MIC_NAME"
  | "NODE_ESCAPE"
  | "HOSTNET_IMDS"
  | "HOST_IMDS"
  | "NODE_HOLDS"
  | "NODE_TOKENS"
  | "FIC_TRUST"
  | "HAS_ROLE"
  | "CONTAINS"
  | "MI_OPERATOR"
  | "FIC_WRITE";

export interface GraphNode {
  id: string;
  kind: NodeKind;
  label: string;
  /** Owning team (principals, identities), when one owns it; `platform` for cluster identities. */
  team?: string;
  namespace?: string;
  source?: FactSource;
  /** Identities: client ID and resource ID, for matching and for the attack suite. */
  clientId?: string;
  resourceId?: string;
}

export interface GraphEdge {
  id: string;
  from: string;
  to: string;
  kind: EdgeKind;
  /** The objects whose presence creates the edge (URNs, or live objects). */
  sources: FactSource[];
  /** What would cut this edge, in the operator's words. */
  control: string;
  /** Threat-model scenario when the edge is one of S1-S6. */
  scenario?: string;
  detail: string;
  /** What an attacker's request needs beyond the nodes (a selector, an object name), for walking it. */
  params?: Record<string, string>;
}

/** An edge before the graph numbers it. */
export type NewEdge = Omit<GraphEdge, "id">;

/**
 * An edge whose precondition held up to one control that refused it (admission, PSA, namespaced
 * mode): reported so the attack suite can check that walking it is really refused.
 */
export interface BlockedEdge extends Omit<GraphEdge, "id"> {
  blockedBy: string;
  /** How many edges of this kind from the same node this control refused (`to` is the first). */
  count?: number;
}

export class AttackGraph {
  readonly nodes = new Map<string, GraphNode>();
  readonly edges: GraphEdge[] = [];
  readonly blocked: BlockedEdge[] = [];
  private readonly out = new Map<string, GraphEdge[]>();
  private readonly keys = new Set<string>();

  addNode(node: GraphNode): GraphNode {
    const existing = this.nodes.get(node.id);
    if (existing) {
      // A later reader may know more (an owning team, a client ID): fill what is missing.
      for (const [k, v] of Object.entries(node)) {
        const key = k as keyof GraphNode;
        if (existing[key] === undefined && v !== undefined)
          (existing as unknown as Record<string, unknown>)[key] = v;
      }
      return existing;
    }
    this.nodes.set(node.id, node);
    return node;
  }

  /** Adds an edge once per (from, to, kind); a repeat adds its sources to the first. */
  addEdge(edge: Omit<GraphEdge, "id">): void {
    if (!this.nodes.has(edge.from) || !this.nodes.has(edge.to))
      throw new Error(`edge ${edge.kind} ${edge.from} -> ${edge.to}: unknown node`);
    const key = `${edge.from}\u0000${edge.to}\u0000${edge.kind}`;
    if (this.keys.has(key)) {
      const first = this.out.get(edge.from)!.find((e) => e.to === edge.to && e.kind === edge.kind)!;
      for (const s of edge.sources) if (!first.sources.includes(s)) first.sources.push(s);
      return;
    }
    this.keys.add(key);
    const full: GraphEdge = { id: `e${this.edges.length}`, ...edge };
    this.edges.push(full);
    const list = this.out.get(edge.from) ?? [];
    list.push(full);
    this.out.set(edge.from, list);
  }

  private readonly blockedKeys = new Map<string, BlockedEdge>();

  /** Records a refused edge; one example per (from, kind, control), counting the others. */
  addBlocked(edge: BlockedEdge): void {
    const key = `${edge.from}\u0000${edge.kind}\u0000${edge.blockedBy}`;
    const first = this.blockedKeys.get(key);
    if (first) {
      first.count = (first.count ?? 1) + 1;
      return;
    }
    const copy = { ...edge, count: 1 };
    this.blockedKeys.set(key, copy);
    this.blocked.push(copy);
  }

  outgoing(id: string): readonly GraphEdge[] {
    return this.out.get(id) ?? [];
  }
}

/** Node IDs: stable across inputs, so a plan and the live cluster built from it compare equal. */
export const nodeId = {
  group: (name: string) => `group:${name}`,
  user: (name: string) => `user:${name}`,
  serviceAccount: (namespace: string, name: string) => `sa:${namespace}/${name}`,
  podSpec: (namespace: string) => `pod-spec:${namespace}`,
  workload: (namespace: string, kind: string, name: string) => `workload:${namespace}/${kind}/${name}`,
  allRights: (scope: string) => `all-rights:${scope}`,
  nodeHost: () => "node:host",
  nodeImds: () => "node:imds",
  /** Identities by client ID (what AzureIdentity, ServiceAccount annotations and Azure all carry). */
  identity: (key: string) => `identity:${key.toLowerCase()}`,
  scope: (id: string) => `scope:${id.toLowerCase()}`,
};
