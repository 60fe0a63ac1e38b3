/**
 * Decision tables of the cluster guardrails: namespace Pod Security and trust anchors (S2-S4), the
 * identity namespace's workloads (S5, S6), and cluster-admin bindings.
 */
import {
  clusterAdminBindingPolicy,
  identityNamespaceWorkloadsPolicy,
  namespacePodSecurityPolicy,
  namespaceTrustAnchorsPolicy,
} from "../../conventions/admission";
import { RESOURCE_GROUP_ANNOTATION, TEAM_LABEL, podSecurityLabels } from "../../conventions/kubernetes";
import { runDecisionTable } from "./decision-table";
import {
  CLUSTER_ROLE_BINDINGS,
  DEPLOYER_USER,
  DEPLOYMENTS,
  IDENTITY_NS,
  MASTERS_USER,
  MIC_IMAGE,
  NAMESPACES_RESOURCE,
  NMI_IMAGE,
  PLATFORM_GROUP,
  PLATFORM_USER,
  PODS,
  RG_A,
  RG_B,
  ROLE_BINDINGS,
  RS_CONTROLLER,
  SETTINGS,
  TEAM_A_GROUP,
  TEAM_A_USER,
  namespace,
  namespacedRequest,
  pod,
  teamNamespace,
  type Who,
} from "./fixtures";
import type { AdmissionRequestFixture } from "./vap-evaluator";

/** A Namespace create/update request (cluster-scoped: no namespace object). */
function nsRequest(
  object: Record<string, unknown>,
  who: Who,
  oldObject: Record<string, unknown> | null = null,
): AdmissionRequestFixture {
  return {
    operation: oldObject ? "UPDATE" : "CREATE",
    resource: NAMESPACES_RESOURCE,
    namespace: "",
    userInfo: who,
    object,
    oldObject,
    namespaceObject: null,
  };
}

const restricted = podSecurityLabels("restricted", "v1.33");
const baseline = podSecurityLabels("baseline", "v1.33");
const privileged = podSecurityLabels("privileged", "v1.33");

describe("aks-hardening-namespace-pod-security (S4)", () => {
  runDecisionTable(namespacePodSecurityPolicy(SETTINGS), [
    {
      name: "team namespace as the blueprint writes it",
      request: nsRequest(teamNamespace("team-a", "team-a", RG_A), PLATFORM_USER),
      expect: "allow",
    },
    {
      name: "a non-team namespace enforcing baseline",
      request: nsRequest(namespace("tools", baseline), PLATFORM_USER),
      expect: "allow",
    },
    {
      name: "the identity namespace may be privileged",
      request: nsRequest(namespace(IDENTITY_NS, privileged), PLATFORM_USER),
      expect: "allow",
    },
    {
      name: "kube-system without labels (allow-listed)",
      request: nsRequest(namespace("kube-system"), MASTERS_USER),
      expect: "allow",
    },
    {
      name: "S4: a namespace without PSA labels",
      request: nsRequest(namespace("scratch"), PLATFORM_USER),
      expect: "deny",
      messageIncludes: [
        "namespace scratch must carry pod-security.kubernetes.io/enforce=baseline|restricted",
        'got ""',
      ],
    },
    {
      name: "S4: a non-allow-listed namespace set to privileged",
      request: nsRequest(namespace("sniffer", privileged), MASTERS_USER),
      expect: "deny",
      messageIncludes: ['got "privileged"'],
    },
    {
      name: "S4: removing the enforce label from default (UPDATE)",
      request: nsRequest(namespace("default"), PLATFORM_USER, namespace("default", restricted)),
      expect: "deny",
    },
    {
      name: "S4: a team namespace relaxed to baseline",
      request: nsRequest(namespace("team-a", { ...baseline, [TEAM_LABEL]: "team-a" }), PLATFORM_USER),
      expect: "deny",
      messageIncludes: ["team namespace team-a must carry pod-security.kubernetes.io/enforce=restricted"],
    },
  ]);
});

describe("aks-hardening-namespace-trust-anchors (S2-S4)", () => {
  const teamA = teamNamespace("team-a", "team-a", RG_A);
  const withMeta = (labels: Record<string, string>, annotations: Record<string, string>) =>
    namespace("team-a", labels, annotations);
  const teamALabels = { ...restricted, [TEAM_LABEL]: "team-a" };
  runDecisionTable(namespaceTrustAnchorsPolicy(SETTINGS), [
    { name: "platform creates a team namespace", request: nsRequest(teamA, PLATFORM_USER), expect: "allow" },
    {
      name: "the deployment user creates a team namespace",
      request: nsRequest(teamA, DEPLOYER_USER),
      expect: "allow",
    },
    {
      name: "a team adds an unrelated label to its namespace",
      request: nsRequest(
        withMeta({ ...teamALabels, cost: "1" }, { [RESOURCE_GROUP_ANNOTATION]: RG_A }),
        TEAM_A_USER,
        teamA,
      ),
      expect: "allow",
    },
    {
      name: "a non-platform principal creates a plain restricted namespace",
      request: nsRequest(namespace("scratch", restricted), TEAM_A_USER),
      expect: "allow",
    },
    {
      name: "S3: a team re-points its namespace at another team's resource group",
      request: nsRequest(withMeta(teamALabels, { [RESOURCE_GROUP_ANNOTATION]: RG_B }), TEAM_A_USER, teamA),
      expect: "deny",
      messageIncludes: [`may not set or change ${RESOURCE_GROUP_ANNOTATION} on namespace team-a`],
    },
    {
      name: "S4: a team relaxes its namespace to privileged",
      request: nsRequest(
        withMeta({ ...teamALabels, ...privileged }, { [RESOURCE_GROUP_ANNOTATION]: RG_A }),
        TEAM_A_USER,
        teamA,
      ),
      expect: "deny",
      messageIncludes: ["pod-security.kubernetes.io/enforce"],
    },
    {
      name: "a team removes its team label",
      request: nsRequest(withMeta(restricted, { [RESOURCE_GROUP_ANNOTATION]: RG_A }), TEAM_A_USER, teamA),
      expect: "deny",
      messageIncludes: [TEAM_LABEL],
    },
    {
      name: "S3: a non-platform principal creates a namespace claiming team-b's resource group",
      request: nsRequest(
        namespace("evil", { ...restricted, [TEAM_LABEL]: "team-b" }, { [RESOURCE_GROUP_ANNOTATION]: RG_B }),
        TEAM_A_USER,
      ),
      expect: "deny",
    },
  ]);
});

describe("aks-hardening-identity-namespace-workloads (S5, S6)", () => {
  const policy = identityNamespaceWorkloadsPolicy(SETTINGS);
  const deployment = (name: string, serviceAccount: string, image: string) => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: IDENTITY_NS },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { serviceAccountName: serviceAccount, containers: [{ name, image }] },
      },
    },
  });
  runDecisionTable(policy, [
    {
      name: "platform deploys MIC",
      request: namespacedRequest(
        DEPLOYMENTS,
        IDENTITY_NS,
        deployment("mic", "mic", MIC_IMAGE),
        PLATFORM_USER,
      ),
      expect: "allow",
    },
    {
      name: "the ReplicaSet controller creates an NMI-image pod as nmi",
      request: namespacedRequest(
        PODS,
        IDENTITY_NS,
        pod(IDENTITY_NS, { serviceAccount: "nmi", images: [NMI_IMAGE] }),
        RS_CONTROLLER,
      ),
      expect: "allow",
    },
    {
      name: "a pod in a team namespace is not this policy's business",
      request: namespacedRequest(PODS, "team-a", pod("team-a"), TEAM_A_USER),
      expect: "not-matched",
    },
    {
      name: "S6: a team deploys mic-evil with the MIC image and service account",
      request: namespacedRequest(
        DEPLOYMENTS,
        IDENTITY_NS,
        deployment("mic-evil", "mic", MIC_IMAGE),
        TEAM_A_USER,
      ),
      expect: "deny",
      messageIncludes: ["dev-a@example.com may not CREATE deployments in aad-pod-identity"],
    },
    {
      name: "S5: platform runs a debug shell image in the identity namespace",
      request: namespacedRequest(
        PODS,
        IDENTITY_NS,
        pod(IDENTITY_NS, { serviceAccount: "mic", images: ["busybox:1.36"] }),
        PLATFORM_USER,
      ),
      expect: "deny",
      messageIncludes: ["busybox:1.36"],
    },
    {
      name: "S5: an unpinned init container",
      request: namespacedRequest(
        PODS,
        IDENTITY_NS,
        pod(IDENTITY_NS, { serviceAccount: "nmi", images: [NMI_IMAGE], initImages: ["alpine:3"] }),
        RS_CONTROLLER,
      ),
      expect: "deny",
      messageIncludes: ["alpine:3"],
    },
    {
      name: "a MIC image tag other than the pinned one",
      request: namespacedRequest(
        PODS,
        IDENTITY_NS,
        pod(IDENTITY_NS, { serviceAccount: "mic", images: [MIC_IMAGE.replace("v1.8.17", "v1.8.12")] }),
        RS_CONTROLLER,
      ),
      expect: "deny",
    },
    {
      name: "a pod running as the default service account",
      request: namespacedRequest(PODS, IDENTITY_NS, pod(IDENTITY_NS, { images: [MIC_IMAGE] }), RS_CONTROLLER),
      expect: "deny",
      messageIncludes: ["service account default is not allowed"],
    },
    {
      name: "an ephemeral debug container added to MIC",
      request: namespacedRequest(
        PODS,
        IDENTITY_NS,
        {
          ...pod(IDENTITY_NS, { serviceAccount: "mic", images: [MIC_IMAGE] }),
          spec: {
            serviceAccountName: "mic",
            containers: [{ name: "mic", image: MIC_IMAGE }],
            ephemeralContainers: [{ name: "debug", image: "busybox:1.36" }],
          },
        },
        PLATFORM_USER,
        "UPDATE",
        { subResource: "ephemeralcontainers" },
      ),
      expect: "deny",
      messageIncludes: ["busybox:1.36"],
    },
  ]);
});

describe("aks-hardening-cluster-admin-binding", () => {
  const binding = (roleName: string, subjects: { kind: string; name: string }[]) => ({
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    metadata: { name: "b" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: roleName },
    subjects: subjects.map((s) => ({ apiGroup: "rbac.authorization.k8s.io", ...s })),
  });
  const clusterRequest = (object: Record<string, unknown>, who: Who): AdmissionRequestFixture => ({
    operation: "CREATE",
    resource: CLUSTER_ROLE_BINDINGS,
    namespace: "",
    userInfo: who,
    object,
    oldObject: null,
    namespaceObject: null,
  });
  runDecisionTable(clusterAdminBindingPolicy(SETTINGS), [
    {
      name: "cluster-admin to the platform group",
      request: clusterRequest(
        binding("cluster-admin", [{ kind: "Group", name: PLATFORM_GROUP }]),
        PLATFORM_USER,
      ),
      expect: "allow",
    },
    {
      name: "a non-admin role to a team group",
      request: clusterRequest(binding("view", [{ kind: "Group", name: TEAM_A_GROUP }]), PLATFORM_USER),
      expect: "allow",
    },
    {
      name: "cluster-admin to a team group",
      request: clusterRequest(
        binding("cluster-admin", [{ kind: "Group", name: TEAM_A_GROUP }]),
        MASTERS_USER,
      ),
      expect: "deny",
      messageIncludes: [`grants cluster-admin to non-platform subjects: Group:${TEAM_A_GROUP}`],
    },
    {
      name: "cluster-admin to a platform group plus a team service account",
      request: clusterRequest(
        binding("cluster-admin", [
          { kind: "Group", name: PLATFORM_GROUP },
          { kind: "ServiceAccount", name: "ci" },
        ]),
        PLATFORM_USER,
      ),
      expect: "deny",
      messageIncludes: ["ServiceAccount:ci"],
    },
    {
      name: "a RoleBinding of cluster-admin inside a team namespace",
      request: namespacedRequest(
        ROLE_BINDINGS,
        "team-a",
        { ...binding("cluster-admin", [{ kind: "User", name: "dev-a@example.com" }]), kind: "RoleBinding" },
        TEAM_A_USER,
      ),
      expect: "deny",
    },
  ]);
});
