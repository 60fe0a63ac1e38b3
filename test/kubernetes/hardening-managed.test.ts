/**
 * `KubernetesHardening` in managed mode (NMI only, identities pre-assigned to the nodes), one mock
 * run, with team-a moved from pod identity to workload identity by its config alone.
 */
import { KubernetesHardening } from "../../components/kubernetes";
import { IDENTITY_NAMESPACE_WORKLOADS_POLICY, IDENTITY_OBJECTS_POLICY } from "../../conventions/admission";
import { WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION } from "../../conventions/kubernetes";
import { runProgramUnderMocks, type RecordedResource } from "../../testing/recording-mocks";
import {
  AZURE_ASSIGNED_IDENTITIES,
  DEPLOYMENTS,
  IDENTITY_NS,
  MIC_IMAGE,
  NMI_HARDENING_FLAGS,
  MIC_USER,
  NMI_IMAGE,
  PLATFORM_USER,
  namespacedRequest,
} from "./fixtures";
import { hardeningArgs } from "./hardening-args";
import { k8sResources, object, objectsOfKind, recordedPolicy, the } from "./recorded";
import { evaluatePolicy } from "./vap-evaluator";

let resources: RecordedResource[];
beforeAll(async () => {
  const args = hardeningArgs("managed");
  // Managed mode needs neither MIC's Azure context nor the kubelet identity.
  delete args.azure;
  delete args.kubeletIdentity;
  // The only difference to team-a's standard-mode config: its identity mode.
  args.teams[0] = { ...args.teams[0], identityMode: "workload-identity" };
  ({ resources } = await runProgramUnderMocks(() => {
    new KubernetesHardening("k8s", args);
  }));
});

describe("managed mode", () => {
  it("runs NMI only: no MIC Deployment, service account, RBAC or PodDisruptionBudget", () => {
    const all = k8sResources(resources).map(object);
    expect(all.filter((o) => o.metadata.name === "mic")).toEqual([]);
    expect(objectsOfKind(resources, "Deployment")).toEqual([]);
    expect(objectsOfKind(resources, "PodDisruptionBudget")).toEqual([]);
    expect(objectsOfKind(resources, "ClusterRole").map((r) => r.metadata.name)).not.toContain(
      "aks-hardening-aad-pod-identity-mic",
    );
    expect(objectsOfKind(resources, "CustomResourceDefinition")).toHaveLength(4);
  });

  it("starts NMI in managed, namespaced mode with every hardening flag", () => {
    const nmi = the(resources, "DaemonSet", "nmi", IDENTITY_NS);
    const c = nmi.spec.template.spec.containers[0];
    expect(c.image).toBe(NMI_IMAGE);
    expect(c.args).toEqual(expect.arrayContaining([`--operation-mode=managed`, ...NMI_HARDENING_FLAGS]));
  });

  it("narrows the guardrails: only the NMI image and service account, and no identity writer", () => {
    const workloads = recordedPolicy(resources, IDENTITY_NAMESPACE_WORKLOADS_POLICY);
    const micDeployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "mic", namespace: IDENTITY_NS },
      spec: {
        template: { spec: { serviceAccountName: "mic", containers: [{ name: "mic", image: MIC_IMAGE }] } },
      },
    };
    const d = evaluatePolicy(
      workloads,
      namespacedRequest(DEPLOYMENTS, IDENTITY_NS, micDeployment, PLATFORM_USER),
    );
    expect(d.errors).toEqual([]);
    expect(d.messages.join("\n")).toContain("service account mic is not allowed");
    expect(d.messages.join("\n")).toContain(MIC_IMAGE);

    const objects = recordedPolicy(resources, IDENTITY_OBJECTS_POLICY);
    const assigned = {
      apiVersion: "aadpodidentity.k8s.io/v1",
      kind: "AzureAssignedIdentity",
      metadata: { name: "x" },
    };
    const byMic = evaluatePolicy(
      objects,
      namespacedRequest(AZURE_ASSIGNED_IDENTITIES, "team-b", assigned, MIC_USER),
    );
    expect(byMic.errors).toEqual([]);
    expect(byMic.allowed).toBe(false);
  });
});

describe("moving a team between identity modes", () => {
  it("team-a (now workload identity) gets annotated ServiceAccounts and no AzureIdentity/Binding", () => {
    for (const [ns, sa, clientId] of [
      ["team-a", "web", "client-a-web"],
      ["team-a-jobs", "batch", "client-a-batch"],
    ]) {
      const account = the(resources, "ServiceAccount", sa, ns);
      expect(account.metadata.annotations?.[WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION]).toBe(clientId);
      expect(the(resources, "NetworkPolicy", "allow-workload-identity-token-egress", ns)).toBeDefined();
    }
    const pi = [
      ...objectsOfKind(resources, "AzureIdentity"),
      ...objectsOfKind(resources, "AzureIdentityBinding"),
    ];
    expect(pi.map((o) => o.metadata.namespace).sort()).toEqual(["team-b", "team-b"]);
  });

  it("team-b stays on pod identity, with its namespaced selector", () => {
    expect(the(resources, "AzureIdentityBinding", "web-binding", "team-b").spec.selector).toBe("team-b.web");
    expect(
      objectsOfKind(resources, "NetworkPolicy")
        .filter((p) => p.metadata.name === "allow-pod-identity-token-egress")
        .map((p) => p.metadata.namespace),
    ).toEqual(["team-b"]);
  });
});
