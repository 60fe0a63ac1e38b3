/**
 * Reads `pulumi preview --json` output: a `PreviewDigest` (pulumi/pulumi `sdk/go/common/display`)
 * whose `steps[]` carry `op`, `urn` and `newState` (an `apitype.ResourceV3`). The pack judges what
 * the stack will look like after the update, so steps that remove a resource are left out.
 */
import { InputError } from "./exit-codes";
import type { PlannedResource } from "./resources";
import { revealOrUnknown } from "./secrets";

/** Step ops whose resource will not exist after the update (`deploy.StepOp` labels). */
const REMOVING_OPS = new Set([
  "delete",
  "delete-replaced",
  "discard",
  "discard-replaced",
  "remove-pending-replace",
  "read-discard",
]);

export function fromPreviewJson(doc: Record<string, unknown>, file: string): PlannedResource[] {
  const steps = doc.steps;
  if (!Array.isArray(steps)) throw new InputError(`${file}: "steps" must be an array`);
  const byUrn = new Map<string, PlannedResource>();
  steps.forEach((step: unknown, i) => {
    const where = `${file}: steps[${i}]`;
    if (typeof step !== "object" || step === null) throw new InputError(`${where} must be an object`);
    const s = step as Record<string, unknown>;
    if (typeof s.op !== "string")
      throw new InputError(`${where}.op must be a string, got ${JSON.stringify(s.op)}`);
    if (typeof s.urn !== "string")
      throw new InputError(`${where}.urn must be a string, got ${JSON.stringify(s.urn)}`);
    if (REMOVING_OPS.has(s.op)) return;
    const state = s.newState as Record<string, unknown> | undefined;
    if (state === undefined || state === null) return;
    if (typeof state !== "object") throw new InputError(`${where}.newState must be an object`);
    if (typeof state.type !== "string") {
      throw new InputError(`${where}.newState.type must be a string, got ${JSON.stringify(state.type)}`);
    }
    byUrn.set(s.urn, {
      urn: s.urn,
      type: state.type,
      custom: state.custom === true,
      id: typeof state.id === "string" ? state.id : undefined,
      parent: typeof state.parent === "string" && state.parent !== "" ? state.parent : undefined,
      dependencies: Array.isArray(state.dependencies)
        ? (state.dependencies as unknown[]).filter((d): d is string => typeof d === "string")
        : [],
      provider:
        typeof state.provider === "string" && state.provider !== ""
          ? state.provider
          : typeof s.provider === "string" && s.provider !== ""
            ? s.provider
            : undefined,
      inputs: revealOrUnknown(state.inputs ?? {}) as Record<string, unknown>,
    });
  });
  requireEveryResource(doc, new Set(steps.map((s) => (s as { urn: string }).urn)).size, file);
  return [...byUrn.values()];
}

/**
 * Without `--show-sames`, `pulumi preview --json` lists only the resources that change (plus the
 * stack), while `changeSummary` still counts every resource by operation. Judging the steps alone
 * would pass an up-to-date stack whatever it holds, so a digest that omits resources is refused.
 */
function requireEveryResource(doc: Record<string, unknown>, listed: number, file: string): void {
  const summary = doc.changeSummary;
  if (summary === undefined || summary === null) return;
  if (typeof summary !== "object" || Array.isArray(summary)) {
    throw new InputError(`${file}: "changeSummary" must be an object of operation -> count`);
  }
  let counted = 0;
  for (const [op, n] of Object.entries(summary)) {
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
      throw new InputError(`${file}: changeSummary.${op} must be a count, got ${JSON.stringify(n)}`);
    }
    counted += n;
  }
  if (counted > listed) {
    throw new InputError(
      `${file}: preview --json omits unchanged resources (changeSummary counts ${counted}, steps list ${listed}): rerun with --show-sames, or audit \`pulumi stack export\``,
    );
  }
}
