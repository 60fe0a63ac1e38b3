/**
 * Policy configuration: defaults from each policy's `configSchema`, and a validator for the subset
 * of JSON Schema our schemas use.
 *
 * Policies read their config through `configWithDefaults`, so they behave the same whether or not
 * the engine has already filled the defaults in (the CLI validates the config file; our in-process
 * evaluator does it with `configProblems`).
 */
import type { PolicyConfigSchema } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

/** The config of one policy: what `getConfig()` returned, over the schema defaults. */
export function configWithDefaults<T extends object>(
  schema: PolicyConfigSchema,
  args: { getConfig<C extends object>(): C },
): T {
  const given = args.getConfig<Record<string, unknown>>();
  // The evaluator hands every call the same config object: merge it once per schema.
  let bySchema = mergedConfigs.get(given);
  const cached = bySchema?.get(schema);
  if (cached) return cached as T;
  const merged: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(schema.properties)) {
    if (given[key] !== undefined) merged[key] = given[key];
    else if (property.default !== undefined) merged[key] = structuredClone(property.default);
  }
  if (!bySchema) mergedConfigs.set(given, (bySchema = new WeakMap()));
  bySchema.set(schema, merged);
  return merged as T;
}

/** Merged configs by the object `getConfig()` returned and the schema they were merged with. */
const mergedConfigs = new WeakMap<object, WeakMap<PolicyConfigSchema, Record<string, unknown>>>();

/** Schema defaults only (what a policy sees when no config file is given). */
export function schemaDefaults(schema: PolicyConfigSchema | undefined): Record<string, unknown> {
  return configWithDefaults(schema ?? { properties: {} }, { getConfig: () => ({}) as never });
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number" && Number.isInteger(value)) return "integer";
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === "number" && actual === "integer");
}

/**
 * Problems of `value` against `schema` (type, enum, pattern, items, minimum/maximum, minItems,
 * properties, required, additionalProperties), each naming the path and the bad value.
 */
export function schemaProblems(schema: PolicyConfigJSONSchema, value: unknown, path: string): string[] {
  const problems: string[] = [];
  const bad = (message: string) => problems.push(`${path}: ${message} (got ${JSON.stringify(value)})`);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((t) => matchesType(value, t))) {
      bad(`must be of type ${types.join(" or ")}`);
      return problems;
    }
  }
  if (schema.enum && !schema.enum.some((option) => JSON.stringify(option) === JSON.stringify(value))) {
    bad(`must be one of ${JSON.stringify(schema.enum)}`);
  }
  if (typeof value === "string" && schema.pattern && !new RegExp(schema.pattern).test(value)) {
    bad(`must match ${schema.pattern}`);
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) bad(`must be >= ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) bad(`must be <= ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      bad(`must have at least ${schema.minItems} items`);
    }
    const items = schema.items;
    if (items && typeof items === "object" && !Array.isArray(items)) {
      value.forEach((item, i) => problems.push(...schemaProblems(items, item, `${path}[${i}]`)));
    }
  }
  if (typeOf(value) === "object") {
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? []) {
      if (record[key] === undefined) bad(`is missing required property "${key}"`);
    }
    for (const [key, item] of Object.entries(record)) {
      const property = schema.properties?.[key] ?? schema.additionalProperties;
      if (
        property === false ||
        (property === undefined && schema.properties && schema.additionalProperties === false)
      ) {
        problems.push(`${path}.${key}: is not a known setting (got ${JSON.stringify(item)})`);
      } else if (property && typeof property === "object") {
        problems.push(...schemaProblems(property, item, `${path}.${key}`));
      }
    }
  }
  return problems;
}
