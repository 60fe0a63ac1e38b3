/**
 * The one error that bad stack configuration produces.
 *
 * Validation collects every problem before throwing, so a user fixes a stack file in one pass
 * instead of one `pulumi preview` per typo.
 */
import { RunError } from "@pulumi/pulumi/errors";
import { describeValue, formatProblem, type Problem } from "../../conventions/problems";

/** One problem found in the stack configuration (the blueprint's one problem shape). */
export type ConfigProblem = Problem;
export { describeValue, formatProblem };

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
