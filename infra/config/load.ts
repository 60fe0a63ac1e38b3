/**
 * Reads the stack's project configuration from the Pulumi runtime and validates it.
 *
 * The only module that reads the Pulumi config runtime: components receive the typed result.
 */
import * as pulumi from "@pulumi/pulumi";
import type { BlueprintConfig } from "./types";
import { PROJECT } from "./project";
import { validateConfig } from "./validate";

export { PROJECT };

/**
 * All project keys of the current stack, without the `aks-hardening:` prefix, as the runtime holds
 * them (structured values arrive as JSON strings; `validateConfig` parses them).
 */
export function readProjectConfig(): Record<string, unknown> {
  const prefix = `${PROJECT}:`;
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (key.startsWith(prefix)) raw[key.slice(prefix.length)] = value;
  }
  return raw;
}

/** The validated configuration of the current stack; throws `ConfigValidationError` on bad input. */
export function loadConfig(): BlueprintConfig {
  return validateConfig(readProjectConfig(), pulumi.getStack());
}
