/**
 * Runs a decision table against one admission policy: every row states whether the request is
 * allowed; every denial row also proves it can fail, by re-running the same request with the
 * validations that denied it removed (the control absent) and expecting it to pass.
 */
import { appendFileSync } from "fs";
import type { AdmissionPolicyDefinition } from "../../conventions/admission";
import { evaluatePolicy, withoutValidation, type AdmissionRequestFixture } from "./vap-evaluator";

export interface DecisionRow {
  name: string;
  request: AdmissionRequestFixture;
  /** Expected outcome; `"not-matched"` when the policy must not apply to the request at all. */
  expect: "allow" | "deny" | "not-matched";
  /** Substrings every denial message must contain (besides the policy name). */
  messageIncludes?: string[];
}

/** Indexes of the validations that reject `request` on their own. */
export function failingValidations(
  policy: AdmissionPolicyDefinition,
  request: AdmissionRequestFixture,
): number[] {
  return policy.spec.validations
    .map((_, i) => i)
    .filter((i) => {
      const only = { ...policy, spec: { ...policy.spec, validations: [policy.spec.validations[i]] } };
      return !evaluatePolicy(only, request).allowed;
    });
}

/**
 * When set, every row is also appended (one JSON line: policy + row) to this file, so
 * `cel-compile/run.sh` can replay the very same tables on the API server's own CEL runtime.
 */
export const DECISION_DUMP_ENV = "AKS_HARDENING_DECISION_DUMP";

export function runDecisionTable(policy: AdmissionPolicyDefinition, rows: DecisionRow[]): void {
  const dump = process.env[DECISION_DUMP_ENV];
  if (dump) for (const row of rows) appendFileSync(dump, `${JSON.stringify({ policy, row })}\n`);
  it.each(rows.map((row) => [row.name, row] as const))("%s", (_name, row) => {
    const decision = evaluatePolicy(policy, row.request);
    if (row.expect === "not-matched") {
      expect(decision.matched).toBe(false);
      return;
    }
    expect(decision.matched).toBe(true);
    // A CEL error would also deny (failurePolicy Fail), but it is a bug, never the intended reason.
    expect(decision.errors).toEqual([]);
    if (row.expect === "allow") {
      expect(decision.messages).toEqual([]);
      expect(decision.allowed).toBe(true);
      return;
    }
    expect(decision.allowed).toBe(false);
    const text = decision.messages.join("\n");
    expect(text).toContain(`${policy.name}: `);
    for (const part of row.messageIncludes ?? []) expect(text).toContain(part);

    // Companion: the same request passes once the denying validations are absent.
    const failing = failingValidations(policy, row.request);
    expect(failing.length).toBeGreaterThan(0);
    const absent = failing.reduceRight((p, i) => withoutValidation(p, i), policy);
    const withoutControl = evaluatePolicy(absent, row.request);
    expect(withoutControl.errors).toEqual([]);
    expect(withoutControl.allowed).toBe(true);
  });
}
