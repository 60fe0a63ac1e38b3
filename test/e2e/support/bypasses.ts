/**
 * The six bypasses an independent attack run found on a real API server (issue 13), each as
 * concrete requests by a team-B principal (or, for the client-ID mix-up, a platform mistake), with
 * the layer that must refuse it on the hardened cluster; every one succeeds on the baseline.
 */
import { AZURE_IDENTITY_APPROVED_PAIR_POLICY } from "../../../conventions/admission/azure-identity-approved-pair";
import { NAMESPACE_POD_SECURITY_POLICY } from "../../../conventions/admission/namespace-pod-security";
import { NAMESPACE_TRUST_ANCHORS_POLICY } from "../../../conventions/admission/namespace-trust-anchors";
import { POD_BINDING_POLICY } from "../../../conventions/admission/pod-binding";
import { POD_IDENTITY_LABEL_POLICY } from "../../../conventions/admission/pod-identity-label";
import { POD_PLACEMENT_POLICY } from "../../../conventions/admission/pod-placement";
import { SERVICE_EXTERNAL_IPS_POLICY } from "../../../conventions/admission/service-external-ips";
import { STATUS_WRITERS_POLICY } from "../../../conventions/admission/status-writers";
import { TEAM_NODE_POOL_POLICY } from "../../../conventions/admission/team-node-pool";
import {
  AAD_POD_IDENTITY_GROUP,
  NMI_PRIORITY_CLASS,
  PLATFORM_POOL_TAINT_KEYS,
  POD_IDENTITY_LABEL,
  RESOURCE_GROUP_ANNOTATION,
  USER_ASSIGNED_IDENTITY_PATH,
  podSecurityLabels,
} from "../../../conventions/kubernetes";
import { SYSTEM_PRIORITY_QUOTA } from "../../../components/kubernetes/team-namespace";
import type { Manifest } from "../../../testing/manifests";
import type { ApiResponse, KubeClient } from "./client";
import { FAKE_NODES } from "./cluster";
import { restrictedPod } from "./pods";
import { byPolicy, client, type Attempt } from "./scenarios";

let serial = 0;
/** A fresh name per call: each attempt runs once per cluster, and some create a helper first. */
const fresh = (prefix: string) => `${prefix}-${++serial}`;

function podWith(name: string, namespace: string, spec: Record<string, unknown>): Manifest {
  const pod = restrictedPod(name, namespace);
  Object.assign(pod.spec as Record<string, unknown>, spec);
  return pod;
}

/** Creates a helper pod as `who` (must succeed on both clusters), then runs `then` on it. */
async function withPod(
  who: KubeClient,
  pod: Manifest,
  then: (path: string) => Promise<ApiResponse>,
): Promise<ApiResponse> {
  const created = await who.create(pod);
  if (created.status >= 300)
    throw new Error(`helper pod ${pod.metadata.name}: ${created.status} ${created.text}`);
  return then(await who.pathOf("v1", "Pod", pod.metadata.namespace, pod.metadata.name));
}

/** Reads a namespace, changes its metadata, and PUTs it to `subresource` (as `kubectl replace --raw`). */
async function rewriteNamespace(
  who: KubeClient,
  namespace: string,
  subresource: "status" | "finalize",
  change: (metadata: { labels?: Record<string, string>; annotations?: Record<string, string> }) => void,
): Promise<ApiResponse> {
  const current = await who.request("GET", `/api/v1/namespaces/${namespace}`);
  if (current.status !== 200) return current;
  const object = current.body as {
    metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
  };
  change(object.metadata);
  return who.request("PUT", `/api/v1/namespaces/${namespace}/${subresource}`, { body: object });
}

const mergePatch = (who: KubeClient, path: string, body: unknown) =>
  who.request("PATCH", path, { body, contentType: "application/merge-patch+json" });

/** Every issue-13 attempt, in the order of the summary table. */
export function bypassAttempts(): Attempt[] {
  return [
    {
      scenario: "S4",
      route: "13.1 NMI",
      actor: "developer",
      attempt: `pod at priorityClassName ${NMI_PRIORITY_CLASS} in own namespace (preempts NMI)`,
      run: (t, f) =>
        t.developer.create(
          podWith(fresh("b1-critical"), f.attackerNamespace, { priorityClassName: NMI_PRIORITY_CLASS }),
        ),
      hardened: byPolicy(POD_PLACEMENT_POLICY),
      baseline: "allowed",
    },
    {
      scenario: "S4",
      route: "13.1 NMI",
      actor: "platform",
      attempt: `platform's pod at ${NMI_PRIORITY_CLASS} in a team namespace (past the policy: quota layer)`,
      run: (t, f) =>
        client(t, "platform").create(
          podWith(fresh("b1-platform-critical"), f.attackerNamespace, {
            priorityClassName: NMI_PRIORITY_CLASS,
          }),
        ),
      hardened: { refusedBy: "quota", quota: SYSTEM_PRIORITY_QUOTA },
      baseline: "allowed",
    },
    {
      scenario: "S3",
      route: "13.2 clientID",
      actor: "platform",
      attempt: "AzureIdentity with own resourceID and the victim's clientID",
      run: (t, f) =>
        client(t, "platform").create({
          apiVersion: `${AAD_POD_IDENTITY_GROUP}/v1`,
          kind: "AzureIdentity",
          metadata: { name: fresh("b2-mixed"), namespace: f.attackerNamespace },
          spec: {
            type: 0,
            resourceID: `${f.attackerResourceGroupId}${USER_ASSIGNED_IDENTITY_PATH}forged`,
            clientID: f.clientId,
          },
        } as Manifest),
      hardened: byPolicy(AZURE_IDENTITY_APPROVED_PAIR_POLICY),
      baseline: "allowed",
    },
    {
      scenario: "S4",
      route: "13.3 ns subresource",
      actor: "namespace-owner",
      attempt: "PUT namespaces/<own>/finalize with PSA set to privileged",
      run: (t, f) =>
        rewriteNamespace(client(t, "namespace-owner"), f.attackerNamespace, "finalize", (m) => {
          m.labels = { ...m.labels, ...podSecurityLabels("privileged", "latest") };
        }),
      hardened: byPolicy(NAMESPACE_TRUST_ANCHORS_POLICY, NAMESPACE_POD_SECURITY_POLICY),
      baseline: "allowed",
    },
    {
      scenario: "S3",
      route: "13.3 ns subresource",
      actor: "namespace-owner",
      attempt: "PUT namespaces/<own>/status with the victim's resource-group annotation",
      run: (t, f) =>
        rewriteNamespace(client(t, "namespace-owner"), f.attackerNamespace, "status", (m) => {
          m.annotations = {
            ...m.annotations,
            [RESOURCE_GROUP_ANNOTATION]: f.resourceId.split("/providers/")[0],
          };
        }),
      hardened: byPolicy(NAMESPACE_TRUST_ANCHORS_POLICY),
      baseline: "allowed",
    },
    {
      scenario: "S4",
      route: "13.4 externalIPs",
      actor: "developer",
      attempt: "Service with externalIPs 10.0.0.10 (the cluster DNS address)",
      run: (t, f) =>
        t.developer.create({
          apiVersion: "v1",
          kind: "Service",
          metadata: { name: fresh("b4-dns"), namespace: f.attackerNamespace },
          spec: { ports: [{ port: 53, protocol: "UDP" }], externalIPs: ["10.0.0.10"] },
        } as Manifest),
      hardened: byPolicy(SERVICE_EXTERNAL_IPS_POLICY),
      baseline: "allowed",
    },
    {
      scenario: "S4",
      route: "13.5 system pool",
      actor: "developer",
      attempt: `pod tolerating ${PLATFORM_POOL_TAINT_KEYS[0]}, selecting the system pool`,
      run: (t, f) =>
        t.developer.create(
          podWith(fresh("b5-tolerate"), f.attackerNamespace, {
            tolerations: [{ key: PLATFORM_POOL_TAINT_KEYS[0], operator: "Exists" }],
            nodeSelector: { "kubernetes.azure.com/mode": "system" },
          }),
        ),
      // Team B has its own pool now: leaving it for the system pool is refused by both.
      hardened: byPolicy(POD_PLACEMENT_POLICY, TEAM_NODE_POOL_POLICY),
      baseline: "allowed",
    },
    {
      scenario: "S4",
      route: "13.5 system pool",
      actor: "developer",
      attempt: "pod with spec.nodeName of the system-pool node",
      run: (t, f) =>
        t.developer.create(
          podWith(fresh("b5-nodename"), f.attackerNamespace, { nodeName: FAKE_NODES.system.name }),
        ),
      hardened: byPolicy(POD_PLACEMENT_POLICY),
      baseline: "allowed",
    },
    {
      scenario: "S4",
      route: "13.5 system pool",
      actor: "namespace-owner",
      attempt: "pods/binding of an own unscheduled pod to the system-pool node",
      run: (t, f) => {
        const who = client(t, "namespace-owner");
        const name = fresh("b5-bind");
        // schedulerName no scheduler answers to: the pod stays unbound for the attacker to bind.
        return withPod(who, podWith(name, f.attackerNamespace, { schedulerName: "nobody" }), (path) =>
          who.request("POST", `${path}/binding`, {
            body: {
              apiVersion: "v1",
              kind: "Binding",
              metadata: { name, namespace: f.attackerNamespace },
              target: { apiVersion: "v1", kind: "Node", name: FAKE_NODES.system.name },
            },
          }),
        );
      },
      hardened: byPolicy(POD_BINDING_POLICY),
      baseline: "allowed",
    },
    {
      scenario: "S1",
      route: "13.6 pods/status",
      actor: "namespace-owner",
      attempt: "pods/status sets an own pod's podIP to another pod's IP",
      run: (t, f) => {
        const who = client(t, "namespace-owner");
        return withPod(who, restrictedPod(fresh("b6-ip"), f.attackerNamespace), (path) =>
          mergePatch(who, `${path}/status`, {
            status: { podIP: "10.244.1.7", podIPs: [{ ip: "10.244.1.7" }] },
          }),
        );
      },
      hardened: byPolicy(STATUS_WRITERS_POLICY),
      baseline: "allowed",
    },
    {
      scenario: "S1",
      route: "13.6 pods/status",
      actor: "namespace-owner",
      attempt: "pods/status puts the victim's aadpodidbinding label on an own pod",
      run: (t, f) => {
        const who = client(t, "namespace-owner");
        return withPod(who, restrictedPod(fresh("b6-label"), f.attackerNamespace), (path) =>
          mergePatch(who, `${path}/status`, { metadata: { labels: { [POD_IDENTITY_LABEL]: f.selector } } }),
        );
      },
      hardened: byPolicy(STATUS_WRITERS_POLICY, POD_IDENTITY_LABEL_POLICY),
      baseline: "allowed",
    },
  ];
}
