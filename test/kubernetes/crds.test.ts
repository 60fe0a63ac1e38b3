/** The CRDs as plain API-server JSON (for kubectl-based real-API-server tests). */
import { podIdentityCrdManifests, podIdentityCrdSpecs } from "../../components/kubernetes/crds";

describe("podIdentityCrdManifests", () => {
  const manifests = podIdentityCrdManifests();
  const text = JSON.stringify(manifests);

  it("renders the four CRDs with the API server's x-kubernetes-* keys", () => {
    expect(manifests.map((m) => (m.metadata as { name: string }).name)).toEqual(
      podIdentityCrdSpecs().map((c) => c.name),
    );
    expect(text).not.toContain("x_kubernetes_");
    expect(text).toContain('"x-kubernetes-embedded-resource":true');
    expect(text).toContain('"x-kubernetes-preserve-unknown-fields":true');
    for (const m of manifests) {
      expect((m.metadata as { annotations: Record<string, string> }).annotations).toEqual({
        "api-approved.kubernetes.io": "unapproved",
      });
    }
  });

  it("keeps the SDK-shaped specs untouched (the rename is a copy)", () => {
    expect(JSON.stringify(podIdentityCrdSpecs())).toContain("x_kubernetes_embedded_resource");
  });
});
