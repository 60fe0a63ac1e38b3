/**
 * Decision tables of the guardrails that close the bypasses found on a real API server (issue 13):
 * system priority classes, platform-pool tolerations and nodeName in team namespaces, pod
 * bindings, status writers, Service externalIPs, approved clientID/resourceID pairs, and the
 * namespace and pod subresources the existing policies now judge.
 */
import {
  azureIdentityApprovedPairPolicy,
  namespacePodSecurityPolicy,
  namespaceTrustAnchorsPolicy,
  podBindingPolicy,
  podIdentityLabelPolicy,
  podPlacementPolicy,
  serviceExternalIpsPolicy,
  statusWritersPolicy,
} from "../../conventions/admission";
import {
  APPROVED_IDENTITIES_ANNOTATION,
  RESOURCE_GROUP_ANNOTATION,
  SCHEDULER_USER,
  podSecurityLabels,
} from "../../conventions/kubernetes";
import { runDecisionTable } from "./decision-table";
import {
  AZURE_IDENTITIES,
  DEPLOYMENTS,
  IDENTITY_NS,
  NAMESPACES_RESOURCE,
  PLATFORM_USER,
  PODS,
  RG_A,
  RG_B,
  RS_CONTROLLER,
  SETTINGS,
  TEAM_B_USER,
  azureIdentity,
  namespace,
  namespacedRequest,
  pod,
  teamNamespace,
  uami,
  type Who,
} from "./fixtures";
import type { AdmissionRequestFixture } from "./vap-evaluator";

const SERVICES = { group: "", version: "v1", resource: "services" };
const NODE_USER: Who = {
  username: "system:node:aks-user-0",
  groups: ["system:nodes", "system:authenticated"],
};
const TEAM_B_POD_SA: Who = {
  username: "system:serviceaccount:team-b:web",
  groups: ["system:serviceaccounts", "system:serviceaccounts:team-b"],
};
const SCHEDULER: Who = { username: SCHEDULER_USER, groups: ["system:authenticated"] };

function podWith(ns: string, spec: Record<string, unknown>): Record<string, unknown> {
  const p = pod(ns) as { spec: Record<string, unknown> };
  return { ...p, spec: { ...p.spec, ...spec } };
}

function deploymentWith(ns: string, spec: Record<string, unknown>): Record<string, unknown> {
  const p = podWith(ns, spec) as { metadata: unknown; spec: unknown };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: ns },
    spec: { template: { metadata: p.metadata, spec: p.spec } },
  };
}

describe("aks-hardening-team-pod-placement (issue 13: NMI preemption, system pool)", () => {
  const critical = { priorityClassName: "system-node-critical", priority: 2000001000 };
  runDecisionTable(podPlacementPolicy(SETTINGS), [
    {
      name: "a plain team pod",
      request: namespacedRequest(PODS, "team-b", pod("team-b"), TEAM_B_USER),
      expect: "allow",
    },
    {
      name: "a team pod with a user-defined priority class",
      request: namespacedRequest(
        PODS,
        "team-b",
        podWith("team-b", { priorityClassName: "team-high", priority: 1000 }),
        TEAM_B_USER,
      ),
      expect: "allow",
    },
    {
      name: "a team pod tolerating an ordinary taint",
      request: namespacedRequest(
        PODS,
        "team-b",
        podWith("team-b", { tolerations: [{ key: "gpu", operator: "Exists" }] }),
        TEAM_B_USER,
      ),
      expect: "allow",
    },
    {
      name: "the scheduler-set nodeName kept on a later update",
      request: namespacedRequest(
        PODS,
        "team-b",
        podWith("team-b", { nodeName: "aks-user-0" }),
        TEAM_B_USER,
        "UPDATE",
        { oldObject: podWith("team-b", { nodeName: "aks-user-0" }) },
      ),
      expect: "allow",
    },
    {
      name: "platform may use a system priority class in a team namespace",
      request: namespacedRequest(PODS, "team-b", podWith("team-b", critical), PLATFORM_USER),
      expect: "allow",
    },
    {
      name: "issue 13 #1: team pod at system-node-critical",
      request: namespacedRequest(PODS, "team-b", podWith("team-b", critical), TEAM_B_USER),
      expect: "deny",
      messageIncludes: [
        'priority class "system-node-critical" (priority 2000001000) is reserved to the platform',
      ],
    },
    {
      name: "issue 13 #1: the same pod created by the ReplicaSet controller",
      request: namespacedRequest(PODS, "team-b", podWith("team-b", critical), RS_CONTROLLER),
      expect: "deny",
    },
    {
      name: "issue 13 #1: a Deployment template at system-cluster-critical",
      request: namespacedRequest(
        DEPLOYMENTS,
        "team-b",
        deploymentWith("team-b", { priorityClassName: "system-cluster-critical" }),
        TEAM_B_USER,
      ),
      expect: "deny",
      messageIncludes: ['deployments web: priority class "system-cluster-critical"'],
    },
    {
      name: "issue 13 #5: team pod tolerating CriticalAddonsOnly",
      request: namespacedRequest(
        PODS,
        "team-b",
        podWith("team-b", { tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists" }] }),
        TEAM_B_USER,
      ),
      expect: "deny",
      messageIncludes: ["tolerations of CriticalAddonsOnly are reserved to the platform"],
    },
    {
      name: "issue 13 #5: team pod tolerating every taint (empty key, Exists)",
      request: namespacedRequest(
        PODS,
        "team-b",
        podWith("team-b", { tolerations: [{ operator: "Exists" }] }),
        TEAM_B_USER,
      ),
      expect: "deny",
      messageIncludes: ["<every taint>"],
    },
    {
      name: "issue 13 #5: team pod naming a node",
      request: namespacedRequest(
        PODS,
        "team-b",
        podWith("team-b", { nodeName: "aks-system-0" }),
        TEAM_B_USER,
      ),
      expect: "deny",
      messageIncludes: ['spec.nodeName "aks-system-0" is reserved'],
    },
    {
      name: "pods outside team namespaces are not judged",
      request: namespacedRequest(PODS, IDENTITY_NS, podWith(IDENTITY_NS, critical), RS_CONTROLLER),
      expect: "not-matched",
    },
  ]);
});

describe("aks-hardening-team-pod-placement with an extra reserved pool (issue 15's extension point)", () => {
  runDecisionTable(podPlacementPolicy(SETTINGS, ["CriticalAddonsOnly", "aks-hardening.io/pool"]), [
    {
      name: "a toleration of the extra reserved taint key",
      request: namespacedRequest(
        PODS,
        "team-b",
        podWith("team-b", {
          tolerations: [{ key: "aks-hardening.io/pool", value: "team-a", effect: "NoSchedule" }],
        }),
        TEAM_B_USER,
      ),
      expect: "deny",
      messageIncludes: ["tolerations of aks-hardening.io/pool"],
    },
  ]);
});

describe("aks-hardening-pod-binding-scheduler-only (issue 13 #5 via pods/binding)", () => {
  const binding = (node: string) => ({
    apiVersion: "v1",
    kind: "Binding",
    metadata: { name: "web", namespace: "team-b" },
    target: { apiVersion: "v1", kind: "Node", name: node },
  });
  const bind = (who: Who): AdmissionRequestFixture =>
    namespacedRequest(PODS, "team-b", binding("aks-system-0"), who, "CREATE", { subResource: "binding" });
  runDecisionTable(podBindingPolicy(SETTINGS), [
    { name: "kube-scheduler binds a pod", request: bind(SCHEDULER), expect: "allow" },
    { name: "a platform principal binds a pod", request: bind(PLATFORM_USER), expect: "allow" },
    {
      name: "a team principal binds its pod to a system-pool node",
      request: bind(TEAM_B_USER),
      expect: "deny",
      messageIncludes: ["dev-b@example.com may not bind pod web to node aks-system-0"],
    },
    {
      name: "the legacy bindings resource",
      request: namespacedRequest(
        { group: "", version: "v1", resource: "bindings" },
        "team-b",
        binding("aks-system-0"),
        TEAM_B_USER,
      ),
      expect: "deny",
    },
  ]);
});

describe("aks-hardening-status-writers (issue 13 #6, CVE-2020-8554 load-balancer IPs)", () => {
  const status = (resource: typeof PODS, who: Who): AdmissionRequestFixture =>
    namespacedRequest(resource, "team-b", pod("team-b"), who, "UPDATE", {
      subResource: "status",
      oldObject: pod("team-b"),
    });
  runDecisionTable(statusWritersPolicy(SETTINGS), [
    { name: "a kubelet writes pod status", request: status(PODS, NODE_USER), expect: "allow" },
    { name: "kube-scheduler writes pod conditions", request: status(PODS, SCHEDULER), expect: "allow" },
    {
      name: "a kube-system controller writes pod status",
      request: status(PODS, RS_CONTROLLER),
      expect: "allow",
    },
    {
      name: "a platform principal writes service status",
      request: status(SERVICES, PLATFORM_USER),
      expect: "allow",
    },
    {
      name: "issue 13 #6: a team principal writes pods/status",
      request: status(PODS, TEAM_B_USER),
      expect: "deny",
      messageIncludes: ["dev-b@example.com may not write pods/status of team-b/p"],
    },
    {
      name: "issue 13 #6: a team pod's service account writes pods/status",
      request: status(PODS, TEAM_B_POD_SA),
      expect: "deny",
    },
    {
      name: "a team principal writes services/status",
      request: status(SERVICES, TEAM_B_USER),
      expect: "deny",
    },
    {
      name: "the main resource is not judged",
      request: namespacedRequest(PODS, "team-b", pod("team-b"), TEAM_B_USER, "UPDATE", {
        oldObject: pod("team-b"),
      }),
      expect: "not-matched",
    },
  ]);
});

describe("aks-hardening-service-external-ips (issue 13 #4, CVE-2020-8554)", () => {
  const service = (externalIPs?: string[]) => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "dns", namespace: "team-b" },
    spec: { ports: [{ port: 53 }], ...(externalIPs ? { externalIPs } : {}) },
  });
  runDecisionTable(serviceExternalIpsPolicy(SETTINGS), [
    {
      name: "a team Service without externalIPs",
      request: namespacedRequest(SERVICES, "team-b", service(), TEAM_B_USER),
      expect: "allow",
    },
    {
      name: "a platform principal sets externalIPs",
      request: namespacedRequest(SERVICES, "team-b", service(["10.0.0.10"]), PLATFORM_USER),
      expect: "allow",
    },
    {
      name: "an unchanged list on update (e.g. a label change)",
      request: namespacedRequest(SERVICES, "team-b", service(["10.0.0.10"]), TEAM_B_USER, "UPDATE", {
        oldObject: service(["10.0.0.10"]),
      }),
      expect: "allow",
    },
    {
      name: "issue 13 #4: a team Service capturing the cluster DNS address",
      request: namespacedRequest(SERVICES, "team-b", service(["10.0.0.10"]), TEAM_B_USER),
      expect: "deny",
      messageIncludes: ["Service dns: spec.externalIPs 10.0.0.10 may be set by platform principals only"],
    },
    {
      name: "issue 13 #4: externalIPs added on update",
      request: namespacedRequest(SERVICES, "team-b", service(["10.0.0.10"]), TEAM_B_USER, "UPDATE", {
        oldObject: service(),
      }),
      expect: "deny",
    },
  ]);
});

describe("aks-hardening-azure-identity-approved-pair (issue 13 #2)", () => {
  const CLIENT_A = "aaaaaaaa-0000-4000-8000-00000000000a";
  const CLIENT_B = "bbbbbbbb-0000-4000-8000-00000000000b";
  const ownB = uami(RG_B, "id-team-b-api");
  const withPairs = (ns: string, team: string, rg: string, pairs: string) => {
    const n = teamNamespace(ns, team, rg) as { metadata: { annotations: Record<string, string> } };
    n.metadata.annotations[APPROVED_IDENTITIES_ANNOTATION] = pairs;
    return n;
  };
  const request = (spec: Record<string, unknown>, ns: Record<string, unknown>): AdmissionRequestFixture =>
    namespacedRequest(AZURE_IDENTITIES, "team-b", azureIdentity("team-b", spec), PLATFORM_USER, "CREATE", {
      namespaceObject: ns,
    });
  const teamB = withPairs("team-b", "team-b", RG_B, `${CLIENT_B}=${ownB}`);
  runDecisionTable(azureIdentityApprovedPairPolicy(), [
    {
      name: "the approved pair, as the blueprint writes it",
      request: request({ type: 0, clientID: CLIENT_B, resourceID: ownB }, teamB),
      expect: "allow",
    },
    {
      name: "the approved pair in other letter case",
      request: request({ type: 0, clientID: CLIENT_B.toUpperCase(), resourceID: ownB.toLowerCase() }, teamB),
      expect: "allow",
    },
    {
      name: "one of several approved pairs",
      request: request(
        { type: 0, clientID: CLIENT_B, resourceID: ownB },
        withPairs(
          "team-b",
          "team-b",
          RG_B,
          `${CLIENT_A.replace("a", "c")}=${uami(RG_B, "other")},${CLIENT_B}=${ownB}`,
        ),
      ),
      expect: "allow",
    },
    {
      name: "issue 13 #2: own resourceID, another team's clientID",
      request: request({ type: 0, clientID: CLIENT_A, resourceID: ownB }, teamB),
      expect: "deny",
      messageIncludes: [
        `clientID=resourceID "${CLIENT_A}=${ownB.toLowerCase()}" is not approved for namespace team-b`,
      ],
    },
    {
      name: "a namespace without approved identities holds none",
      request: request(
        { type: 0, clientID: CLIENT_B, resourceID: ownB },
        teamNamespace("team-b", "team-b", RG_B),
      ),
      expect: "deny",
    },
    {
      name: "a pair of another namespace",
      request: request({ type: 0, clientID: CLIENT_A, resourceID: uami(RG_A, "id-team-a-app") }, teamB),
      expect: "deny",
    },
  ]);
});

describe("namespace and pod subresources are judged by the kind's policies (issue 13 #3, #6)", () => {
  const teamB = teamNamespace("team-b", "team-b", RG_B);
  const relaxed = namespace(
    "team-b",
    { ...podSecurityLabels("privileged", "v1.33"), "aks-hardening.io/team": "team-b" },
    { [RESOURCE_GROUP_ANNOTATION]: RG_B },
  );
  const stolenGroup = namespace(
    "team-b",
    { ...podSecurityLabels("restricted", "v1.33"), "aks-hardening.io/team": "team-b" },
    { [RESOURCE_GROUP_ANNOTATION]: RG_A },
  );
  const nsSub = (object: Record<string, unknown>, subResource: string): AdmissionRequestFixture => ({
    operation: "UPDATE",
    resource: NAMESPACES_RESOURCE,
    subResource,
    namespace: "",
    userInfo: TEAM_B_USER,
    object,
    oldObject: teamB,
    namespaceObject: null,
  });
  describe("trust anchors", () => {
    runDecisionTable(namespaceTrustAnchorsPolicy(SETTINGS), [
      {
        name: "namespaces/finalize unchanged (the namespace controller)",
        request: nsSub(teamB, "finalize"),
        expect: "allow",
      },
      {
        name: "issue 13 #3: PSA relaxed through namespaces/finalize",
        request: nsSub(relaxed, "finalize"),
        expect: "deny",
        messageIncludes: ["pod-security.kubernetes.io/enforce"],
      },
      {
        name: "issue 13 #3: resource group swapped through namespaces/status",
        request: nsSub(stolenGroup, "status"),
        expect: "deny",
        messageIncludes: [RESOURCE_GROUP_ANNOTATION],
      },
      {
        name: "approved identities changed through namespaces/status",
        request: nsSub(
          namespace("team-b", (teamB as { metadata: { labels: Record<string, string> } }).metadata.labels, {
            [RESOURCE_GROUP_ANNOTATION]: RG_B,
            [APPROVED_IDENTITIES_ANNOTATION]: "x=y",
          }),
          "status",
        ),
        expect: "deny",
      },
    ]);
  });
  describe("pod security labels", () => {
    runDecisionTable(namespacePodSecurityPolicy(SETTINGS), [
      {
        name: "namespaces/status of a restricted team namespace",
        request: nsSub(teamB, "status"),
        expect: "allow",
      },
      {
        name: "issue 13 #3: privileged through namespaces/finalize",
        request: nsSub(relaxed, "finalize"),
        expect: "deny",
      },
    ]);
  });
  describe("pod identity label", () => {
    runDecisionTable(podIdentityLabelPolicy(), [
      {
        name: "issue 13 #6: another namespace's selector through pods/status",
        request: namespacedRequest(
          PODS,
          "team-b",
          pod("team-b", { label: "team-a.app" }),
          TEAM_B_USER,
          "UPDATE",
          {
            subResource: "status",
            oldObject: pod("team-b"),
          },
        ),
        expect: "deny",
      },
      {
        name: "own selector through pods/ephemeralcontainers",
        request: namespacedRequest(
          PODS,
          "team-b",
          pod("team-b", { label: "team-b.api" }),
          TEAM_B_USER,
          "UPDATE",
          {
            subResource: "ephemeralcontainers",
            oldObject: pod("team-b"),
          },
        ),
        expect: "allow",
      },
    ]);
  });
});
