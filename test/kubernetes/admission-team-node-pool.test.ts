/**
 * Decision table of `aks-hardening-team-node-pool` (issue 15): a team's pods run on its own pool
 * and on no other team's. Team A and team B have dedicated pools, team C shares the user pools.
 */
import { teamNodePoolPolicy, type GuardrailSettings } from "../../conventions/admission";
import { TEAM_POOL_KEY, teamPoolPlacement } from "../../conventions/kubernetes";
import { runDecisionTable } from "./decision-table";
import {
  DEPLOYMENTS,
  IDENTITY_NS,
  PLATFORM_USER,
  PODS,
  RS_CONTROLLER,
  SETTINGS,
  TEAM_A_GROUP,
  TEAM_B_GROUP,
  TEAM_B_USER,
  namespacedRequest,
  pod,
  teamNamespace,
} from "./fixtures";
import type { AdmissionRequestFixture } from "./vap-evaluator";

const TEAM_C_GROUP = "cccccccc-cccc-4ccc-8ccc-cccccccccccc";
const RG_C = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-aks-team-c";

export const POOL_SETTINGS: GuardrailSettings = {
  ...SETTINGS,
  teams: [
    { name: "team-a", groupIds: [TEAM_A_GROUP], namespaces: ["team-a"], dedicatedPool: true },
    { name: "team-b", groupIds: [TEAM_B_GROUP], namespaces: ["team-b"], dedicatedPool: true },
    { name: "team-c", groupIds: [TEAM_C_GROUP], namespaces: ["team-c"] },
  ],
};

const CRONJOBS = { group: "batch", version: "v1", resource: "cronjobs" };
const OWN = teamPoolPlacement("team-b");
const A_POOL = teamPoolPlacement("team-a");

function podWith(ns: string, spec: Record<string, unknown>): Record<string, unknown> {
  const p = pod(ns) as { spec: Record<string, unknown> };
  return { ...p, spec: { ...p.spec, ...spec } };
}

const requiredAffinity = (expressions: Record<string, unknown>[]) => ({
  nodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [{ matchExpressions: expressions }],
    },
  },
});

const teamB = (spec: Record<string, unknown>, who = TEAM_B_USER): AdmissionRequestFixture =>
  namespacedRequest(PODS, "team-b", podWith("team-b", spec), who);
const teamC = (spec: Record<string, unknown>): AdmissionRequestFixture =>
  namespacedRequest(PODS, "team-c", podWith("team-c", spec), TEAM_B_USER, "CREATE", {
    namespaceObject: teamNamespace("team-c", "team-c", RG_C),
  });

function template(kind: "Deployment" | "CronJob", spec: Record<string, unknown>): Record<string, unknown> {
  const p = podWith("team-b", spec) as { metadata: unknown; spec: unknown };
  const podTemplate = { metadata: p.metadata, spec: p.spec };
  return kind === "Deployment"
    ? {
        apiVersion: "apps/v1",
        kind,
        metadata: { name: "web", namespace: "team-b" },
        spec: { template: podTemplate },
      }
    : {
        apiVersion: "batch/v1",
        kind,
        metadata: { name: "nightly", namespace: "team-b" },
        spec: { schedule: "0 1 * * *", jobTemplate: { spec: { template: podTemplate } } },
      };
}

describe("aks-hardening-team-node-pool (issue 15)", () => {
  runDecisionTable(teamNodePoolPolicy(POOL_SETTINGS), [
    {
      name: "a team-B pod on its own pool (what TeamWorkload renders)",
      request: teamB({ ...OWN }),
      expect: "allow",
    },
    {
      name: "a team-B Deployment template on its own pool",
      request: namespacedRequest(DEPLOYMENTS, "team-b", template("Deployment", { ...OWN }), TEAM_B_USER),
      expect: "allow",
    },
    {
      name: "own pool plus a required affinity In [team-b] and an ordinary selector",
      request: teamB({
        nodeSelector: { ...OWN.nodeSelector, "kubernetes.io/os": "linux" },
        tolerations: OWN.tolerations,
        affinity: requiredAffinity([{ key: TEAM_POOL_KEY, operator: "In", values: ["team-b"] }]),
      }),
      expect: "allow",
    },
    {
      name: "a team without a dedicated pool (team C) runs anywhere untainted",
      request: teamC({ nodeSelector: { "kubernetes.io/os": "linux" } }),
      expect: "allow",
    },
    {
      name: "the platform may place a pod of team B on team A's pool",
      request: teamB({ ...A_POOL }, PLATFORM_USER),
      expect: "allow",
    },
    {
      name: "a team-B pod without its pool's selector",
      request: teamB({}),
      expect: "deny",
      messageIncludes: [
        "pods p: team team-b has a dedicated node pool; set nodeSelector aks-hardening.io/team-pool=team-b",
      ],
    },
    {
      name: "the same pod created by the ReplicaSet controller",
      request: namespacedRequest(PODS, "team-b", podWith("team-b", {}), RS_CONTROLLER),
      expect: "deny",
    },
    {
      name: "team B selects and tolerates team A's pool",
      request: teamB({ ...A_POOL }),
      expect: "deny",
      messageIncludes: [
        "nodeSelector aks-hardening.io/team-pool=team-a is not team team-b's pool",
        "tolerations of aks-hardening.io/team-pool (Equal team-a)",
      ],
    },
    {
      name: "own selector, but tolerating team A's taint too",
      request: teamB({
        nodeSelector: OWN.nodeSelector,
        tolerations: [...OWN.tolerations, ...A_POOL.tolerations],
      }),
      expect: "deny",
      messageIncludes: ["(Equal team-a) reach beyond team team-b's pool"],
    },
    {
      name: "own selector, tolerating the pool key with Exists (every team's pool)",
      request: teamB({
        nodeSelector: OWN.nodeSelector,
        tolerations: [{ key: TEAM_POOL_KEY, operator: "Exists" }],
      }),
      expect: "deny",
      messageIncludes: ["(Exists <any>)"],
    },
    {
      name: "own selector, required affinity In [team-a]",
      request: teamB({
        ...OWN,
        affinity: requiredAffinity([{ key: TEAM_POOL_KEY, operator: "In", values: ["team-a"] }]),
      }),
      expect: "deny",
      messageIncludes: ["required node affinity on aks-hardening.io/team-pool (In [team-a])"],
    },
    {
      name: "own selector, required affinity NotIn [team-b]",
      request: teamB({
        ...OWN,
        affinity: requiredAffinity([{ key: TEAM_POOL_KEY, operator: "NotIn", values: ["team-b"] }]),
      }),
      expect: "deny",
      messageIncludes: ["NotIn [team-b]"],
    },
    {
      name: "a team-B pod selecting the system pool",
      request: teamB({ nodeSelector: { "kubernetes.azure.com/mode": "system" } }),
      expect: "deny",
      messageIncludes: ["has a dedicated node pool"],
    },
    {
      name: "team C (no pool) selects team A's pool",
      request: teamC({ nodeSelector: A_POOL.nodeSelector }),
      expect: "deny",
      messageIncludes: ["is not team team-c's pool"],
    },
    {
      name: "team C (no pool) tolerates team A's taint",
      request: teamC({ tolerations: A_POOL.tolerations }),
      expect: "deny",
      messageIncludes: ["reach beyond team team-c's pool"],
    },
    {
      name: "a team-B Deployment template on team A's pool",
      request: namespacedRequest(DEPLOYMENTS, "team-b", template("Deployment", { ...A_POOL }), TEAM_B_USER),
      expect: "deny",
      messageIncludes: ["deployments web: nodeSelector aks-hardening.io/team-pool=team-a"],
    },
    {
      name: "a team-B CronJob template without its pool's selector",
      request: namespacedRequest(CRONJOBS, "team-b", template("CronJob", {}), TEAM_B_USER),
      expect: "deny",
      messageIncludes: ["cronjobs nightly: team team-b has a dedicated node pool"],
    },
    {
      name: "a pod from before the policy (no selector) updated by a controller, tolerations unchanged",
      request: namespacedRequest(PODS, "team-b", podWith("team-b", {}), RS_CONTROLLER, "UPDATE", {
        oldObject: podWith("team-b", {}),
      }),
      expect: "allow",
    },
    {
      name: "an update that adds a toleration of team A's taint to a running pod",
      request: namespacedRequest(
        PODS,
        "team-b",
        podWith("team-b", { ...OWN, tolerations: [...OWN.tolerations, ...A_POOL.tolerations] }),
        TEAM_B_USER,
        "UPDATE",
        {
          oldObject: podWith("team-b", { ...OWN }),
        },
      ),
      expect: "deny",
      messageIncludes: ["(Equal team-a) reach beyond team team-b's pool"],
    },
    {
      name: "an update of a Deployment from before the policy (no selector) is refused until it selects the pool",
      request: namespacedRequest(DEPLOYMENTS, "team-b", template("Deployment", {}), TEAM_B_USER, "UPDATE", {
        oldObject: template("Deployment", {}),
      }),
      expect: "deny",
      messageIncludes: ["has a dedicated node pool"],
    },
    {
      name: "pods outside team namespaces are not judged",
      request: namespacedRequest(PODS, IDENTITY_NS, podWith(IDENTITY_NS, { ...A_POOL }), RS_CONTROLLER),
      expect: "not-matched",
    },
  ]);
});
