/**
 * Loads `stacks/Pulumi.<stack>.yaml` and turns its `config:` block into the flat string map the
 * Pulumi runtime reads (`<namespace>:<key>` -> string, structured values as JSON), exactly as the
 * CLI hands config to a program. `secure:` values cannot be decrypted offline: each becomes a
 * recognisable placeholder and its key is reported (and marked secret) so the output says so.
 */
import { existsSync, readdirSync, readFileSync } from "fs";
import * as path from "path";
import { parseDocument } from "yaml";
import { InputError } from "./exit-codes";
import { placeholderForSecret } from "./offline-placeholders";

export interface LoadedStack {
  stack: string;
  /** Absolute path of the stack file. */
  file: string;
  /** Flat runtime config (`aks-hardening:teams` -> JSON text). */
  rawConfig: Record<string, string>;
  /** Top-level keys that held a `secure:` value somewhere. */
  secretKeys: string[];
  /** Key paths (e.g. `aks-hardening:existing.kubeconfig`) replaced by placeholders. */
  substitutedSecrets: string[];
}

const STACK_FILE = /^Pulumi\.([A-Za-z0-9_.-]+)\.ya?ml$/;

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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Replaces `{secure: ...}` leaves with placeholders, recording their paths. */
function substituteSecure(value: unknown, keyPath: string, found: string[]): unknown {
  if (isRecord(value) && Object.keys(value).length === 1 && typeof value.secure === "string") {
    found.push(keyPath);
    return placeholderForSecret(keyPath);
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteSecure(v, `${keyPath}[${i}]`, found));
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substituteSecure(v, `${keyPath}.${k}`, found);
    return out;
  }
  return value;
}

/** Turns a parsed `config:` mapping into runtime config; bare keys belong to `project`. */
export function toRawConfig(
  config: Record<string, unknown>,
  project: string,
): Pick<LoadedStack, "rawConfig" | "secretKeys" | "substitutedSecrets"> {
  const rawConfig: Record<string, string> = {};
  const secretKeys: string[] = [];
  const substitutedSecrets: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    const fullKey = key.includes(":") ? key : `${project}:${key}`;
    const before = substitutedSecrets.length;
    const plain = substituteSecure(value, fullKey, substitutedSecrets);
    if (substitutedSecrets.length > before) secretKeys.push(fullKey);
    // The CLI passes scalars as their text and objects/arrays as JSON (Config.getObject parses it).
    rawConfig[fullKey] = typeof plain === "string" ? plain : JSON.stringify(plain);
  }
  return { rawConfig, secretKeys, substitutedSecrets };
}

export function loadStackFile(dir: string, stack: string, project: string): LoadedStack {
  const available = listStacks(dir);
  if (!available.includes(stack)) {
    throw new InputError(
      `unknown stack "${stack}": no Pulumi.${stack}.yaml in ${dir}. Available stacks: ${available.length > 0 ? available.join(", ") : "(none)"}`,
    );
  }
  const file = [".yaml", ".yml"]
    .map((ext) => path.join(dir, `Pulumi.${stack}${ext}`))
    .find((f) => existsSync(f))!;
  const doc = parseDocument(readFileSync(file, "utf8"));
  if (doc.errors.length > 0) {
    throw new InputError(
      doc.errors.map((e) => `${file}: invalid YAML: ${e.message.split("\n")[0]}`).join("\n"),
    );
  }
  const root: unknown = doc.toJS();
  if (root !== null && root !== undefined && !isRecord(root)) {
    throw new InputError(`${file}: expected a mapping with a "config:" key at the top level`);
  }
  const config = (root as Record<string, unknown> | null)?.config ?? {};
  if (!isRecord(config)) throw new InputError(`${file}: "config" must be a mapping of key: value`);
  return { stack, file, ...toRawConfig(config, project) };
}
