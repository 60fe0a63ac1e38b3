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
 * `undefined` count as absent, as they do once serialized; paths in `ignored` are not compared.
 */
export function firstDifference(
  j: Judge,
  read: () => unknown,
  expected: unknown,
  path: string,
  ignored: ReadonlySet<string> = new Set(),
): Unknowable<Difference | undefined> {
  if (ignored.has(path)) return undefined;
  const actual = j.read(read);
  if (actual === UNKNOWN) return UNKNOWN;
  let undecided = false;
  const descend = (next: () => unknown, want: unknown, at: string): Difference | undefined => {
    const found = firstDifference(j, next, want, at, ignored);
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
      const found = descend(() => actual[key], expected[key], `${path}.${key}`);
      if (found) return found;
    }
  } else if (actual !== expected) {
    return { path, actual, expected };
  }
  return undecided ? UNKNOWN : undefined;
}
