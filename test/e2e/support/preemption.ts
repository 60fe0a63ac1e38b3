/**
 * Scheduling facts read back from a real kube-scheduler: which pod runs on a node, whether the
 * scheduler preempted it, and whether it gave up on a pod. No kubelet runs, so a preempted pod
 * keeps its deletionTimestamp and its `DisruptionTarget` condition (reason `PreemptionByScheduler`)
 * instead of disappearing, which is exactly the evidence needed.
 */
import type { KubeClient } from "./client";
import { poolPlacementFor } from "./pods";

export interface PodState {
  name: string;
  nodeName?: string;
  priority?: number;
  priorityClassName?: string;
  deletionTimestamp?: string;
  conditions: { type: string; status: string; reason?: string; message?: string }[];
}

function stateOf(item: Record<string, unknown>): PodState {
  const metadata = item.metadata as { name: string; deletionTimestamp?: string };
  const spec = item.spec as { nodeName?: string; priority?: number; priorityClassName?: string };
  const status = item.status as { conditions?: PodState["conditions"] } | undefined;
  return {
    name: metadata.name,
    nodeName: spec.nodeName,
    priority: spec.priority,
    priorityClassName: spec.priorityClassName,
    deletionTimestamp: metadata.deletionTimestamp,
    conditions: status?.conditions ?? [],
  };
}

export async function podsOf(
  admin: KubeClient,
  namespace: string,
  labelSelector: string,
): Promise<PodState[]> {
  const res = await admin.request("GET", `/api/v1/namespaces/${namespace}/pods`, {
    query: { labelSelector },
  });
  if (res.status !== 200)
    throw new Error(`list pods ${namespace} ${labelSelector}: ${res.status} ${res.text}`);
  return ((res.body?.items as Record<string, unknown>[]) ?? []).map(stateOf);
}

export async function podState(admin: KubeClient, namespace: string, name: string): Promise<PodState> {
  const res = await admin.request("GET", `/api/v1/namespaces/${namespace}/pods/${name}`);
  if (res.status !== 200) throw new Error(`get pod ${namespace}/${name}: ${res.status} ${res.text}`);
  return stateOf(res.body as Record<string, unknown>);
}

/** Polls `probe` until it returns a value (not `undefined`), or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The scheduler preempted the pod (it marks victims before deleting them). */
export function preempted(pod: PodState): boolean {
  return (
    pod.deletionTimestamp !== undefined ||
    pod.conditions.some((c) => c.type === "DisruptionTarget" && c.reason === "PreemptionByScheduler")
  );
}

/** The scheduler tried and gave up on the pod (no node fits, preemption found no victims). */
export function unschedulable(pod: PodState): string | undefined {
  const c = pod.conditions.find((x) => x.type === "PodScheduled" && x.status === "False");
  return c?.reason === "Unschedulable" ? (c.message ?? "") : undefined;
}

/** A pod pinned to `node` that needs the node's whole CPU: it fits only if everything else goes. */
export function nodeFillingPod(
  name: string,
  namespace: string,
  node: string,
  cpu: string,
  extra: Record<string, unknown>,
): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace },
    spec: {
      // On its own team's pool (the node must be one of them): the pod's one deviation is its priority.
      ...poolPlacementFor(namespace),
      nodeSelector: { ...(poolPlacementFor(namespace).nodeSelector ?? {}), "kubernetes.io/hostname": node },
      securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: "RuntimeDefault" } },
      containers: [
        {
          name: "main",
          image: "registry.k8s.io/pause:3.10",
          resources: { requests: { cpu, memory: "1Gi" }, limits: { cpu, memory: "1Gi" } },
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
        },
      ],
      ...extra,
    },
  };
}
