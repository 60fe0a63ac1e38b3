/**
 * Typed access to the two runtime helpers `@pulumi/policy` 1.21.0 exports for test harnesses
 * (`unknownCheckingProxy`, `UnknownValueError`, re-exported by its `index.js` "so policy-pack test
 * helpers can mirror real runtime semantics"). Its `proxy.d.ts` is stripped of `@internal` members,
 * so the declarations are restated here; the values are the package's own, which matters because
 * the server tests `instanceof UnknownValueError` against exactly this class.
 */
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import * as policy from "@pulumi/policy";
import * as proxy from "@pulumi/policy/proxy";

interface PolicyRuntime {
  unknownCheckingProxy<T extends object>(this: void, props: T): T;
  UnknownValueError: new (...args: never[]) => Error;
}

const runtime = policy as unknown as PolicyRuntime;

/** Wraps props so that reading a preview-unknown value throws `UnknownValueError`. */
export const unknownCheckingProxy = runtime.unknownCheckingProxy;
/** What reading an unknown value through `unknownCheckingProxy` throws. */
export const UnknownValueError = runtime.UnknownValueError;

/** The sentinel the engine passes for an unknown string (and, in our fixtures, any unknown). */
export const UNKNOWN_STRING = unknownValue;

/** Every sentinel `unknownCheckingProxy` treats as unknown (`@pulumi/policy/proxy`). */
const SENTINELS: ReadonlySet<unknown> = new Set(
  [
    "unknownBooleanValue",
    "unknownNumberValue",
    "unknownStringValue",
    "unknownArrayValue",
    "unknownAssetValue",
    "unknownArchiveValue",
    "unknownObjectValue",
  ].map((key) => (proxy as unknown as Record<string, unknown>)[key]),
);

/** Whether any value inside `value` is an unknown sentinel (what the proxy would throw on). */
export function containsUnknown(value: unknown): boolean {
  if (typeof value === "string") return SENTINELS.has(value);
  if (typeof value !== "object" || value === null) return false;
  if (Array.isArray(value)) return value.some(containsUnknown);
  for (const key in value) if (containsUnknown((value as Record<string, unknown>)[key])) return true;
  return false;
}

/**
 * An error built without a stack trace, for the "not applicable" signals thrown for most resources
 * of a large stack (capturing a trace each time would dominate the evaluation time).
 */
export class StacklessError extends Error {
  constructor(message?: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
  }
}
