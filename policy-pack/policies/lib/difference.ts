/**
 * Where a declared value first departs from the value the blueprint would build: a path such as
 * `spec.validations[2].expression`, read through a `Judge` so that an unknown part defers instead of
 * hiding a known difference elsewhere.
 */
import { type Judge, UNKNOWN, type Unknowable } from "./judge";

export interface Difference {
  path: string;
  /** What is declared there (`undefined`: nothing). */
  actual: unknown;
  /** What the blueprint builds there (`undefined`: nothing). */
  expected: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The first difference between `read()` and `expected`, `undefined` when they are equal, or
 * `UNKNOWN` when no known part differs but some part is unknown. Object keys whose value is
 * `undefined` count as absent, as they do once serialized; paths in `ignored` are not compared, and
 * a field absent on one side counts as its value in `defaults` (keyed by path, indexes as `[]`).
 */
export function firstDifference(
  j: Judge,
  read: () => unknown,
  expected: unknown,
  path: string,
  ignored: ReadonlySet<string> = new Set(),
  defaults: ReadonlyMap<string, unknown> = new Map(),
): Unknowable<Difference | undefined> {
  if (ignored.has(path)) return undefined;
  const actual = j.read(read);
  if (actual === UNKNOWN) return UNKNOWN;
  let undecided = false;
  const descend = (next: () => unknown, want: unknown, at: string): Difference | undefined => {
    const found = firstDifference(j, next, want, at, ignored, defaults);
    if (found === UNKNOWN) undecided = true;
    return found === UNKNOWN ? undefined : found;
  };
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return { path, actual, expected };
    for (let i = 0; i < expected.length; i++) {
      const found = descend(() => actual[i], expected[i], `${path}[${i}]`);
      if (found) return found;
    }
  } else if (isRecord(expected)) {
    if (!isRecord(actual)) return { path, actual, expected };
    const keys = j.read(() => Object.keys(actual));
    if (keys === UNKNOWN) return UNKNOWN;
    for (const key of new Set([...Object.keys(expected), ...keys])) {
      const at = `${path}.${key}`;
      // A field the API server defaults is the same whether it was written out or left to the default.
      const byDefault = defaults.get(at.replace(/\[\d+\]/g, "[]"));
      const found = descend(() => actual[key] ?? byDefault, expected[key] ?? byDefault, at);
      if (found) return found;
    }
  } else if (actual !== expected) {
    return { path, actual, expected };
  }
  return undecided ? UNKNOWN : undefined;
}
