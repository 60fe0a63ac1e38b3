/**
 * The `dev` stack file builds as a whole program and passes every create-mode check, and the
 * `guardrails` settings reach the admission policies.
 */
import {
  describeCreateStack,
  describeGuardrails,
  runStack,
  withGuardrails,
  type StackRun,
} from "./whole-program";

let run: StackRun;
beforeAll(async () => {
  // The only deviation from the file: `guardrails` set, so the same run proves create mode wires them.
  run = await runStack("dev", { override: withGuardrails });
});

describeCreateStack("dev", () => run);
describeGuardrails("dev", () => run);
