/**
 * Shared in-process harness for the policy pack's tests.
 *
 * It runs policies through `policy-pack/evaluate.ts`, which builds the arguments the policy server
 * builds (props behind `@pulumi/policy`'s own unknown-checking proxy, `notApplicable`, `getConfig`
 * with schema defaults, stack tags, type fast path), so a test sees what `pulumi preview` would.
 * Each policy is described by one compliant fixture, one mutation per case it covers, and an
 * unknown-value case; `describePolicy` turns that description into jest tests.
 */
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { evaluatePolicies, EvaluatedResource, PolicyViolation } from "../../policy-pack/evaluate";
import { policies } from "../../policy-pack/policies";
import type { PackPolicy } from "../../policy-pack/policies";

/** The engine's sentinel for a string unknown at preview. */
export const UNKNOWN = unknownValue;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Props = Record<string, any>;

/** A resource as the evaluator takes it; the URN is derived from type and name. */
export function resource(
  type: string,
  name: string,
  props: Props,
  extra: Partial<EvaluatedResource> = {},
): EvaluatedResource {
  return { urn: `urn:pulumi:test::aks-hardening::${type}::${name}`, type, name, props, ...extra };
}

/** A Kubernetes object resource (`kubernetes:<group>/<version>:<Kind>`). */
export function k8s(
  groupVersion: string,
  kind: string,
  name: string,
  props: Props,
  extra: Partial<EvaluatedResource> = {},
) {
  return resource(
    `kubernetes:${groupVersion}:${kind}`,
    name,
    { apiVersion: groupVersion, kind, ...props },
    extra,
  );
}

export function policyNamed(name: string): PackPolicy {
  const policy = policies.find((p) => p.name === name);
  if (!policy) throw new Error(`no policy named ${name}`);
  return policy;
}

/** Runs one policy (with optional policy-config settings) over `resources`. */
export async function run(
  policyName: string,
  resources: EvaluatedResource[],
  settings?: Record<string, unknown>,
): Promise<PolicyViolation[]> {
  return evaluatePolicies(resources, {
    policies: [policyNamed(policyName)],
    config: settings ? { [policyName]: settings } : undefined,
  });
}

/** Looks a resource up by name in a fixture, for mutations. */
export function byName(resources: EvaluatedResource[], name: string): Props {
  const found = resources.find((r) => r.name === name);
  if (!found) throw new Error(`fixture has no resource ${name}`);
  return found.props;
}

export interface Mutation {
  /** What the mutation breaks (the test name). */
  name: string;
  mutate: (resources: EvaluatedResource[]) => void | EvaluatedResource[];
  /** A message the policy must report. */
  expect: RegExp;
  /** Policy config settings for this case. */
  settings?: Record<string, unknown>;
}

export interface PolicyCase {
  policy: string;
  /** Resources that the policy must accept without any report. */
  fixture: () => EvaluatedResource[];
  /** Settings for the compliant run (and every mutation unless it sets its own). */
  settings?: Record<string, unknown>;
  mutations: Mutation[];
  /**
   * Makes a field unknown. The policy must not crash and must not block (mandatory) on the unknown:
   * the server's advisory "can't run ... during preview" appears instead. If `stillReports` is
   * given, the mutation also plants a known insecure literal, which must still be reported.
   */
  unknown: {
    name: string;
    mutate: (resources: EvaluatedResource[]) => void | EvaluatedResource[];
    stillReports?: RegExp;
    /** `false` for a policy that decides without reading the unknown field (no advisory note). */
    deferred?: boolean;
  };
}

/** The level a policy reports at under the default config. */
function levelOf(policyName: string): string {
  return policyNamed(policyName).enforcementLevel === "advisory" ? "advisory" : "mandatory";
}

/** Turns a `PolicyCase` into a jest `describe` block. */
export function describePolicy(c: PolicyCase): void {
  describe(c.policy, () => {
    it("accepts the compliant fixture", async () => {
      expect(await run(c.policy, c.fixture(), c.settings)).toEqual([]);
    });
    it.each(c.mutations.map((m) => [m.name, m] as const))("reports: %s", async (_name, m) => {
      const resources = c.fixture();
      const replaced = m.mutate(resources);
      const violations = await run(c.policy, replaced ?? resources, m.settings ?? c.settings);
      const reported = violations.filter((v) => v.enforcementLevel === levelOf(c.policy));
      expect(reported.map((v) => v.message)).toEqual(
        expect.arrayContaining([expect.stringMatching(m.expect)]),
      );
    });
    it(`stays preview-safe when ${c.unknown.name} is unknown`, async () => {
      const resources = c.fixture();
      const replaced = c.unknown.mutate(resources);
      const violations = await run(c.policy, replaced ?? resources, c.settings);
      const advisory = violations.filter((v) => v.enforcementLevel === "advisory").map((v) => v.message);
      const note = expect.stringMatching(/can't run policy .* during preview/);
      if (c.unknown.deferred === false) expect(advisory).not.toEqual(expect.arrayContaining([note]));
      else expect(advisory).toEqual(expect.arrayContaining([note]));
      const blocking = violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.message);
      if (c.unknown.stillReports) expect(blocking).toEqual([expect.stringMatching(c.unknown.stillReports)]);
      else expect(blocking).toEqual([]);
    });
  });
}
