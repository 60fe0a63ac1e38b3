/**
 * Finds and loads `stacks/Pulumi.<stack>.yaml` for the offline plan, and turns its project config
 * into the flat string map the Pulumi runtime reads (`aks-hardening:<key>` -> text or JSON), as the
 * CLI hands config to a program. Reading the YAML and replacing `secure:` values is the config
 * layer's (`infra/config/stack-file.ts`); this module adds what a user of the plan must see: which
 * values are placeholders, marked secret, and a clear error for an unknown stack or broken file.
 */
import { existsSync, readdirSync, readFileSync } from "fs";
import * as path from "path";
import { PROJECT } from "../infra/config/project";
import { OFFLINE_SECRET_PLACEHOLDER, stackConfigFromYaml } from "../infra/config/stack-file";
import { MOCK_USER_KUBECONFIG } from "../testing/computed-outputs";
import { InputError } from "./exit-codes";

export interface LoadedStack {
  stack: string;
  /** Absolute path of the stack file. */
  file: string;
  /** Flat runtime config (`aks-hardening:teams` -> JSON text). */
  rawConfig: Record<string, string>;
  /** Top-level keys that hold a placeholder somewhere (marked secret for the program). */
  secretKeys: string[];
  /** What was replaced and why, one line each, for the output. */
  placeholders: string[];
}

const STACK_FILE = /^Pulumi\.([A-Za-z0-9_.-]+)\.yaml$/;

/** The stack directory: `--stacks-dir`, else `$AKS_HARDENING_STACKS_DIR`, else `<repo>/stacks`. */
export function resolveStacksDir(option?: string): string {
  return path.resolve(option ?? process.env.AKS_HARDENING_STACKS_DIR ?? path.join(__dirname, "..", "stacks"));
}

export function listStacks(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => STACK_FILE.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/** Key paths (`existing.kubeconfig`, `teams[0].x`) whose value is the offline placeholder. */
function placeholderPaths(value: unknown, keyPath: string, found: string[]): string[] {
  if (value === OFFLINE_SECRET_PLACEHOLDER || value === MOCK_USER_KUBECONFIG) found.push(keyPath);
  else if (Array.isArray(value)) value.forEach((v, i) => placeholderPaths(v, `${keyPath}[${i}]`, found));
  else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) placeholderPaths(v, `${keyPath}.${k}`, found);
  }
  return found;
}

/**
 * Converts a stack file's text. An `existing`-mode stack whose kubeconfig is not in the file (it is
 * machine-specific, set with `pulumi config set --secret`) gets a fake, parseable kubeconfig.
 */
export function stackRawConfig(text: string): Omit<LoadedStack, "stack" | "file"> {
  let config = stackConfigFromYaml(text);
  const existing = config.existing as { kubeconfig?: unknown } | undefined;
  const missingKubeconfig = config.clusterMode === "existing" && existing?.kubeconfig === undefined;
  if (missingKubeconfig)
    config = stackConfigFromYaml(text, { secrets: { "existing.kubeconfig": MOCK_USER_KUBECONFIG } });
  const rawConfig: Record<string, string> = {};
  const secretKeys: string[] = [];
  const placeholders: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    const fullKey = `${PROJECT}:${key}`;
    // The CLI passes scalars as their text and objects/arrays as JSON (Config.getObject parses it).
    rawConfig[fullKey] = typeof value === "string" ? value : JSON.stringify(value);
    const paths = placeholderPaths(value, key, []);
    if (paths.length > 0) secretKeys.push(fullKey);
    for (const p of paths) {
      placeholders.push(
        p === "existing.kubeconfig" && missingKubeconfig
          ? `${p}: not in the stack file (a machine-specific secret); planned with a fake kubeconfig`
          : `${p}: secure value, cannot be decrypted offline; planned with a placeholder`,
      );
    }
  }
  return { rawConfig, secretKeys, placeholders };
}

export function loadStackFile(dir: string, stack: string): LoadedStack {
  const available = listStacks(dir);
  if (!available.includes(stack)) {
    throw new InputError(
      `unknown stack "${stack}": no Pulumi.${stack}.yaml in ${dir}. Available stacks: ${available.length > 0 ? available.join(", ") : "(none)"}`,
    );
  }
  const file = path.join(dir, `Pulumi.${stack}.yaml`);
  try {
    return { stack, file, ...stackRawConfig(readFileSync(file, "utf8")) };
  } catch (err) {
    // A YAML syntax error carries its line and column in the message.
    throw new InputError(`${file}: cannot read the stack config: ${(err as Error).message.split("\n")[0]}`);
  }
}
