/**
 * Reads a policy configuration file in the format `pulumi preview --policy-pack-config` takes
 * (`{"all": level, "<policy>": level | {enforcementLevel?, ...settings}}`). Its meaning is checked
 * by the pack's own evaluator (`resolvePolicyConfig`), whose refusal becomes an input error here.
 */
import { PolicyConfigError, resolvePolicyConfig } from "../policy-pack/evaluate";
import type { PackPolicy } from "../policy-pack/policies";
import { InputError } from "./exit-codes";
import { readJsonFile } from "./input-file";

export function readPolicyConfig(file: string, policies: PackPolicy[]): Record<string, unknown> {
  const doc = readJsonFile(file, "policy config");
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new InputError(`policy config ${file}: expected a JSON object of policy name -> level or settings`);
  }
  try {
    resolvePolicyConfig(policies, doc as Record<string, unknown>);
  } catch (err) {
    if (err instanceof PolicyConfigError) throw new InputError(`policy config ${file}: ${err.message}`);
    throw err;
  }
  return doc as Record<string, unknown>;
}
