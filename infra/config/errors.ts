/**
 * The one error that bad stack configuration produces.
 *
 * Validation collects every problem before throwing, so a user fixes a stack file in one pass
 * instead of one `pulumi preview` per typo.
 */
import { RunError } from "@pulumi/pulumi/errors";

/** One problem found in the stack configuration. */
export interface ConfigProblem {
  /** Key path without the project prefix, e.g. `teams[1].namespaces[0]` or `cluster.tier`. */
  key: string;
  /** The offending value as it was given (`undefined` for a missing key). */
  value: unknown;
  /** What is wrong and what is expected. */
  message: string;
}

/** Renders a value for an error line: short, single-line, and never a multi-kilobyte blob. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "(missing)";
  let text: string;
  try {
    // JSON keeps strings quoted, so `""` and `" "` are visible; functions/symbols give undefined.
    text = JSON.stringify(value) ?? typeof value;
  } catch {
    text = typeof value; // circular structures: the type is all we can say
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** Formats one problem as the line shown to the user. */
export function formatProblem(problem: ConfigProblem): string {
  return `${problem.key}: ${problem.message} (got ${describeValue(problem.value)})`;
}

/**
 * Thrown by `validateConfig` with every problem found; nothing has been registered yet.
 *
 * A `RunError`: the Pulumi Node.js runtime prints a RunError as its message alone, so under
 * `pulumi preview` the user sees the problem lines, not a stack trace and an object dump.
 */
export class ConfigValidationError extends RunError {
  readonly problems: readonly ConfigProblem[];

  /** The stack whose configuration was rejected (not `stack`: that is `Error.stack`). */
  readonly stackName: string;

  constructor(stackName: string, problems: readonly ConfigProblem[]) {
    // One line per problem, nothing else: tools and tests can split the message on newlines.
    super(problems.map(formatProblem).join("\n"));
    this.name = "ConfigValidationError";
    this.stackName = stackName;
    this.problems = problems;
  }
}
