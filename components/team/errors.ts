/**
 * The one error type of the team-facing library: every problem names the key (a path such as
 * `identities[1].clientId`) and the offending value, so a team sees at once what to fix, before any
 * resource is registered. Same shape as the platform's `ConfigValidationError` problems.
 */
import { RunError } from "@pulumi/pulumi/errors";
import { formatProblem, type Problem } from "../../conventions/problems";

/** One problem found in a contract or in a component's args (the blueprint's one problem shape). */
export type TeamInputProblem = Problem;

/**
 * Thrown with every problem found at once; `message` is one line per problem. A `RunError`, so the
 * Pulumi CLI prints the message alone (no stack trace, no object dump).
 */
export class TeamInputError extends RunError {
  constructor(
    /** What was being checked, e.g. `platform contract for team "team-a"`. */
    readonly subject: string,
    readonly problems: TeamInputProblem[],
  ) {
    super([`invalid ${subject}:`, ...problems.map((p) => `  ${formatProblem(p)}`)].join("\n"));
    this.name = "TeamInputError";
  }
}

/** Collects problems, then throws them together (or not at all). */
export class ProblemList {
  readonly problems: TeamInputProblem[] = [];

  add(key: string, value: unknown, message: string): void {
    this.problems.push({ key, value, message });
  }

  throwIfAny(subject: string): void {
    if (this.problems.length > 0) throw new TeamInputError(subject, this.problems);
  }
}
