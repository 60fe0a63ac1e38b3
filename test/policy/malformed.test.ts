/**
 * Bad input never crashes a policy: every policy of the pack runs over stacks of workloads (every
 * pod-template kind) and namespaces whose props are arbitrary JSON, with the engine's unknown
 * sentinel anywhere. A crash would make `evaluatePolicies` throw (as the policy server would fail
 * the preview); a verdict, a deferral or silence are all acceptable.
 */
import * as fc from "fast-check";
import { evaluatePolicies, EvaluatedResource } from "../../policy-pack/evaluate";
import { k8s, UNKNOWN } from "./harness";

const KINDS: [string, string][] = [
  ["core/v1", "Pod"],
  ["apps/v1", "Deployment"],
  ["apps/v1", "StatefulSet"],
  ["apps/v1", "DaemonSet"],
  ["apps/v1", "ReplicaSet"],
  ["batch/v1", "Job"],
  ["batch/v1", "CronJob"],
  ["core/v1", "Namespace"],
];

/** JSON in which any value may be the unknown sentinel. */
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof(
    { maxDepth: 5 },
    fc.constant(UNKNOWN),
    fc.jsonValue({ maxDepth: 1 }),
    fc.array(tie("node"), { maxLength: 3 }),
    fc.dictionary(
      fc.constantFrom(
        "spec",
        "template",
        "jobTemplate",
        "metadata",
        "namespace",
        "labels",
        "containers",
        "initContainers",
        "securityContext",
        "capabilities",
        "add",
        "drop",
        "volumes",
        "hostNetwork",
        "os",
        "name",
        "pod-security.kubernetes.io/enforce",
        "pod-security.kubernetes.io/enforce-version",
      ),
      tie("node"),
      { maxKeys: 4 },
    ),
  ),
})).node;

/** A record with some of `keys`, each holding `value`, or `value` itself: a field-shaped mess. */
const shaped = (keys: string[], inner: fc.Arbitrary<unknown> = value): fc.Arbitrary<unknown> =>
  fc.oneof(fc.dictionary(fc.constantFrom(...keys), inner, { maxKeys: keys.length }), value);

const securityContext = shaped([
  "privileged",
  "capabilities",
  "runAsUser",
  "runAsNonRoot",
  "seccompProfile",
  "seLinuxOptions",
  "appArmorProfile",
  "windowsOptions",
  "procMount",
  "sysctls",
  "allowPrivilegeEscalation",
]);
const container = shaped(
  ["name", "image", "ports", "livenessProbe", "lifecycle", "securityContext"],
  fc.oneof(value, securityContext),
);
const podSpec = shaped(
  [
    "containers",
    "initContainers",
    "ephemeralContainers",
    "volumes",
    "securityContext",
    "hostNetwork",
    "hostPID",
    "os",
  ],
  fc.oneof(value, fc.array(container, { maxLength: 2 }), securityContext),
);
const template = shaped(["metadata", "spec"], fc.oneof(value, podSpec));

/** Props of an object of `kind` with the pod spec (or its template) where the kind keeps it. */
function propsOf(kind: string, spec: unknown, tmpl: unknown, metadata: unknown): Record<string, unknown> {
  if (kind === "Pod") return { metadata, spec };
  if (kind === "Namespace") return { metadata };
  if (kind === "CronJob") return { metadata, spec: { jobTemplate: { spec: { template: tmpl } } } };
  return { metadata, spec: { template: tmpl } };
}

const metadata = fc.oneof(
  value,
  fc.record({
    name: fc.oneof(fc.constantFrom("payments", "aad-pod-identity"), value),
    namespace: fc.oneof(fc.constantFrom("payments", "aad-pod-identity", UNKNOWN), value),
    labels: fc.oneof(
      value,
      fc.dictionary(
        fc.constantFrom(
          "pod-security.kubernetes.io/enforce",
          "pod-security.kubernetes.io/enforce-version",
          "aadpodidbinding",
        ),
        fc.oneof(
          fc.constantFrom("baseline", "restricted", "privileged", "v1.30", "v1.34", "latest", UNKNOWN),
          value,
        ),
      ),
    ),
  }),
);

const stack = fc.array(fc.tuple(fc.constantFrom(...KINDS), podSpec, template, metadata), {
  minLength: 1,
  maxLength: 6,
});

describe("the pack on malformed resources", () => {
  it("never crashes a policy, whatever the props and wherever the unknowns", async () => {
    await fc.assert(
      fc.asyncProperty(stack, async (items) => {
        const resources: EvaluatedResource[] = items.map(([[groupVersion, kind], spec, tmpl, meta], i) =>
          k8s(groupVersion, kind, `r${i}`, propsOf(kind, spec, tmpl, meta)),
        );
        await evaluatePolicies(resources);
      }),
      { numRuns: 300 },
    );
  }, 120_000);
});
