/**
 * Pods for the attacks. Each starts from one that satisfies Pod Security `restricted`, so that a
 * refusal can only come from the single thing the attack changes (the label, privileged, ...).
 */
import { teamPoolPlacement } from "../../../conventions/kubernetes";
import type { BlueprintConfig } from "../../../infra/config/types";
import type { Manifest } from "../../../testing/manifests";

export const ATTACK_IMAGE = "registry.k8s.io/pause:3.10";

/** Namespace -> the team whose dedicated pool its pods must select (issue 15). */
const poolTeams = new Map<string, string>();

/**
 * Records which namespaces belong to a team with a dedicated pool, so that every attack pod there
 * starts on its own team's pool (as TeamWorkload renders it) and a refusal comes from the one thing
 * the attack changes, not from a missing pool selector.
 */
export function usePoolPlacements(config: BlueprintConfig): void {
  for (const team of config.teams)
    if (team.nodePool) for (const ns of team.namespaces) poolTeams.set(ns, team.name);
}

/** The node selector and toleration a pod in `namespace` needs for its team's pool (or none). */
export function poolPlacementFor(
  namespace: string,
): ReturnType<typeof teamPoolPlacement> | Record<string, never> {
  const team = poolTeams.get(namespace);
  return team ? teamPoolPlacement(team) : {};
}

export function restrictedPod(
  name: string,
  namespace: string,
  labels: Record<string, string> = {},
  image = ATTACK_IMAGE,
): Manifest {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace, labels },
    spec: {
      ...poolPlacementFor(namespace),
      securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: "RuntimeDefault" } },
      containers: [
        {
          name: "main",
          image,
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
        },
      ],
    },
  };
}

type Spec = { hostNetwork?: boolean; containers: { securityContext: Record<string, unknown> }[] };

/** The restricted pod with one change applied to its spec. */
export function mutatedPod(name: string, namespace: string, change: (spec: Spec) => void): Manifest {
  const pod = restrictedPod(name, namespace);
  change(pod.spec as Spec);
  return pod;
}

/** S4: the four ways a pod gets at other pods' traffic to NMI. */
export const HOST_ACCESS_PODS: { attempt: string; name: string; change: (spec: Spec) => void }[] = [
  {
    attempt: "privileged container",
    name: "sniff-privileged",
    // The API server itself rejects privileged + allowPrivilegeEscalation=false as invalid, so the
    // privileged variant must also allow escalation (which is what privileged means anyway).
    change: (s) =>
      Object.assign(s.containers[0].securityContext, { privileged: true, allowPrivilegeEscalation: true }),
  },
  { attempt: "hostNetwork pod", name: "sniff-hostnetwork", change: (s) => (s.hostNetwork = true) },
  {
    attempt: "NET_ADMIN capability",
    name: "sniff-netadmin",
    change: (s) => (s.containers[0].securityContext.capabilities = { drop: ["ALL"], add: ["NET_ADMIN"] }),
  },
  {
    attempt: "NET_RAW capability",
    name: "sniff-netraw",
    change: (s) => (s.containers[0].securityContext.capabilities = { drop: ["ALL"], add: ["NET_RAW"] }),
  },
];
