/**
 * Runs the real blueprint program (`infra/program.ts` `main`) under the shared recording mocks with
 * a stack file's config, answering its invokes with the fixtures the component tests use. A config
 * validation failure (or a component refusing its arguments) becomes an `InputError` carrying the
 * validator's lines, one problem each.
 */
import { HardeningArgsError } from "../components/kubernetes/validate-args";
import { ConfigValidationError } from "../infra/config/errors";
import { mockInvoke } from "../testing/computed-outputs";
import { InputError } from "./exit-codes";
import type { PlannedResource } from "./resources";
import type { LoadedStack } from "./stack-file";

export async function runBlueprint(stack: LoadedStack, project: string): Promise<PlannedResource[]> {
  // Loaded lazily: `plan --help` and bad flags should answer before the SDK and providers load.
  const { runProgramUnderMocks } = await import("../testing/recording-mocks");
  const { main } = await import("../infra/program");
  try {
    const { resources } = await runProgramUnderMocks(main, {
      project,
      stack: stack.stack,
      rawConfig: stack.rawConfig,
      secretKeys: stack.secretKeys,
      call: mockInvoke,
    });
    return resources.map((r) => ({
      urn: r.urn,
      type: r.type,
      custom: r.custom,
      id: r.custom ? r.id : undefined,
      parent: r.parent,
      dependencies: r.dependencies,
      provider: r.provider,
      inputs: r.inputs,
      outputs: r.custom ? r.outputs : undefined,
    }));
  } catch (err) {
    if (err instanceof ConfigValidationError) {
      throw new InputError(`invalid configuration in ${stack.file}:\n${err.message}`);
    }
    // The stack passed validation but a component refused what it was given (before registering).
    if (err instanceof HardeningArgsError) {
      throw new InputError(
        `the configuration in ${stack.file} is refused by the Kubernetes layer:\n${err.message}`,
      );
    }
    throw err;
  }
}
