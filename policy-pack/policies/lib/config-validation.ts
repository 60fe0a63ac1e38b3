/**
 * Validation of policy configuration against each policy's `configSchema`, by ajv (every error at
 * once), with messages that name the setting's path and the bad value. Used by the in-process
 * evaluator (`evaluate.ts`); the Pulumi CLI validates a `--policy-pack-config` file itself.
 */
import type { PolicyConfigSchema } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";

const ajv = new Ajv({ allErrors: true, strict: false });
/** Compiled validators by schema object (each policy's schema is built once). */
const validators = new WeakMap<object, ValidateFunction>();

/** The segments of an ajv `instancePath` (a JSON pointer: `/a/0/b`), unescaped. */
function segmentsOf(instancePath: string): string[] {
  return instancePath
    .split("/")
    .slice(1)
    .map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** The value at an ajv `instancePath` of `root`. */
function valueAt(root: unknown, instancePath: string): unknown {
  return segmentsOf(instancePath).reduce<unknown>(
    (value, key) => (value as Record<string, unknown> | undefined)?.[key],
    root,
  );
}

/** `key.a[0].b` for the ajv path `/a/0/b` of `value` under `root` (brackets for array indexes only). */
function pathOf(root: string, value: unknown, instancePath: string): string {
  let at = root;
  let current = value;
  for (const segment of segmentsOf(instancePath)) {
    at = Array.isArray(current) ? `${at}[${segment}]` : `${at}.${segment}`;
    current = (current as Record<string, unknown> | undefined)?.[segment];
  }
  return at;
}

/** One ajv error as `path: message (got value)`, worded like the rest of the blueprint's messages. */
function describe(error: ErrorObject, value: unknown, path: string): string {
  const got = (v: unknown) => `(got ${JSON.stringify(v)})`;
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "additionalProperties": {
      const key = String(p.additionalProperty);
      return `${path}.${key}: is not a known setting ${got((value as Record<string, unknown>)[key])}`;
    }
    case "type":
      return `${path}: must be of type ${String(p.type).split(",").join(" or ")} ${got(value)}`;
    case "enum":
      return `${path}: must be one of ${JSON.stringify(p.allowedValues)} ${got(value)}`;
    case "pattern":
      return `${path}: must match ${String(p.pattern)} ${got(value)}`;
    case "minimum":
    case "maximum":
      return `${path}: must be ${String(p.comparison)} ${String(p.limit)} ${got(value)}`;
    case "minItems":
      return `${path}: must have at least ${String(p.limit)} items ${got(value)}`;
    case "required":
      return `${path}: is missing required property "${String(p.missingProperty)}" ${got(value)}`;
    default:
      return `${path}: ${error.message ?? error.keyword} ${got(value)}`;
  }
}

/**
 * Problems of `value` against the JSON Schema `schema` (checked by ajv, every error at once), each
 * naming the path under `path` and the bad value.
 */
export function schemaProblems(schema: PolicyConfigJSONSchema, value: unknown, path: string): string[] {
  let validate = validators.get(schema);
  if (!validate) validators.set(schema, (validate = ajv.compile(schema as object)));
  if (validate(value)) return [];
  const errors = validate.errors ?? [];
  // A value of the wrong type gets that one message: its enum, pattern or bounds say nothing more.
  const wrongType = new Set(errors.filter((e) => e.keyword === "type").map((e) => e.instancePath));
  return errors
    .filter((error) => error.keyword !== "anyOf")
    .filter((error) => error.keyword === "type" || !wrongType.has(error.instancePath))
    .map((error) =>
      describe(error, valueAt(value, error.instancePath), pathOf(path, value, error.instancePath)),
    );
}

/** The whole-settings schema of each policy: its properties, nothing else (`enforcementLevel` aside). */
const settingsSchemas = new WeakMap<object, PolicyConfigJSONSchema>();
const NO_SCHEMA: PolicyConfigSchema = { properties: {} };

/** Problems of one policy's settings (`enforcementLevel` removed) against its `configSchema`. */
export function settingsProblems(
  schema: PolicyConfigSchema | undefined,
  settings: unknown,
  key: string,
): string[] {
  const own = schema ?? NO_SCHEMA;
  let whole = settingsSchemas.get(own);
  if (!whole) {
    whole = {
      type: "object",
      properties: own.properties,
      required: own.required,
      additionalProperties: false,
    };
    settingsSchemas.set(own, whole);
  }
  return schemaProblems(whole, settings, key);
}
