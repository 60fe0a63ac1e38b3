/**
 * Wraps an entry point so that every failure ends in a one-line (or one-line-per-problem) message
 * and a meaningful exit status, never a stack trace: `InputError` -> 2, anything else -> 3.
 */
import { parseArgs, type ParseArgsConfig } from "util";
import { EXIT_BAD_INPUT, EXIT_INTERNAL_ERROR, InputError } from "./exit-codes";

/** Flags both `plan` and `audit` take. */
export const SHARED_OPTIONS = {
  format: { type: "string" },
  "policy-config": { type: "string" },
  report: { type: "string" },
  "stacks-dir": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** `util.parseArgs` (pass `strict: true`), its errors turned into `InputError`s with the usage text. */
export function parseCliArgs<T extends ParseArgsConfig>(
  config: T,
  usage: string,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (err) {
    throw new InputError(`${(err as Error).message}\n${usage}`);
  }
}

/** Resolves once everything written to `stream` so far has been handed to the OS. */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  // Writes are flushed in order, so the callback of an empty write runs after all earlier ones.
  return new Promise((resolve) => stream.write("", () => resolve()));
}

export function runCli(main: () => Promise<number>): void {
  const finish = async (code: number) => {
    process.exitCode = code;
    // A pipe to a slow reader (CI piping SARIF) can hold megabytes not yet written: exiting before
    // they drain would cut the output with a normal status.
    await Promise.all([drained(process.stdout), drained(process.stderr)]);
    // The Pulumi runtime can leave handles open; once the output is out, nothing else matters.
    setTimeout(() => process.exit(code), 50).unref();
  };
  void main().then(finish, (err: unknown) => {
    if (err instanceof InputError) {
      process.stderr.write(`error: ${err.message}\n`);
      return finish(EXIT_BAD_INPUT);
    } else {
      process.stderr.write(`internal error: ${err instanceof Error ? err.message : String(err)}\n`);
      return finish(EXIT_INTERNAL_ERROR);
    }
  });
}
