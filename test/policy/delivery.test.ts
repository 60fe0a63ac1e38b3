/**
 * The pack judges Kubernetes objects by what they are, whichever resource type delivers them: each
 * row of the decision table (`delivery-variants.ts`) refuses a privileged pod template and an
 * identity object with the same policy as the typed resource, accepts the compliant object, and the
 * policies as written (judging type tokens only) miss every row but the typed one.
 */
import { evaluatePolicies, EvaluatedResource } from "../../policy-pack/evaluate";
import { policies } from "../../policy-pack/policies";
import { k8sWorkloadPodSecurity } from "../../policy-pack/policies/stack/k8s-workload-pod-security";
import { podIdentityExceptionPlatformOnly } from "../../policy-pack/policies/kubernetes/pod-identity-exception-platform-only";
import { k8sRbacIdentityProtection } from "../../policy-pack/policies/kubernetes/k8s-rbac-identity-protection";
import type { PackPolicy } from "../../policy-pack/policies";
import { DELIVERY_VARIANTS, KubernetesObject, OPAQUE_POLICY } from "./delivery-variants";
import { UNKNOWN } from "./harness";

const TEAM_NS = "payments";
const typedToken = (o: KubernetesObject) =>
  `kubernetes:${o.apiVersion.includes("/") ? o.apiVersion : `core/${o.apiVersion}`}:${o.kind}`;
const IDENTITY_NS = "aad-pod-identity";

function podSpec(securityContext: Record<string, unknown>) {
  return {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    containers: [{ name: "app", image: "registry.example/app:1", securityContext }],
  };
}
const SECURE = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };
const PRIVILEGED = { ...SECURE, privileged: true };

const deployment = (securityContext: Record<string, unknown>, namespace = TEAM_NS): KubernetesObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace },
  spec: {
    selector: { matchLabels: { app: "web" } },
    template: { metadata: { labels: { app: "web" } }, spec: podSpec(securityContext) },
  },
});
const pod = (securityContext: Record<string, unknown>): KubernetesObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "web", namespace: TEAM_NS },
  spec: podSpec(securityContext),
});
const exception = (namespace: string): KubernetesObject => ({
  apiVersion: "aadpodidentity.k8s.io/v1",
  kind: "AzurePodIdentityException",
  metadata: { name: "bypass", namespace },
  spec: { podLabels: { app: "web" } },
});

const CASES: { what: string; policy: string; insecure: KubernetesObject; secure: KubernetesObject }[] = [
  {
    what: "a privileged Deployment",
    policy: "k8s-workload-pod-security",
    insecure: deployment(PRIVILEGED),
    secure: deployment(SECURE),
  },
  {
    what: "a privileged core Pod",
    policy: "k8s-workload-pod-security",
    insecure: pod(PRIVILEGED),
    secure: pod(SECURE),
  },
  {
    what: "an AzurePodIdentityException in a team namespace",
    policy: "pod-identity-exception-platform-only",
    insecure: exception(TEAM_NS),
    secure: exception(IDENTITY_NS),
  },
];

async function mandatory(
  resources: EvaluatedResource[],
  list: PackPolicy[] = policies,
  config?: Record<string, unknown>,
) {
  const violations = await evaluatePolicies(resources, { policies: list, config });
  return violations.filter((v) => v.enforcementLevel === "mandatory");
}

describe.each(CASES)("$what", ({ policy, insecure, secure }) => {
  const visible = DELIVERY_VARIANTS.filter((v) => v.decision !== "refuse outside platform namespaces");
  const opaque = DELIVERY_VARIANTS.filter((v) => v.decision === "refuse outside platform namespaces");

  it.each(visible.map((v) => [v.row, v] as const))(
    "is refused through %s, by the typed resource's policy",
    async (_row, v) => {
      const found = await mandatory(v.resources(insecure, "attempt"));
      expect(found.map((f) => f.policyName)).toContain(policy);
      // The report lands on the resource that delivers the object.
      expect(found.find((f) => f.policyName === policy)?.urn).toBe(
        v.resources(insecure, "attempt").at(-1)!.urn,
      );
    },
  );

  it.each(visible.map((v) => [v.row, v] as const))(
    "is accepted when compliant, through %s",
    async (_row, v) => {
      const found = await mandatory(v.resources(secure, "fine"));
      expect(found.map((f) => `${f.policyName}: ${f.message}`)).toEqual([]);
    },
  );

  // Rows whose resource type is not the object's own typed token (a CustomResource of apps/v1
  // Deployment registers exactly that token; the provider row is about namespaces, tested below).
  const disguised = visible.filter((v) => {
    const delivering = v.resources(insecure, "attempt").at(-1)!;
    return delivering.type !== typedToken(insecure) && !delivering.provider;
  });
  it.each(disguised.map((v) => [v.row, v] as const))(
    "would pass through %s if policies matched type tokens only (the control is what refuses it)",
    async (_row, v) => {
      const asWritten = [k8sWorkloadPodSecurity, podIdentityExceptionPlatformOnly].filter(
        (p) => p.name === policy,
      );
      const found = await mandatory(v.resources(insecure, "attempt"), asWritten);
      expect(found).toEqual([]);
    },
  );

  it.each(opaque.map((v) => [v.row, v] as const))(
    "is refused through %s, whose content the pack cannot see",
    async (_row, v) => {
      const found = await mandatory(v.resources(insecure, "attempt"));
      expect(found.map((f) => f.policyName)).toEqual([OPAQUE_POLICY]);
      expect(found[0].message).toMatch(/cannot|never/);
      expect(found[0].message).toMatch(/admission policies/);
      // Allowed only where the platform says so.
      const namespace = String(insecure.metadata?.namespace ?? "default");
      const inKustomizeOrFiles = /ConfigFile|files|kustomize/.test(v.row) ? "default" : namespace;
      const allowed = await mandatory(v.resources(insecure, "attempt"), policies, {
        [OPAQUE_POLICY]: { allowedNamespaces: [inKustomizeOrFiles] },
      });
      expect(allowed).toEqual([]);
    },
  );
});

describe("patches are judged by what they set", () => {
  const patchType = "kubernetes:apps/v1:DeploymentPatch";
  const patch = (props: Record<string, unknown>): EvaluatedResource => ({
    urn: `urn:pulumi:test::p::${patchType}::scale`,
    type: patchType,
    name: "scale",
    props: { apiVersion: "apps/v1", kind: "Deployment", ...props },
  });

  it("does not blame a patch for what it leaves to the object's owner", async () => {
    const scale = patch({ metadata: { name: "web", namespace: TEAM_NS }, spec: { replicas: 3 } });
    const image = patch({
      metadata: { name: "web", namespace: TEAM_NS },
      spec: { template: { spec: { containers: [{ name: "app", image: "registry.example/app:2" }] } } },
    });
    expect(await mandatory([scale])).toEqual([]);
    expect(await mandatory([image])).toEqual([]);
  });

  it("reports exactly the insecure values a patch sets, and names the patch", async () => {
    const found = await mandatory([
      patch({
        metadata: { name: "web", namespace: TEAM_NS },
        spec: {
          template: {
            spec: { hostNetwork: true, containers: [{ name: "app", securityContext: { privileged: true } }] },
          },
        },
      }),
    ]);
    expect(found.map((f) => f.message).sort()).toEqual([
      'Deployment scale [Deployment patched through kubernetes:apps/v1:DeploymentPatch] in namespace payments violates PodSecurity "restricted:latest": hostNamespaces at spec.template.spec.hostNetwork: host namespaces (hostNetwork=true).',
      'Deployment scale [Deployment patched through kubernetes:apps/v1:DeploymentPatch] in namespace payments violates PodSecurity "restricted:latest": privileged at spec.template.spec.containers[0].securityContext.privileged: privileged (container "app" must not set securityContext.privileged=true).',
    ]);
  });
});

describe("patches answer for the object they change", () => {
  const patchOf = (type: string, props: Record<string, unknown>): EvaluatedResource => ({
    urn: `urn:pulumi:test::p::${type}::p`,
    type,
    name: "p",
    props,
  });
  it("refuses patching an AzurePodIdentityException outside the identity namespace, whatever it sets", async () => {
    const found = await mandatory([
      patchOf("kubernetes:aadpodidentity.k8s.io/v1:AzurePodIdentityExceptionPatch", {
        ...exception(TEAM_NS),
      }),
    ]);
    expect(found.map((f) => f.policyName)).toContain("pod-identity-exception-platform-only");
    const inIdentityNamespace = await mandatory([
      patchOf("kubernetes:aadpodidentity.k8s.io/v1:AzurePodIdentityExceptionPatch", {
        ...exception(IDENTITY_NS),
      }),
    ]);
    expect(inIdentityNamespace).toEqual([]);
  });
  it("refuses a RoleBinding patch that adds another team's group (subjects are values, not structure)", async () => {
    const patch = patchOf("kubernetes:rbac.authorization.k8s.io/v1:RoleBindingPatch", {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "developers", namespace: TEAM_NS },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "catalog-group" }],
    });
    const config = {
      "k8s-rbac-team-subjects": {
        teams: { payments: { groups: ["payments-group"], namespaces: [TEAM_NS] } },
      },
    };
    const found = await mandatory([patch], policies, config);
    expect(found.map((f) => [f.policyName, f.message])).toEqual([
      ["k8s-rbac-team-subjects", expect.stringMatching(/Group catalog-group.*patched through/)],
    ]);
  });
});

describe("the effective namespace: explicit, else the provider's, else default", () => {
  const provider = (namespace: unknown): EvaluatedResource => ({
    urn: "urn:pulumi:test::p::pulumi:providers:kubernetes::k8s",
    type: "pulumi:providers:kubernetes",
    name: "k8s",
    props: { namespace },
  });
  const ref = "urn:pulumi:test::p::pulumi:providers:kubernetes::k8s::id";
  const rbac = (withNamespace?: string): EvaluatedResource[] => {
    const metadata = (name: string) => ({ name, ...(withNamespace ? { namespace: withNamespace } : {}) });
    return [
      {
        urn: "urn:pulumi:test::p::kubernetes:rbac.authorization.k8s.io/v1:Role::peek",
        type: "kubernetes:rbac.authorization.k8s.io/v1:Role",
        name: "peek",
        provider: ref,
        props: {
          apiVersion: "rbac.authorization.k8s.io/v1",
          kind: "Role",
          metadata: metadata("peek"),
          rules: [
            { apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] },
            { apiGroups: [""], resources: ["secrets"], verbs: ["get"] },
          ],
        },
      },
      {
        urn: "urn:pulumi:test::p::kubernetes:rbac.authorization.k8s.io/v1:RoleBinding::peek",
        type: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
        name: "peek",
        provider: ref,
        props: {
          apiVersion: "rbac.authorization.k8s.io/v1",
          kind: "RoleBinding",
          metadata: metadata("peek"),
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "peek" },
          subjects: [{ kind: "Group", name: "team-a-developers" }],
        },
      },
    ];
  };
  const protection = <F extends { policyName: string }>(found: F[]) =>
    found.filter((f) => f.policyName === k8sRbacIdentityProtection.name);

  it("refuses exec and secret reads granted in the identity namespace through the provider's default namespace", async () => {
    const found = protection(await mandatory([provider(IDENTITY_NS), ...rbac()]));
    expect(found.map((f) => f.message)).toEqual([
      expect.stringMatching(/exec\/attach\/port-forward in the identity namespace/),
    ]);
    // The policy as written read metadata.namespace only, and missed it.
    expect(
      protection(await mandatory([provider(IDENTITY_NS), ...rbac()], [k8sRbacIdentityProtection])),
    ).toEqual([]);
  });

  it("keeps an explicit namespace over the provider's, and the provider's over default", async () => {
    expect(protection(await mandatory([provider(TEAM_NS), ...rbac(IDENTITY_NS)]))).toHaveLength(1);
    expect(protection(await mandatory([provider(IDENTITY_NS), ...rbac(TEAM_NS)]))).toEqual([]);
    expect(protection(await mandatory([provider(""), ...rbac()]))).toEqual([]);
  });

  it("defers (advisory) when the provider's namespace is unknown at preview", async () => {
    const violations = await evaluatePolicies([provider(UNKNOWN), ...rbac()], {
      policies: [policies.find((p) => p.name === k8sRbacIdentityProtection.name)!],
    });
    expect(violations.map((v) => [v.enforcementLevel, v.message])).toEqual([
      ["advisory", expect.stringMatching(/can't run policy .* during preview/)],
    ]);
  });

  it("places a Deployment without namespace where its provider points (the identity namespace is exempt, default is not)", async () => {
    const { namespace: _ns, ...metadata } = deployment(PRIVILEGED).metadata!;
    const web: EvaluatedResource = {
      urn: "urn:pulumi:test::p::kubernetes:apps/v1:Deployment::web",
      type: "kubernetes:apps/v1:Deployment",
      name: "web",
      provider: ref,
      props: { ...deployment(PRIVILEGED), metadata },
    };
    const names = async (ns: string) => (await mandatory([provider(ns), web])).map((f) => f.policyName);
    expect(await names(IDENTITY_NS)).not.toContain("k8s-workload-pod-security");
    expect(await names("")).toEqual(
      expect.arrayContaining(["k8s-workload-pod-security", "k8s-no-default-namespace"]),
    );
  });
});

describe("manifests the pack cannot parse are reported, never skipped", () => {
  it("refuses a ConfigGroup whose yaml does not parse", async () => {
    const found = await mandatory([
      {
        urn: "urn:pulumi:test::p::kubernetes:yaml/v2:ConfigGroup::bad",
        type: "kubernetes:yaml/v2:ConfigGroup",
        name: "bad",
        props: { yaml: "kind: [unclosed" },
      },
    ]);
    expect(found.map((f) => [f.policyName, f.message])).toEqual([
      [OPAQUE_POLICY, expect.stringMatching(/yaml\[0\] document 0: .*cannot judge/)],
    ]);
  });
});
