/**
 * Turns raw project configuration into the typed `BlueprintConfig`, reporting every problem at once.
 *
 * Every rule that keeps one team away from another team's identity is enforced here, before any
 * resource is registered (the components check their own arguments again with the same shared
 * rules, for teams that call them directly). The schema (`schema.ts`) judges each value; the
 * cross-field rules (`rules.ts`) run on what it read, problems or not; each problem is worded
 * `key: message (got value)`.
 */
import type { z } from "zod";
import { isKubeconfig, kubeconfigCredentials, parseKubeconfig } from "../../components/team/kubeconfig";
import { ConfigValidationError, type ConfigProblem } from "./errors";
import { crossFieldProblems, keyOf, Parsed } from "./rules";
import { stackConfigSchema } from "./schema";
import { CLUSTER_MODES } from "./defaults";
import type { BlueprintConfig } from "./types";

/** Shown instead of a secret's value in problems. */
export const REDACTED = "[secret]";

/**
 * The schema, also handing over what it read when it found problems (zod returns no value then):
 * the cross-field rules still run on it. Parsing is synchronous, so one slot serves every call.
 */
let lastRead: unknown;
const readingSchema = stackConfigSchema.superRefine(
  (read) => {
    lastRead = read;
  },
  { when: () => true },
);

/**
 * Validates the raw project config (keys without the `aks-hardening:` prefix; values either parsed
 * or as the JSON strings `pulumi.Config` holds) and fills the documented defaults.
 *
 * @throws ConfigValidationError listing every problem, each with its key path and value.
 */
export function validateConfig(raw: Record<string, unknown>, stack: string): BlueprintConfig {
  const problems: ConfigProblem[] = [];
  lastRead = undefined;
  const result = readingSchema.safeParse(raw, { error: wording, reportInput: true });
  const issues = result.success ? [] : result.error.issues;
  problems.push(...issues.map(problemOf));
  const parsed = new Parsed(
    result.success ? result.data : lastRead,
    raw,
    issues.map((i) => i.path),
  );
  problems.push(...crossFieldProblems(parsed, stack).map((p) => redacted(p)));

  if (problems.length > 0 || !result.success) throw new ConfigValidationError(stack, problems);
  const config: BlueprintConfig = { environment: stack, ...result.data };
  return config;
}

/** The blueprint's wording of zod's own issue kinds (the schema words the rest itself). */
function wording(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type": {
      if (issue.input === undefined) return "is required";
      const expected = (issue as { expected?: string }).expected;
      if (expected === "string")
        return typeof issue.input === "number"
          ? `must be a string; quote it ("${String(issue.input)}"): YAML reads unquoted 1.30 as the number 1.3`
          : "must be a string";
      if (expected === "object") return "must be an object (a YAML mapping)";
      if (expected === "array") return "must be a list (a YAML sequence)";
      if (expected === "boolean") return "must be true or false";
      if (expected === "number") return "must be an integer";
      return undefined;
    }
    case "invalid_value":
      return `must be one of ${(issue as { values: readonly unknown[] }).values.map((v) => `"${String(v)}"`).join(", ")}`;
    case "invalid_union":
      // The schema's one union is the configuration itself, picked by its mode.
      return issue.path?.length === 1 && issue.path[0] === "clusterMode"
        ? `must be one of ${CLUSTER_MODES.map((m) => `"${m}"`).join(", ")}`
        : undefined;
    default:
      return undefined;
  }
}

/** One problem per issue; nothing under `existing` is shown, since it may hold the kubeconfig. */
function problemOf(issue: z.core.$ZodIssue): ConfigProblem {
  const shown = (issue as { params?: { shown?: boolean } }).params?.shown === true;
  // A bad `clusterMode` fails the union as a whole: show the mode, not the whole configuration.
  const value =
    issue.code === "invalid_union"
      ? (issue.input as Record<string, unknown> | undefined)?.clusterMode
      : issue.input;
  return redacted({ key: keyOf(issue.path) || "(root)", value, message: issue.message }, shown);
}

/**
 * Nothing under `existing` is shown (it holds the kubeconfig), and neither is a value anywhere that
 * carries a kubeconfig: one pasted under a misspelt key must not be echoed into CI logs.
 */
function redacted(problem: ConfigProblem, shown = false): ConfigProblem {
  if (shown || problem.value === undefined) return problem;
  const secret = problem.key === "existing" || problem.key.startsWith("existing.");
  return secret || carriesKubeconfig(problem.value) ? { ...problem, value: REDACTED } : problem;
}

function carriesKubeconfig(value: unknown, depth = 0): boolean {
  if (typeof value === "string") {
    if (!/\b(clusters|users|token|password)\b/.test(value)) return false; // cheap before parsing
    const parsed = parseKubeconfig(value);
    return parsed !== undefined && (isKubeconfig(parsed) || kubeconfigCredentials(parsed).length > 0);
  }
  if (depth > 8 || typeof value !== "object" || value === null) return false;
  return Object.values(value).some((v) => carriesKubeconfig(v, depth + 1));
}
