/**
 * Policy configuration: defaults from each policy's `configSchema` (validation, which loads ajv, is
 * in `config-validation.ts`, used by the in-process evaluator only, so the pack the CLI starts
 * never loads it: the CLI validates the config file itself).
 *
 * Policies read their config through `configWithDefaults`, so they behave the same whether or not
 * the engine has already filled the defaults in.
 */
import type { PolicyConfigSchema } from "@pulumi/policy";

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
