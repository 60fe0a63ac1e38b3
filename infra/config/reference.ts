/**
 * The configuration reference, read off the schema: one row per key (its path, type, default and
 * meaning), rendered into the README's key tables and `Pulumi.yaml`'s config block by `npm run
 * docs`, so neither can drift from what validation accepts.
 *
 * Both modes' keys are listed once: the `create` branch in its order, then each key only the
 * `existing` branch has, placed after the key that precedes it there.
 */
import { z } from "zod";
import { Document, isScalar, visit } from "yaml";
import type { KeyDoc } from "./schema-kit";
import { createModeSchema, existingModeSchema } from "./schema";

/** One documented key. */
export interface KeyRow {
  /** E.g. `teams[].identities[].name`. */
  path: string;
  type: string;
  /** `required`, a default in backticks, or the schema's `defaultText`. */
  default: string;
  /** The default value itself, when the schema has one. */
  defaultValue?: unknown;
  description: string;
}

type Def = { type: string; [key: string]: unknown };
const defOf = (schema: z.core.$ZodType): Def => schema._zod.def as unknown as Def;

/** What a wrapped schema is, and the default or optionality its wrappers give it. */
function unwrap(schema: z.core.$ZodType): {
  core: z.core.$ZodType;
  defaultValue?: unknown;
  optional: boolean;
} {
  let here = schema;
  let defaultValue: unknown;
  let optional = false;
  for (;;) {
    const def = defOf(here);
    if (def.type === "default" || def.type === "prefault") {
      defaultValue ??= def.defaultValue;
      here = def.innerType as z.core.$ZodType;
    } else if (def.type === "optional") {
      optional = true;
      here = def.innerType as z.core.$ZodType;
    } else if (def.type === "pipe") {
      // A preprocess (transform, then the schema) or a transform after the schema.
      const out = def.out as z.core.$ZodType;
      here = defOf(out).type === "transform" ? (def.in as z.core.$ZodType) : out;
    } else return { core: here, defaultValue, optional };
  }
}

function typeName(core: z.core.$ZodType): string {
  const def = defOf(core);
  if (def.type === "array") {
    const element = defOf(unwrap(def.element as z.core.$ZodType).core).type;
    return element === "object" ? "list of objects" : "list of strings";
  }
  if (def.type === "number") return "integer";
  if (def.type === "enum" || def.type === "literal") return "string";
  return def.type;
}

/** The documented keys under `shape`, depth first, in declaration order. */
export function referenceRows(shape: Record<string, z.core.$ZodType>, parent: string): KeyRow[] {
  return Object.entries(shape).flatMap(([key, field]) => {
    const path = parent === "" ? key : `${parent}.${key}`;
    const meta = z.globalRegistry.get(field) as { doc?: KeyDoc; refused?: boolean } | undefined;
    if (meta?.refused) return []; // documented in the mode that accepts it
    const doc = meta?.doc;
    // A key users may set must be in the reference: refusing to render is how that is enforced.
    if (!doc) throw new Error(`config key ${path} has no documentation (wrap it in documented())`);
    const unwrapped = unwrap(field);
    const { core, optional } = unwrapped;
    // The discriminator's default is inserted before the union reads it: the schema cannot carry it.
    const defaultValue = unwrapped.defaultValue ?? doc.defaultValue;
    const row: KeyRow = {
      path,
      type: doc.typeText ?? typeName(core),
      default:
        doc.defaultText ??
        (defaultValue !== undefined
          ? `\`${JSON.stringify(defaultValue).replace(/^"|"$/g, "")}\``
          : optional
            ? "none"
            : "required"),
      ...(defaultValue !== undefined ? { defaultValue } : {}),
      description: doc.description,
    };
    return [row, ...childRows(core, path)];
  });
}

function childRows(core: z.core.$ZodType, path: string): KeyRow[] {
  const def = defOf(core);
  if (def.type === "object") return referenceRows(def.shape as Record<string, z.core.$ZodType>, path);
  if (def.type === "array") {
    const element = unwrap(def.element as z.core.$ZodType).core;
    const elementDef = defOf(element);
    if (elementDef.type === "object")
      return referenceRows(elementDef.shape as Record<string, z.core.$ZodType>, `${path}[]`);
  }
  return [];
}

/** Every documented key of both modes, each once (see the module comment for the order). */
export function configReference(): KeyRow[] {
  const rows = referenceRows(createModeSchema.shape, "");
  let previous: string | undefined;
  for (const row of referenceRows(existingModeSchema.shape, "")) {
    if (!rows.some((r) => r.path === row.path)) {
      const at = previous === undefined ? 0 : rows.findIndex((r) => r.path === previous) + 1;
      rows.splice(at, 0, row);
    }
    previous = row.path;
  }
  return rows;
}

/** Every key path the configuration accepts, e.g. `cluster.systemPool.name`, `teams[].identities[].roles`. */
export function configKeyPaths(): string[] {
  return configReference().map((r) => r.path);
}

/** The top-level keys (what `Pulumi.yaml` declares). */
export function topLevelKeys(): string[] {
  return configReference()
    .filter((r) => !/[.[]/.test(r.path))
    .map((r) => r.path);
}

const cell = (text: string) => text.replace(/\|/g, "\\|");

function table(rows: KeyRow[]): string {
  return [
    "| Key | Type | Default | Meaning |",
    "| --- | --- | --- | --- |",
    ...rows.map((r) => `| \`${r.path}\` | ${r.type} | ${cell(r.default)} | ${cell(r.description)} |`),
  ].join("\n");
}

/** The README's table of top-level keys. */
export function topLevelKeyTable(): string {
  return table(configReference().filter((r) => !/[.[]/.test(r.path)));
}

/** The README's table of nested keys. */
export function nestedKeyTable(): string {
  return table(configReference().filter((r) => /[.[]/.test(r.path)));
}

/**
 * `Pulumi.yaml`'s declaration of each top-level key. Pulumi accepts `type` string, boolean,
 * integer and array (with `items`) but no `object` (pulumi/pulumi#11321), so object-valued keys are
 * declared without one (optional since pulumi/pulumi#11192) and the program judges them.
 */
export function pulumiConfigBlock(): string {
  const rows = configReference();
  const declarations = Object.fromEntries(
    rows
      .filter((r) => !/[.[]/.test(r.path))
      .map((r) => {
        const prefixes = [`${r.path}.`, `${r.path}[].`];
        const direct = rows.filter((n) =>
          prefixes.some((p) => n.path.startsWith(p) && !/[.[]/.test(n.path.slice(p.length))),
        );
        const keys =
          direct.length > 0
            ? ` Keys: ${direct.map((n) => n.path.slice(n.path.lastIndexOf(".") + 1)).join(", ")}.`
            : "";
        const type = pulumiType(r.type);
        return [
          r.path,
          {
            ...type,
            ...(r.defaultValue !== undefined ? { default: r.defaultValue } : {}),
            description: `${r.description}${keys}`,
          },
        ];
      }),
  );
  const document = new Document(declarations);
  // Descriptions as folded blocks (`>-`), as a person would write them.
  visit(document, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === "description" && isScalar(pair.value))
        pair.value.type = "BLOCK_FOLDED";
    },
  });
  return document
    .toString({ lineWidth: 100 })
    .trimEnd()
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");
}

function pulumiType(type: string): Record<string, unknown> {
  if (type === "boolean" || type === "string" || type === "integer") return { type };
  if (type === "list of strings") return { type: "array", items: { type: "string" } };
  return {};
}
