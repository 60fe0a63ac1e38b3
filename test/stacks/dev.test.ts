/** The `dev` stack file builds as a whole program and passes every create-mode check. */
import { describeCreateStack, runStack, type StackRun } from "./whole-program";

let run: StackRun;
beforeAll(async () => {
  run = await runStack("dev");
});

describeCreateStack("dev", () => run);
