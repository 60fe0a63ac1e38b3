/**
 * Reads a `stacks/Pulumi.<stack>.yaml` file into the raw project config, for tools that run without
 * the Pulumi CLI (the offline plan, tests, the local-API-server run).
 *
 * The CLI decrypts `secure:` values before the program sees them; offline there is no key, so each
 * secret is taken from `secrets` (by key path, e.g. `existing.kubeconfig`) or replaced by
 * `OFFLINE_SECRET_PLACEHOLDER`. A secret that the stack file does not hold at all (the committed
 * `Pulumi.local.yaml` has no kubeconfig: it is machine-specific and secret) can be supplied the same
 * way; this mirrors `pulumi config set --secret --path <key>`.
 */
import { readFileSync } from "fs";
import { parse } from "yaml";
import { PROJECT } from "./project";

/** Stands in for a secret offline; never a usable credential. */
export const OFFLINE_SECRET_PLACEHOLDER =
  "<offline placeholder: secret not available without the Pulumi CLI>";

export interface StackFileOptions {
  /** Secret values by key path (`existing.kubeconfig`), set whether or not the file holds them. */
  secrets?: Record<string, string>;
}

/** The project keys (without `aks-hardening:`) of a stack file's text, secrets resolved as above. */
export function stackConfigFromYaml(text: string, options: StackFileOptions = {}): Record<string, unknown> {
  const document = (parse(text) ?? {}) as { config?: Record<string, unknown> };
  const prefix = `${PROJECT}:`;
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(document.config ?? {})) {
    if (key.startsWith(prefix)) raw[key.slice(prefix.length)] = replaceSecureValues(value);
  }
  for (const [path, secret] of Object.entries(options.secrets ?? {})) setPath(raw, path.split("."), secret);
  return raw;
}

/** Reads and converts a stack file from disk. */
export function readStackFile(path: string, options: StackFileOptions = {}): Record<string, unknown> {
  return stackConfigFromYaml(readFileSync(path, "utf8"), options);
}

function isSecure(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    typeof (value as { secure?: unknown }).secure === "string"
  );
}

function replaceSecureValues(value: unknown): unknown {
  if (isSecure(value)) return OFFLINE_SECRET_PLACEHOLDER;
  if (Array.isArray(value)) return value.map(replaceSecureValues);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceSecureValues(v)]));
  }
  return value;
}

function setPath(target: Record<string, unknown>, path: string[], value: string): void {
  const [head, ...rest] = path;
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  const child = target[head];
  const next =
    typeof child === "object" && child !== null && !Array.isArray(child)
      ? (child as Record<string, unknown>)
      : {};
  target[head] = next;
  setPath(next, rest, value);
}
