/**
 * Runs a team project's compiled program (`bin/app.js`, export `main`) under Pulumi's runtime mocks,
 * with the SDK that project installed, and prints what it registered as JSON on stdout.
 * package.test.ts copies it into the scratch project; plain JavaScript, so it needs no compiler.
 *
 * Environment: MOCK_STACK (stack name), MOCK_CONFIG (JSON of `team-app:<key>` values),
 * MOCK_CONTRACT_OUTPUTS (JSON: the outputs the contract StackReference serves).
 */
"use strict";
const pulumi = require("@pulumi/pulumi");
const settings = require("@pulumi/pulumi/runtime/settings");

async function run() {
  const registered = [];
  const contractOutputs = JSON.parse(process.env.MOCK_CONTRACT_OUTPUTS);
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        const state =
          args.type === "pulumi:pulumi:StackReference"
            ? { ...args.inputs, outputs: contractOutputs }
            : args.inputs;
        return { id: `${args.name}-id`, state };
      },
      call(args) {
        throw new Error(`unexpected invoke under mocks: ${args.token}`);
      },
    },
    "team-app",
    process.env.MOCK_STACK,
    false,
  );
  pulumi.runtime.setAllConfig(JSON.parse(process.env.MOCK_CONFIG));
  let failure;
  process.on("unhandledRejection", (reason) => (failure = failure || reason));
  await pulumi.runtime.runInPulumiStack(async () => {
    try {
      await require("./bin/app").main();
    } catch (err) {
      failure = failure || err;
    }
    return {};
  });
  await settings.waitForRPCs();
  return { registered, error: failure === undefined ? undefined : String(failure.message || failure) };
}

run().then(
  (result) => process.stdout.write(JSON.stringify(result)),
  (err) => {
    process.stderr.write(`${err.stack || err}\n`);
    process.exit(1);
  },
);
