/**
 * The one problem shape of the blueprint: stack configuration, component arguments and team
 * contracts all report `key: message (got value)`, every problem at once, so a user fixes them in
 * one pass. The error classes that carry problems live in their layers (they extend the SDK's
 * `RunError`, which this dependency-free module cannot import); the shape and the wording live here.
 */

/** One problem: where, what was found, what is wrong. */
export interface Problem {
  /** Key path, e.g. `teams[1].namespaces[0]` or `identities[0].clientId`. */
  key: string;
  /** The offending value as it was given (`undefined` for a missing key). */
  value: unknown;
  /** What is wrong and what is expected. */
  message: string;
}

/** Longest rendering of a value in a message: a pasted kubeconfig must not flood the terminal. */
export const MAX_VALUE_LENGTH = 120;

/** Renders a value for a problem line: short, single-line, and never a multi-kilobyte blob. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "(missing)";
  let text: string;
  try {
    // JSON keeps strings quoted, so `""` and `" "` are visible; functions/symbols give undefined.
    text = JSON.stringify(value) ?? typeof value;
  } catch {
    text = typeof value; // circular structures: the type is all we can say
  }
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 3)}...` : text;
}

/** Formats one problem as the line shown to the user. */
export function formatProblem(problem: Problem): string {
  return `${problem.key}: ${problem.message} (got ${describeValue(problem.value)})`;
}
