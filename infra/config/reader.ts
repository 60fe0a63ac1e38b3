/**
 * Typed reads of loosely typed config values that record a problem instead of throwing.
 *
 * Every read takes the value and its key path, returns the typed value (or the default, or
 * `undefined`) and appends a problem for anything wrong, so validation can keep going and report
 * every problem at once. Values may arrive as JSON strings (how `pulumi.Config` hands over
 * structured config) or already parsed (tests, offline tools), so objects and arrays are parsed
 * from strings, and `"true"`/`"42"` are read as the boolean/number the CLI may have stringified.
 */
import type { ConfigProblem } from "./errors";
import { closestKey } from "../../conventions/formats";

/** Shown instead of a secret's value in problems. */
export const REDACTED = "[secret]";

/** `parent.child`, or `child` at the root. */
export function childKey(parent: string, child: string): string {
  return parent === "" ? child : `${parent}.${child}`;
}

/** `parent[index]`. */
export function indexKey(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

export class ConfigReader {
  readonly problems: ConfigProblem[] = [];

  /** Records one problem. */
  report(key: string, value: unknown, message: string): void {
    this.problems.push({ key, value, message });
  }

  /** Whether a problem was already recorded for `key` or anything under it. */
  reportedUnder(key: string): boolean {
    return this.problems.some(
      (p) => p.key === key || p.key.startsWith(`${key}.`) || p.key.startsWith(`${key}[`),
    );
  }

  /** Records a missing required key. */
  missing(key: string, hint = ""): void {
    this.report(key, undefined, `is required${hint ? `; ${hint}` : ""}`);
  }

  /**
   * An object with only `allowedKeys`; every other key is reported (a typo such as
   * `autorizedIpRanges` must not silently fall back to a default). `undefined` when absent or wrong.
   */
  object(
    value: unknown,
    key: string,
    allowedKeys: readonly string[],
    options: { secret?: boolean; hint?: string } = {},
  ): Record<string, unknown> | undefined {
    if (value === undefined) return undefined;
    // A secret object (`existing`) may hold the secret itself when set without `--path`: never echo it.
    const shown = (v: unknown) => (options.secret ? REDACTED : v);
    const parsed = parseJsonString(value);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      this.report(
        key || "(root)",
        shown(value),
        `must be an object (a YAML mapping)${options.hint ? `; ${options.hint}` : ""}`,
      );
      return undefined;
    }
    const record = parsed as Record<string, unknown>;
    for (const name of Object.keys(record)) {
      if (!allowedKeys.includes(name)) {
        const guess = closestKey(name, allowedKeys);
        this.report(
          childKey(key, name),
          shown(record[name]),
          `is not a known key${guess ? `; did you mean "${guess}"?` : `; known keys: ${allowedKeys.join(", ")}`}`,
        );
      }
    }
    return record;
  }

  /** An array, or `undefined` when absent or not an array. */
  array(value: unknown, key: string): unknown[] | undefined {
    if (value === undefined) return undefined;
    const parsed = parseJsonString(value);
    if (!Array.isArray(parsed)) {
      this.report(key, value, "must be a list (a YAML sequence)");
      return undefined;
    }
    return parsed;
  }

  /** A string, or `undefined` when absent or not a string. */
  string(value: unknown, key: string): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== "string") {
      const hint =
        typeof value === "number"
          ? `; quote it ("${String(value)}"): YAML reads unquoted 1.30 as the number 1.3`
          : "";
      this.report(key, value, `must be a string${hint}`);
      return undefined;
    }
    return value;
  }

  /** A required string: reports a missing key. */
  requiredString(value: unknown, key: string, hint = ""): string | undefined {
    if (value === undefined) {
      this.missing(key, hint);
      return undefined;
    }
    return this.string(value, key);
  }

  /** A boolean (also `"true"`/`"false"`), or `fallback` when absent or wrong. */
  boolean(value: unknown, key: string, fallback: boolean): boolean {
    if (value === undefined) return fallback;
    if (typeof value === "boolean") return value;
    if (value === "true" || value === "false") return value === "true";
    this.report(key, value, "must be true or false");
    return fallback;
  }

  /** An integer within `[min, max]` (also a numeric string), or `fallback` when absent or wrong. */
  integer(value: unknown, key: string, fallback: number, min: number, max: number): number {
    if (value === undefined) return fallback;
    const number = typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : value;
    if (typeof number !== "number" || !Number.isInteger(number)) {
      this.report(key, value, "must be an integer");
      return fallback;
    }
    if (number < min || number > max) {
      this.report(key, value, `must be between ${min} and ${max}`);
      return fallback;
    }
    return number;
  }

  /** One of `allowed`, or `fallback` when absent or wrong. */
  oneOf<T extends string>(value: unknown, key: string, allowed: readonly T[], fallback: T): T {
    if (value === undefined) return fallback;
    if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
    this.report(key, value, `must be one of ${allowed.map((a) => `"${a}"`).join(", ")}`);
    return fallback;
  }

  /**
   * A list of strings, each checked by `check` (which returns a reason or `undefined`); duplicates
   * are reported. `fallback` when absent; wrong items are dropped (their problem is recorded).
   */
  stringList(
    value: unknown,
    key: string,
    fallback: readonly string[],
    check: (item: string, itemKey: string) => string | undefined = () => undefined,
  ): string[] {
    if (value === undefined) return [...fallback];
    const items = this.array(value, key);
    if (items === undefined) return [...fallback];
    const result: string[] = [];
    items.forEach((item, index) => {
      const itemKey = indexKey(key, index);
      const text = this.string(item, itemKey);
      if (text === undefined) return;
      if (result.includes(text)) {
        this.report(itemKey, text, "is listed twice");
        return;
      }
      const reason = check(text, itemKey);
      if (reason !== undefined) {
        this.report(itemKey, text, reason);
        return;
      }
      result.push(text);
    });
    return result;
  }
}

/** Parses a JSON object/array handed over as a string; anything else is returned unchanged. */
function parseJsonString(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const trimmed = value.trim();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return value;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return value;
  }
}
