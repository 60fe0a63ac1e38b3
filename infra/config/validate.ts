/**
 * Turns raw project configuration into the typed `BlueprintConfig`, reporting every problem at once.
 */
import { ConfigValidationError, type ConfigProblem } from "./errors";
import type { BlueprintConfig } from "./types";

/**
 * Validates the raw project config (keys without the `aks-hardening:` prefix; values either parsed
 * or as the JSON strings `pulumi.Config` holds) and fills the documented defaults.
 *
 * @throws ConfigValidationError listing every problem, each with its key path and value.
 */
export function validateConfig(raw: Record<string, unknown>, stack: string): BlueprintConfig {
  const problems: ConfigProblem[] = [];
  // Interim: full validation lands in the next commit; this keeps the signature importable.
  if (raw.teams === undefined) problems.push({ key: "teams", value: undefined, message: "is required" });
  if (problems.length > 0) throw new ConfigValidationError(stack, problems);
  throw new ConfigValidationError(stack, [
    { key: "(all)", value: undefined, message: "validation not implemented yet" },
  ]);
}
