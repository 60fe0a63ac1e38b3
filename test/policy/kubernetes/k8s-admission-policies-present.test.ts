/**
 * `k8s-admission-policies-present` on the hardened world's guardrails, then each way a policy or
 * binding could be missing, weakened, narrowed or built from settings that make everyone platform;
 * and what it must still accept (extra bindings, the API server's defaults written out, a team's
 * own stack).
 */
import type { EvaluatedResource } from "../../../policy-pack/evaluate";
import {
  GUARDRAIL_POLICY_NAMES,
  guardrailPolicies,
  recordGuardrailSettings,
  type GuardrailSettings,
} from "../../../conventions/admission";
import { POD_BINDING_POLICY } from "../../../conventions/admission/pod-binding";
import { POD_IDENTITY_LABEL_POLICY } from "../../../conventions/admission/pod-identity-label";
import { IDENTITY_NAMESPACE_WORKLOADS_POLICY } from "../../../conventions/admission/identity-namespace-workloads";
import { GUARDRAIL_SETTINGS_ANNOTATION } from "../../../conventions/kubernetes";
import { byName, describePolicy, k8s, Props, run, UNKNOWN } from "../harness";
import { world, GUARDRAIL_SETTINGS, blueprintGuardrails } from "./fixtures";

/** The world with its guardrails rebuilt from other settings (a consistent edit of the settings). */
function withGuardrailSettings(
  rs: EvaluatedResource[],
  edit: (s: GuardrailSettings) => void,
): EvaluatedResource[] {
  const settings = structuredClone(GUARDRAIL_SETTINGS);
  edit(settings);
  return [...rs.filter((r) => !r.type.includes("admissionregistration")), ...blueprintGuardrails(settings)];
}

const vap = (rs: EvaluatedResource[], name: string) => byName(rs, `vap-${name}`);
const binding = (rs: EvaluatedResource[], name: string) => byName(rs, `binding-${name}`);
const LABEL = POD_IDENTITY_LABEL_POLICY;

describePolicy({
  policy: "k8s-admission-policies-present",
  fixture: world,
  mutations: [
    {
      name: "no admission policies",
      mutate: (rs) => rs.filter((r) => !r.type.includes("admissionregistration")),
      expect: new RegExp(`Required admission policy ${GUARDRAIL_POLICY_NAMES[0]} is missing`),
    },
    {
      name: "one blueprint policy left out",
      mutate: (rs) => rs.filter((r) => !r.name.endsWith(POD_BINDING_POLICY)),
      expect: new RegExp(`Required admission policy ${POD_BINDING_POLICY} is missing`),
    },
    {
      name: "policy without binding",
      mutate: (rs) => rs.filter((r) => r.name !== `binding-${LABEL}`),
      expect: /has no binding with validationActions Deny/,
    },
    {
      name: "binding that only warns",
      mutate: (rs) => void (binding(rs, LABEL).spec.validationActions = ["Warn"]),
      expect: /has no binding/,
    },
    {
      name: "binding narrowed by matchResources",
      mutate: (rs) =>
        void (binding(rs, LABEL).spec.matchResources = {
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "nowhere" } },
        }),
      expect: new RegExp(`${LABEL} has no binding .* applies to the whole cluster`),
    },
    {
      name: "binding parametrised by paramRef",
      mutate: (rs) =>
        void (binding(rs, LABEL).spec.paramRef = { name: "x", parameterNotFoundAction: "Allow" }),
      expect: /applies to the whole cluster/,
    },
    {
      name: "a policy that fails open",
      mutate: (rs) => void (vap(rs, LABEL).spec.failurePolicy = "Ignore"),
      expect: /failurePolicy "Ignore"; it must be Fail/,
    },
    {
      name: "a validation that admits everything",
      mutate: (rs) => void (vap(rs, LABEL).spec.validations[0].expression = "true"),
      expect: new RegExp(`${LABEL}: spec.validations\\[0\\].expression is "true", but the blueprint builds`),
    },
    {
      name: "a validation removed",
      mutate: (rs) => void vap(rs, LABEL).spec.validations.pop(),
      expect: /spec.validations is \[/,
    },
    {
      name: "UPDATE no longer matched",
      mutate: (rs) => void (vap(rs, LABEL).spec.matchConstraints.resourceRules[0].operations = ["CREATE"]),
      expect: /spec.matchConstraints.resourceRules\[0\].operations is \["CREATE"\]/,
    },
    {
      name: "a matchCondition that exempts a label",
      mutate: (rs) =>
        void (vap(rs, LABEL).spec.matchConditions = [
          { name: "skip", expression: "!('skip' in object.metadata.labels)" },
        ]),
      expect: /spec.matchConditions is \[/,
    },
    {
      name: "the identity namespace's selector pointed elsewhere",
      mutate: (rs) =>
        void (vap(
          rs,
          IDENTITY_NAMESPACE_WORKLOADS_POLICY,
        ).spec.matchConstraints.namespaceSelector.matchLabels["kubernetes.io/metadata.name"] = "elsewhere"),
      expect: /namespaceSelector.matchLabels.kubernetes.io\/metadata.name is "elsewhere"/,
    },
    {
      name: "a policy without its recorded settings",
      mutate: (rs) => void delete vap(rs, LABEL).metadata.annotations[GUARDRAIL_SETTINGS_ANNOTATION],
      expect: /has no aks-hardening.io\/guardrail-settings annotation/,
    },
    {
      name: "recorded settings that are not JSON",
      mutate: (rs) => void (vap(rs, LABEL).metadata.annotations[GUARDRAIL_SETTINGS_ANNOTATION] = "{platform"),
      expect: /annotation aks-hardening.io\/guardrail-settings is not JSON/,
    },
    {
      name: "recorded settings without the platform users",
      mutate: (rs) =>
        void (vap(rs, LABEL).metadata.annotations[GUARDRAIL_SETTINGS_ANNOTATION] = JSON.stringify({
          ...GUARDRAIL_SETTINGS,
          platformUsers: undefined,
        })),
      expect: /platformUsers must be a list of strings/,
    },
    {
      name: "one policy built from other settings",
      mutate: (rs) => {
        const other = { ...GUARDRAIL_SETTINGS, platformUsers: ["someone@example.com"] };
        const rebuilt = guardrailPolicies(other).find((d) => d.name === LABEL)!;
        vap(rs, LABEL).metadata.annotations[GUARDRAIL_SETTINGS_ANNOTATION] = recordGuardrailSettings(other);
        vap(rs, LABEL).spec = structuredClone(rebuilt.spec);
      },
      expect: /records other settings than/,
    },
    {
      name: "anonymous callers made platform",
      mutate: (rs) => withGuardrailSettings(rs, (s) => s.platformUsers.push("system:anonymous")),
      expect: /recorded setting platformUsers\[1\] "system:anonymous" is every unauthenticated caller/,
    },
    {
      name: "a service account made platform",
      mutate: (rs) =>
        withGuardrailSettings(rs, (s) => s.platformUsers.push("system:serviceaccount:payments:api")),
      expect: /platformUsers\[1\] "system:serviceaccount:payments:api" is a service account/,
    },
    {
      name: "every authenticated caller made platform",
      mutate: (rs) => withGuardrailSettings(rs, (s) => s.platformGroupIds.push("system:authenticated")),
      expect: /platformGroupIds\[1\] "system:authenticated" is not an Entra group object ID/,
    },
    {
      name: "a team namespace allowed privileged pods",
      mutate: (rs) => withGuardrailSettings(rs, (s) => s.privilegedNamespaces.push("payments")),
      expect: /privilegedNamespaces\[2\] "payments" is a team namespace/,
    },
    {
      name: "an attacker's image pinned in the identity namespace",
      mutate: (rs) => withGuardrailSettings(rs, (s) => s.pinnedImages.push("docker.io/attacker/nmi:v1.8.17")),
      expect: /pinnedImages\[2\] "docker.io\/attacker\/nmi:v1.8.17" is not MIC or NMI/,
    },
    {
      name: "a team account allowed in the identity namespace",
      mutate: (rs) => withGuardrailSettings(rs, (s) => s.identityServiceAccounts.push("api")),
      expect: /identityServiceAccounts\[2\] "api" is not mic or nmi/,
    },
    {
      name: "NMI allowed to write identity objects",
      mutate: (rs) => withGuardrailSettings(rs, (s) => s.identityWriterServiceAccounts.push("nmi")),
      expect: /identityWriterServiceAccounts\[1\] "nmi" is not mic/,
    },
    {
      name: "guardrails built for another identity namespace",
      mutate: (rs) => withGuardrailSettings(rs, (s) => (s.identityNamespace = "elsewhere")),
      expect: /identityNamespace "elsewhere" is not the identity namespace "aad-pod-identity"/,
    },
    {
      name: "a required policy of your own missing",
      mutate: () => undefined,
      settings: { requiredPolicies: ["aks-hardening-org-extra"] },
      expect: /aks-hardening-org-extra is missing/,
    },
  ],
  unknown: {
    name: "a binding's validationActions",
    mutate: (rs) => {
      binding(rs, LABEL).spec.validationActions = UNKNOWN;
      vap(rs, POD_BINDING_POLICY).spec.validations[0].expression = "true";
    },
    stillReports: new RegExp(`${POD_BINDING_POLICY}: spec.validations\\[0\\].expression is "true"`),
  },
});

describe("k8s-admission-policies-present beside the blueprint's bindings", () => {
  it("accepts a Warn binding or a narrower binding added beside the Deny one (bindings add up)", async () => {
    const rs = world();
    rs.push(
      k8s("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicyBinding", "extra-warn", {
        metadata: { name: "extra-warn" },
        spec: {
          policyName: LABEL,
          validationActions: ["Warn"],
          matchResources: { namespaceSelector: { matchLabels: { a: "b" } } },
        },
      }),
    );
    expect(await run("k8s-admission-policies-present", rs)).toEqual([]);
  });

  it("accepts the API server's defaults written out, as the provider's server-side preview shows them", async () => {
    const rs = world();
    for (const r of rs.filter((x) => x.type.endsWith(":ValidatingAdmissionPolicy"))) {
      const match = (r.props as Props).spec.matchConstraints;
      match.matchPolicy = "Equivalent";
      match.namespaceSelector ??= {};
      match.objectSelector = {};
      for (const rule of match.resourceRules) rule.scope ??= "*";
    }
    binding(rs, LABEL).spec.matchResources = {
      matchPolicy: "Equivalent",
      namespaceSelector: {},
      objectSelector: {},
    };
    expect(await run("k8s-admission-policies-present", rs)).toEqual([]);
    vap(rs, LABEL).spec.matchConstraints.resourceRules[0].scope = "Cluster";
    expect((await run("k8s-admission-policies-present", rs)).map((v) => v.message)).toEqual([
      expect.stringMatching(/resourceRules\[0\].scope is "Cluster"/),
    ]);
  });

  it("judges nothing in a stack without team namespaces (a team's own stack)", async () => {
    const rs = world().filter((r) => !(r.type === "kubernetes:core/v1:Namespace"));
    expect(
      await run(
        "k8s-admission-policies-present",
        rs.filter((r) => !r.type.includes("admission")),
      ),
    ).toEqual([]);
  });
});
