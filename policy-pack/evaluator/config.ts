/**
 * A `--policy-pack-config` file, judged and resolved as the policy server would: unknown policies,
 * bad levels and settings against each policy's schema are refused up front (every problem named
 * with its key and value); then each policy gets its level (policy-specific, then `all`, then its
 * own, then the pack default) and its settings with the schema's defaults filled in.
 */
import type { EnforcementLevel } from "@pulumi/policy";
import { configWithDefaults } from "../policies/lib/config";
import { settingsProblems } from "../policies/lib/config-validation";
import type { PackPolicy } from "../policies/lib/metadata";
import { packEnforcementLevel } from "../policies";

/** A policy config file that the pack refuses; `problems` name each key and bad value. */
export class PolicyConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid policy pack config:\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "PolicyConfigError";
  }
}

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

export interface ResolvedPolicy {
  policy: PackPolicy;
  level: "advisory" | "mandatory";
  config: Record<string, unknown>;
  /** `getConfig` as the policy receives it (one function per policy, shared by every call). */
  getConfig: <T extends object>() => T;
}

function levelOf(entry: unknown): unknown {
  return typeof entry === "string"
    ? entry
    : (entry as { enforcementLevel?: unknown } | undefined)?.enforcementLevel;
}

/** Validates the config file against the pack and resolves each policy's level and settings. */
export function resolvePolicyConfig(
  policies: PackPolicy[],
  config: Record<string, unknown> = {},
): ResolvedPolicy[] {
  const problems: string[] = [];
  const byName = new Map(policies.map((p) => [p.name, p]));
  for (const [key, entry] of Object.entries(config)) {
    if (key !== "all" && !byName.has(key)) {
      problems.push(`${key}: no policy of that name in the pack (got ${JSON.stringify(entry)})`);
      continue;
    }
    if (typeof entry !== "string" && (typeof entry !== "object" || entry === null || Array.isArray(entry))) {
      problems.push(`${key}: must be an enforcement level or an object (got ${JSON.stringify(entry)})`);
      continue;
    }
    const level = levelOf(entry);
    if (level !== undefined && !LEVELS.includes(level as EnforcementLevel)) {
      problems.push(
        `${key}.enforcementLevel: must be one of ${LEVELS.join(", ")} (got ${JSON.stringify(level)})`,
      );
    }
    if (key === "all" || typeof entry === "string") continue;
    const { enforcementLevel: _level, ...settings } = entry as Record<string, unknown>;
    const schema = byName.get(key)?.configSchema;
    problems.push(...settingsProblems(schema, settings, key));
  }
  if (problems.length > 0) throw new PolicyConfigError(problems);

  const allLevel = levelOf(config.all) as EnforcementLevel | undefined;
  const resolved: ResolvedPolicy[] = [];
  for (const policy of policies) {
    const entry = config[policy.name];
    const level =
      (levelOf(entry) as EnforcementLevel | undefined) ??
      allLevel ??
      policy.enforcementLevel ??
      packEnforcementLevel;
    if (level === "disabled") continue;
    const given =
      typeof entry === "object" && entry !== null ? { ...(entry as Record<string, unknown>) } : {};
    delete given.enforcementLevel;
    const settings = configWithDefaults<Record<string, unknown>>(policy.configSchema ?? { properties: {} }, {
      getConfig: () => given as never,
    });
    resolved.push({
      policy,
      level: level === "advisory" ? "advisory" : "mandatory",
      config: settings,
      getConfig: <T extends object>() => settings as T,
    });
  }
  return resolved;
}
