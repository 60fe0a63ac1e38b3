/**
 * The one stand-in of the engine suite: the fake nodes have no kubelet, so nothing would ever run
 * the pods the real scheduler binds to them, and the Kubernetes provider waits for DaemonSets and
 * Deployments to become available before `pulumi up` ends. This loop does the kubelet's last step
 * only: a pod bound to a node is reported Running and Ready through `pods/status` (as a platform
 * principal), and a pod being deleted is removed once its grace period would have let the
 * containers stop (the kubelet's final delete with grace 0). Admission, scheduling, garbage
 * collection and the workload controllers stay the real ones.
 */
import type { KubeClient } from "../../e2e/support/client";

export interface FakeKubelet {
  stop(): void;
  /**
   * Stops reporting pods Running (and removing deleted ones) until `resume()`, as if every node's
   * kubelet hung: a DaemonSet's pods stay Pending, so the provider's await on it blocks the update.
   * Resolves once a round already under way has finished, so nothing is reported after it.
   */
  pause(): Promise<void>;
  resume(): void;
}

interface PodItem {
  metadata: { name: string; namespace: string; deletionTimestamp?: string };
  spec: { nodeName?: string; containers: { name: string; image: string }[] };
  status?: { phase?: string };
}

export function startFakeKubelet(admin: KubeClient, intervalMs = 500): FakeKubelet {
  let stopped = false;
  let assigned = 0;
  let paused = false;
  let round: Promise<void> = Promise.resolve();
  const tick = async () => {
    const list = await admin.request("GET", "/api/v1/pods");
    const bound = ((list.body?.items as PodItem[] | undefined) ?? []).filter((p) => p.spec.nodeName);
    for (const pod of bound.filter((p) => p.metadata.deletionTimestamp)) {
      await admin.request(
        "DELETE",
        `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`,
        {
          body: { kind: "DeleteOptions", apiVersion: "v1", gracePeriodSeconds: 0 },
        },
      );
    }
    const pods = bound.filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== "Running");
    const now = new Date().toISOString();
    for (const pod of pods) {
      // An address, as a CNI would give it: the endpoints controller lists only pods that have one,
      // and the provider waits for a Service's endpoints.
      const podIP = `10.244.${Math.floor(assigned / 250) % 250}.${(assigned % 250) + 1}`;
      assigned += 1;
      const condition = (type: string) => ({ type, status: "True", lastTransitionTime: now });
      await admin.request(
        "PATCH",
        `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/status`,
        {
          contentType: "application/merge-patch+json",
          body: {
            status: {
              phase: "Running",
              startTime: now,
              podIP,
              podIPs: [{ ip: podIP }],
              conditions: ["PodScheduled", "Initialized", "ContainersReady", "Ready"].map(condition),
              containerStatuses: pod.spec.containers.map((c) => ({
                name: c.name,
                image: c.image,
                imageID: "",
                ready: true,
                started: true,
                restartCount: 0,
                state: { running: { startedAt: now } },
              })),
            },
          },
        },
      );
    }
  };
  const loop = async () => {
    while (!stopped) {
      if (!paused) {
        round = tick().catch(() => undefined); // the API server may be going away at teardown
        await round;
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  };
  void loop();
  return {
    stop() {
      stopped = true;
    },
    async pause() {
      paused = true;
      await round;
    },
    resume() {
      paused = false;
    },
  };
}
