/**
 * Exit statuses shared by `plan` and `audit`, and the one error type that maps to "bad input".
 *
 * CI reads the status, so it must mean one thing: 0 nothing blocks, 1 the pack found a mandatory
 * violation, 2 the input could not be judged at all (unknown stack, invalid config, unreadable or
 * foreign JSON, bad flags). A crash of our own code is 3 so it is never mistaken for a verdict.
 */
export const EXIT_CLEAN = 0;
export const EXIT_MANDATORY_VIOLATIONS = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_INTERNAL_ERROR = 3;

/** Input the user can fix. Its message is printed as is (one problem per line), without a stack. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

/** 1 when any violation is mandatory, else 0: the same rule `pulumi preview --policy-pack` applies. */
export function exitCodeForViolations(violations: { enforcementLevel: string }[]): number {
  return violations.some((v) => v.enforcementLevel === "mandatory") ? EXIT_MANDATORY_VIOLATIONS : EXIT_CLEAN;
}
