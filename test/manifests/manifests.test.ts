/**
 * The recorded-resource -> manifest converter used by the real-API-server suite. Real
 * @pulumi/kubernetes resources are registered under the recording mocks, so the inputs converted
 * here have exactly the shape the SDK produces.
 */
import * as k8s from "@pulumi/kubernetes";
import { runProgramUnderMocks, type RecordedResource } from "../../testing/recording-mocks";
import {
  apiServerKey,
  apiVersionKindOf,
  applyRank,
  isKubernetesObject,
  manifestsFromRecording,
  toManifest,
  type ConvertedManifest,
} from "../../testing/manifests";

let recorded: RecordedResource[];
let converted: ConvertedManifest[];

beforeAll(async () => {
  const run = await runProgramUnderMocks(() => {
    const provider = new k8s.Provider("local", { kubeconfig: "unused" });
    const opts = { provider };
    // Declared in "wrong" order on purpose: the converter must sort into apply order.
    new k8s.apiextensions.CustomResource(
      "team-a-identity",
      {
        apiVersion: "aadpodidentity.k8s.io/v1",
        kind: "AzureIdentity",
        metadata: { name: "app", namespace: "team-a" },
        spec: { type: 0, resourceID: "/subscriptions/s/resourcegroups/rg/providers/x", clientID: "c" },
      },
      opts,
    );
    new k8s.rbac.v1.Role(
      "team-a-dev",
      {
        metadata: { namespace: "team-a" },
        rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }],
      },
      opts,
    );
    new k8s.core.v1.NamespacePatch(
      "default-psa",
      { metadata: { name: "default", labels: { "pod-security.kubernetes.io/enforce": "restricted" } } },
      opts,
    );
    new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(
      "aks-hardening-x",
      { metadata: { name: "aks-hardening-x" }, spec: { validations: [{ expression: "true" }] } },
      opts,
    );
    new k8s.core.v1.Namespace("team-a", { metadata: { name: "team-a" } }, opts);
    new k8s.apiextensions.v1.CustomResourceDefinition(
      "azureidentities",
      {
        metadata: { name: "azureidentities.aadpodidentity.k8s.io" },
        spec: {
          group: "aadpodidentity.k8s.io",
          names: { kind: "AzureIdentity", plural: "azureidentities" },
          scope: "Namespaced",
          versions: [
            {
              name: "v1",
              served: true,
              storage: true,
              schema: {
                openAPIV3Schema: {
                  type: "object",
                  properties: { status: { type: "object", x_kubernetes_preserve_unknown_fields: true } },
                },
              },
            },
          ],
        },
      },
      opts,
    );
  });
  recorded = run.resources;
  converted = manifestsFromRecording(recorded);
});

test("converts every kubernetes object and skips providers and components", () => {
  expect(recorded.some((r) => r.type === "pulumi:providers:kubernetes")).toBe(true);
  expect(
    converted.map((c) => `${c.manifest.apiVersion}/${c.manifest.kind}/${c.manifest.metadata.name}`),
  ).toEqual([
    "apiextensions.k8s.io/v1/CustomResourceDefinition/azureidentities.aadpodidentity.k8s.io",
    "v1/Namespace/team-a",
    "v1/Namespace/default",
    "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy/aks-hardening-x",
    "rbac.authorization.k8s.io/v1/Role/team-a-dev",
    "aadpodidentity.k8s.io/v1/AzureIdentity/app",
  ]);
});

test("a CustomResource is recorded under its own apiVersion and kind", () => {
  expect(recorded.map((r) => r.type)).toContain("kubernetes:aadpodidentity.k8s.io/v1:AzureIdentity");
});

test("keeps the declared body, marks patches and custom resources", () => {
  const patch = converted.find((c) => c.manifest.metadata.name === "default");
  expect(patch?.patch).toBe(true);
  expect(patch?.manifest.metadata.labels).toEqual({ "pod-security.kubernetes.io/enforce": "restricted" });
  const identity = converted.find((c) => c.manifest.kind === "AzureIdentity");
  expect(identity?.customResource).toBe(true);
  expect(identity?.manifest.spec).toEqual({
    type: 0,
    resourceID: "/subscriptions/s/resourcegroups/rg/providers/x",
    clientID: "c",
  });
  expect(identity?.manifest.metadata.namespace).toBe("team-a");
});

test("CRD schema keys are sent as the API server spells them (x-kubernetes-*)", () => {
  const crd = converted.find((c) => c.manifest.kind === "CustomResourceDefinition");
  const schema = (crd?.manifest.spec as { versions: { schema: { openAPIV3Schema: unknown } }[] }).versions[0]
    .schema.openAPIV3Schema;
  expect(schema).toEqual({
    type: "object",
    properties: { status: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
  });
  expect(apiServerKey("x_kubernetes_list_map_keys")).toBe("x-kubernetes-list-map-keys");
  expect(apiServerKey("max_length")).toBe("max_length");
});

test("an object without metadata.name takes the Pulumi resource name", () => {
  const role = converted.find((c) => c.manifest.kind === "Role");
  expect(role?.manifest.metadata).toEqual({ name: "team-a-dev", namespace: "team-a" });
});

test("type tokens map to apiVersion and kind", () => {
  expect(apiVersionKindOf("kubernetes:core/v1:Namespace")).toEqual({
    apiVersion: "v1",
    kind: "Namespace",
    patch: false,
  });
  expect(apiVersionKindOf("kubernetes:apps/v1:DeploymentPatch")).toEqual({
    apiVersion: "apps/v1",
    kind: "Deployment",
    patch: true,
  });
  expect(apiVersionKindOf("kubernetes:apiextensions.k8s.io:CustomResource")).toBeUndefined();
  expect(() => apiVersionKindOf("azure-native:resources:ResourceGroup")).toThrow(
    /not a Pulumi Kubernetes type token/,
  );
});

test("refuses what cannot be a single object, and contradictory inputs", () => {
  expect(isKubernetesObject({ type: "kubernetes:helm.sh/v3:Release", custom: true })).toBe(false);
  const base = { urn: "urn:x", name: "x" };
  expect(() => toManifest({ ...base, type: "kubernetes:yaml/v2:ConfigGroup", inputs: {} })).toThrow(
    /not a single Kubernetes object/,
  );
  expect(() =>
    toManifest({
      ...base,
      type: "kubernetes:apiextensions.k8s.io:CustomResource",
      inputs: { kind: "AzureIdentity" },
    }),
  ).toThrow(/inputs.apiVersion=undefined/);
  expect(() =>
    toManifest({ ...base, type: "kubernetes:core/v1:Namespace", inputs: { apiVersion: "v1", kind: "Pod" } }),
  ).toThrow(/inputs say v1\/Pod but the type token says v1\/Namespace/);
});

test("apply rank puts CRDs and namespaces before policies, RBAC and custom resources", () => {
  const rank = (type: string, inputs: Record<string, unknown> = {}) =>
    applyRank(toManifest({ urn: "u", name: "n", type, inputs }));
  expect(rank("kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition")).toBeLessThan(
    rank("kubernetes:core/v1:Namespace"),
  );
  expect(rank("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy")).toBeLessThan(
    rank("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding"),
  );
  const customResource = toManifest(
    { urn: "u", name: "n", type: "kubernetes:x.io/v1:X", inputs: {} },
    new Set(["x.io"]),
  );
  expect(customResource.customResource).toBe(true);
  expect(rank("kubernetes:apps/v1:Deployment")).toBeLessThan(applyRank(customResource));
});
