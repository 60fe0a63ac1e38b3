/**
 * Issue 15 on a real API server and kube-scheduler: team B's ways onto team A's pool or the system
 * pool, each as the manifest team B's developer creates in its own namespace, the layer that must
 * refuse it on the hardened cluster, and the node it reaches where nothing refuses it (the
 * baseline, whose fake nodes carry the same labels and taints). And the Deployments `TeamWorkload`
 * renders for each team, from a contract built by the platform's own builder.
 */
import * as pulumi from "@pulumi/pulumi";
import { POD_PLACEMENT_POLICY } from "../../../conventions/admission/pod-placement";
import { TEAM_NODE_POOL_POLICY } from "../../../conventions/admission/team-node-pool";
import {
  AKS_POOL_MODE_LABEL,
  PLATFORM_POOL_TAINT_KEYS,
  TEAM_POOL_KEY,
  teamPoolPlacement,
} from "../../../conventions/kubernetes";
import { buildTeamContract, type TeamContract } from "../../../components/team/contract";
import { renderTeamWorkload } from "../../../components/team/workload";
import type { TeamConfig } from "../../../infra/config/types";
import type { Manifest } from "../../../testing/manifests";
import { FAKE_NODES, teamNode } from "./cluster";
import { restrictedPod } from "./pods";

type Spec = Record<string, unknown>;

export interface PoolAttempt {
  attempt: string;
  /** What team B's developer creates in `namespace` (the attacker's own) to reach `victimTeam`. */
  manifest(name: string, namespace: string, victimTeam: string): Manifest;
  /** Where the pod lands when nothing refuses it. */
  reaches: (victimTeam: string) => string;
  /** The admission policies that refuse it on the hardened cluster (any of them). */
  policies: string[];
}

/** A restricted pod of the attacker's namespace, its own pool placement replaced by `spec`. */
function podOff(name: string, namespace: string, spec: Spec): Manifest {
  const pod = restrictedPod(name, namespace, { app: name });
  const podSpec = pod.spec as Spec;
  delete podSpec.nodeSelector;
  delete podSpec.tolerations;
  Object.assign(podSpec, spec);
  return pod;
}

const victimNode = (team: string) => teamNode(team).name;

export const POOL_ATTEMPTS: PoolAttempt[] = [
  {
    attempt: "pod selecting and tolerating team A's pool (nodeSelector + toleration)",
    manifest: (name, ns, victim) => podOff(name, ns, { ...teamPoolPlacement(victim) }),
    reaches: victimNode,
    policies: [TEAM_NODE_POOL_POLICY],
  },
  {
    attempt: `pod with a required node affinity ${TEAM_POOL_KEY} In [team A], tolerating the key (Exists)`,
    manifest: (name, ns, victim) =>
      podOff(name, ns, {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchExpressions: [{ key: TEAM_POOL_KEY, operator: "In", values: [victim] }] },
              ],
            },
          },
        },
        tolerations: [{ key: TEAM_POOL_KEY, operator: "Exists" }],
      }),
    reaches: victimNode,
    policies: [TEAM_NODE_POOL_POLICY],
  },
  {
    attempt: "pod tolerating team A's taint, pinned by kubernetes.io/hostname to team A's node",
    manifest: (name, ns, victim) =>
      podOff(name, ns, {
        nodeSelector: { "kubernetes.io/hostname": victimNode(victim) },
        tolerations: teamPoolPlacement(victim).tolerations,
      }),
    reaches: victimNode,
    policies: [TEAM_NODE_POOL_POLICY],
  },
  {
    attempt: "pod with spec.nodeName of team A's node (skips the scheduler, selectors and taints)",
    manifest: (name, ns, victim) => podOff(name, ns, { nodeName: victimNode(victim) }),
    reaches: victimNode,
    policies: [POD_PLACEMENT_POLICY, TEAM_NODE_POOL_POLICY],
  },
  {
    attempt: "Deployment whose template selects and tolerates team A's pool",
    manifest: (name, ns, victim) => {
      const pod = podOff(name, ns, { ...teamPoolPlacement(victim) });
      return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name, namespace: ns },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: name } },
          template: { metadata: pod.metadata, spec: pod.spec },
        },
      };
    },
    reaches: victimNode,
    policies: [TEAM_NODE_POOL_POLICY],
  },
  {
    attempt: `pod with a required node affinity ${AKS_POOL_MODE_LABEL} In [system], tolerating ${PLATFORM_POOL_TAINT_KEYS[0]}`,
    manifest: (name, ns) =>
      podOff(name, ns, {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchExpressions: [{ key: AKS_POOL_MODE_LABEL, operator: "In", values: ["system"] }] },
              ],
            },
          },
        },
        tolerations: [{ key: PLATFORM_POOL_TAINT_KEYS[0], operator: "Exists" }],
      }),
    reaches: () => FAKE_NODES.system.name,
    policies: [POD_PLACEMENT_POLICY, TEAM_NODE_POOL_POLICY],
  },
];

/** A credential-free kubeconfig (the contract builder refuses one with credentials). */
const CONTRACT_KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster: { server: "https://127.0.0.1:6443" }
users:
- name: team
  user:
    exec: { apiVersion: client.authentication.k8s.io/v1beta1, command: kubelogin, args: [get-token] }
contexts:
- name: e2e
  context: { cluster: e2e, user: team }
current-context: e2e
`;

/**
 * The Deployment `TeamWorkload` renders for `team` (existing mode: its resource group and client
 * IDs are in the config), from the contract `buildTeamContract` makes, as the team's program would
 * get it. The team writes no placement: it comes from the contract's `nodePool`.
 */
export function teamWorkloadDeployment(team: TeamConfig, name: string): Manifest {
  if (!team.resourceGroupId)
    throw new Error(`team ${team.name}: the local stack gives every team resourceGroupId`);
  const data = buildTeamContract(
    {
      name: team.name,
      namespaces: team.namespaces,
      identityMode: team.identityMode,
      resourceGroupId: team.resourceGroupId,
      identities: team.identities.map((i) => ({
        name: i.name,
        namespace: i.namespace,
        serviceAccount: i.serviceAccount,
        clientId: i.existing?.clientId ?? "",
      })),
      ...(team.nodePool ? { nodePool: team.nodePool.name } : {}),
    },
    { server: "https://127.0.0.1:6443", kubeconfig: CONTRACT_KUBECONFIG },
    team.imageRegistries,
  );
  const contract: TeamContract = {
    ...data,
    kubernetes: { ...data.kubernetes, kubeconfig: pulumi.secret(data.kubernetes.kubeconfig) },
  };
  const rendered = renderTeamWorkload(name, {
    contract,
    identity: team.identities[0]?.name,
    image: `${team.imageRegistries[0]}/web:1.0.0`,
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "200m", memory: "256Mi" } },
    probes: { readiness: { path: "/ready" }, liveness: { path: "/healthz" } },
  });
  return { apiVersion: "apps/v1", kind: "Deployment", ...rendered.deployment } as unknown as Manifest;
}
