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

export function runCli(main: () => Promise<number>): void {
  const finish = (code: number) => {
    process.exitCode = code;
    // The Pulumi runtime can leave handles open; end once stdout has been flushed.
    setTimeout(() => process.exit(code), 50).unref();
  };
  main().then(finish, (err: unknown) => {
    if (err instanceof InputError) {
      process.stderr.write(`error: ${err.message}\n`);
      finish(EXIT_BAD_INPUT);
    } else {
      process.stderr.write(`internal error: ${err instanceof Error ? err.message : String(err)}\n`);
      finish(EXIT_INTERNAL_ERROR);
    }
  });
}
