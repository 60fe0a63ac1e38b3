/**
 * The building blocks of the stack configuration's schema: zod types that read values the way the
 * Pulumi CLI hands them over and word every problem the blueprint's way (`key: message (got
 * value)`), so `schema.ts` reads as a list of keys.
 *
 * How values arrive: `pulumi.Config` holds structured values as JSON text, and `pulumi config set
 * --path` stores scalars as text, so objects and lists are parsed from JSON strings and `"true"` or
 * `"42"` are read as the boolean or integer the key expects. Problems with a value's form are
 * continuable issues (the value is kept), so the cross-field rules still see it and can tell it is
 * malformed from the issue list.
 */
import { z } from "zod";
import { closestKey } from "../../conventions/formats";

/** A reason a value is wrong, or `undefined` when it is fine. */
export type Check<T = string> = (value: T) => string | undefined;

/** Documentation of one key, rendered into the README reference and `Pulumi.yaml`. */
export interface KeyDoc {
  /** What the key means, in one paragraph of Markdown. */
  description: string;
  /** The Default column when the schema's own default (or `required`) would mislead. */
  defaultText?: string;
  /** The default value when the schema cannot carry it (the `clusterMode` discriminator). */
  defaultValue?: unknown;
  /** The Type column when the schema's type does not say it all, e.g. `string (secret)`. */
  typeText?: string;
}

declare module "zod" {
  interface GlobalMeta {
    /** This key's reference documentation (see `KeyDoc`). */
    doc?: KeyDoc;
    /** A key this branch of the schema refuses: documented where it is accepted. */
    refused?: boolean;
  }
}

/** `schema` documented: its row in the README reference and, at the top level, in `Pulumi.yaml`. */
export function documented<T extends z.ZodType>(schema: T, doc: KeyDoc): T {
  return schema.meta({ doc });
}

/** A "missing" message with a hint, for keys whose absence needs explaining. */
const required = (hint?: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? `is required${hint ? `; ${hint}` : ""}` : undefined;

/** Marks an issue whose `input` is a description made to be shown (never redacted as a secret). */
export const SHOWN = { shown: true } as const;

/** Pushes `check`'s reason as a continuable issue: the value stays for the cross-field rules. */
function checked<T>(check: Check<T>) {
  return (ctx: z.core.ParsePayload<T>) => {
    const reason = check(ctx.value);
    if (reason !== undefined)
      ctx.issues.push({ code: "custom", message: reason, input: ctx.value, continue: true });
  };
}

/** A string, judged by `check`. `hint`: said when it is missing. */
export function text(check: Check = () => undefined, hint?: string) {
  return z.string({ error: required(hint) }).check(checked(check));
}

/** A boolean, also written `"true"` or `"false"`. */
export function flag(fallback: boolean) {
  return z
    .preprocess((v) => (v === "true" || v === "false" ? v === "true" : v), z.boolean())
    .default(fallback);
}

/** An integer within `[min, max]`, also written as digits. */
export function integer(min: number, max: number) {
  return z.preprocess(
    (v) => (typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : v),
    z
      .number({ error: required() })
      .check(
        checked((n: number) =>
          !Number.isInteger(n)
            ? "must be an integer"
            : n < min || n > max
              ? `must be between ${min} and ${max}`
              : undefined,
        ),
      ),
  );
}

/** One of `values`. */
export function oneOf<T extends string>(values: readonly T[]) {
  return z.enum(values as [T, ...T[]]);
}

/** A YAML mapping as parsed: an object that is not a list. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Parses a JSON object or list handed over as text; anything else is returned unchanged. */
export function parseJsonText(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const trimmed = value.trim();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return value;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return value;
  }
}

/** A list of `item`; an item given twice is a problem (`is listed twice`) unless `repeatable`. */
export function list<T extends z.ZodType>(item: T, options: { hint?: string; repeatable?: boolean } = {}) {
  const array = z.array(item, { error: required(options.hint) });
  return z.preprocess(
    parseJsonText,
    options.repeatable
      ? array
      : array.superRefine(
          (_items, ctx) => {
            const seen = new Set<string>();
            (ctx.value as unknown[]).forEach((entry, index) => {
              if (typeof entry !== "string") return;
              if (seen.has(entry))
                ctx.issues.push({
                  code: "custom",
                  message: "is listed twice",
                  input: entry,
                  path: [index],
                  continue: true,
                });
              seen.add(entry);
            });
          },
          // Also beside an item of the wrong type: every problem at once.
          { when: (payload) => Array.isArray(payload.value) },
        ),
  );
}

/**
 * An object with exactly `shape`'s keys: any other key is a problem with a did-you-mean (a typo
 * such as `autorizedIpRanges` must not silently fall back to a default). `hint`: said when it is
 * missing or not an object. Not parsed from JSON text: for the configuration's root, and for the
 * branches of a discriminated union, which must be plain objects.
 */
export function exactObject<S extends z.core.$ZodLooseShape>(shape: S, hint?: string) {
  const known = Object.keys(shape);
  // Not `z.never()`: zod reports those keys together in one issue on the object, with no value.
  const unknownKey = z.custom<never>(() => false, {
    abort: false, // the other keys and the cross-field rules are still judged
    error: (issue) => {
      const key = String(issue.path?.at(-1) ?? "");
      const guess = closestKey(key, known);
      return `is not a known key${guess ? `; did you mean "${guess}"?` : `; known keys: ${known.join(", ")}`}`;
    },
  });
  return z
    .object(shape, {
      error: (issue) =>
        issue.input === undefined
          ? `is required${hint ? `; ${hint}` : ""}`
          : `must be an object (a YAML mapping)${hint ? `; ${hint}` : ""}`,
    })
    .catchall(unknownKey) as unknown as z.ZodObject<S, z.core.$strict>;
  // Typed as a strict object: the catch-all accepts nothing, it only words each unknown key's problem.
}

/** `exactObject`, also given as JSON text (how `pulumi.Config` holds a structured value). */
export function object<S extends z.core.$ZodLooseShape>(shape: S, hint?: string) {
  const known = Object.keys(shape);
  return z.preprocess(
    (given, ctx) => {
      const value = parseJsonText(given);
      // zod skips an own `__proto__` key (JSON.parse makes one) instead of calling it unknown.
      if (isPlainObject(value) && Object.prototype.hasOwnProperty.call(value, "__proto__"))
        ctx.issues.push({
          code: "custom",
          message: `is not a known key; known keys: ${known.join(", ")}`,
          path: ["__proto__"],
          input: value["__proto__"],
          continue: true,
        });
      return value;
    },
    exactObject(shape, hint),
  );
}

/** A key this mode does not use: given at all, it is refused with `reason`. */
export function refused(reason: string) {
  return z.undefined({ error: reason }).optional().meta({ refused: true });
}
