/**
 * A small, test-only model of how the API server applies one ValidatingAdmissionPolicy to one
 * request, evaluating the policy's own CEL strings with @bufbuild/cel:
 *
 * - matching: `matchConstraints.resourceRules` (group, version, operation, resource/subresource)
 *   and `namespaceSelector` against the namespace's labels;
 * - `variables` in order, then every validation; a CEL error counts as a denial
 *   (`failurePolicy: Fail`) and is reported separately so a test never mistakes it for a real one;
 * - `messageExpression`, falling back to `message`.
 *
 * Like the API server, JSON integers become CEL `int` (BigInt) and objects become maps. The
 * Kubernetes strings library (`lowerAscii`, `substring`, `join`...) is registered from
 * `@bufbuild/cel/ext`, which implements the same cel-go extension. The real API server remains the
 * final judge (see the real-API-server suite); this model is for fast, exhaustive decision tables.
 */
import { celEnv, isCelError, parse, plan, type CelResult } from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import type { AdmissionPolicyDefinition, LabelSelector, ResourceRule } from "../../conventions/admission";

export interface AdmissionRequestFixture {
  operation: "CREATE" | "UPDATE" | "DELETE" | "CONNECT";
  resource: { group: string; version: string; resource: string };
  subResource?: string;
  /** `''` for cluster-scoped objects. */
  namespace: string;
  userInfo: { username: string; groups?: string[] };
  object: unknown;
  oldObject?: unknown;
  /** The request's namespace object; `null` for cluster-scoped requests. */
  namespaceObject?: unknown;
}

export interface Decision {
  /** Whether the policy applies to the request at all. */
  matched: boolean;
  /** `false` when any validation failed or errored. */
  allowed: boolean;
  /** Messages of validations that evaluated to `false`. */
  messages: string[];
  /** CEL evaluation errors (each one also denies, as `failurePolicy: Fail` does). */
  errors: string[];
}

/** Converts JSON-like data to CEL inputs: objects to maps, integral numbers to `int`. */
export function toCel(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toCel);
  if (typeof value === "object") {
    return new Map(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toCel(v)]));
  }
  return value;
}

const ENV = celEnv({ funcs: strings });
const PLANS = new Map<string, (bindings: never) => CelResult>();

/** Parses and plans each distinct expression once (parsing dominates the cost of a decision). */
function evaluateCel(expression: string, bindings: Record<string, unknown>): CelResult {
  let program = PLANS.get(expression);
  if (!program) {
    program = plan(ENV, parse(expression)) as unknown as (bindings: never) => CelResult;
    PLANS.set(expression, program);
  }
  return program(bindings as never);
}

function ruleMatches(rule: ResourceRule, req: AdmissionRequestFixture): boolean {
  const anyOr = (list: string[], v: string) => list.includes("*") || list.includes(v);
  const resource = req.subResource ? `${req.resource.resource}/${req.subResource}` : req.resource.resource;
  return (
    anyOr(rule.apiGroups, req.resource.group) &&
    anyOr(rule.apiVersions, req.resource.version) &&
    (rule.operations as string[]).includes(req.operation) &&
    anyOr(rule.resources, resource)
  );
}

/** Label-selector semantics of `matchLabels` and `matchExpressions`. */
export function selectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every((e) => {
    const has = e.key in labels;
    switch (e.operator) {
      case "In":
        return has && (e.values ?? []).includes(labels[e.key]);
      case "NotIn":
        return !has || !(e.values ?? []).includes(labels[e.key]);
      case "Exists":
        return has;
      case "DoesNotExist":
        return !has;
    }
  });
  return byLabels && byExpressions;
}

function namespaceLabels(req: AdmissionRequestFixture): Record<string, string> {
  const ns = (req.namespaceObject ?? (req.namespace === "" ? req.object : null)) as {
    metadata?: { labels?: Record<string, string> };
  } | null;
  return ns?.metadata?.labels ?? {};
}

/** Applies `policy` to `req` the way the API server would (see the module comment). */
export function evaluatePolicy(policy: AdmissionPolicyDefinition, req: AdmissionRequestFixture): Decision {
  const { spec } = policy;
  const selector = spec.matchConstraints.namespaceSelector;
  const matched =
    spec.matchConstraints.resourceRules.some((r) => ruleMatches(r, req)) &&
    (!selector || selectorMatches(selector, namespaceLabels(req)));
  if (!matched) return { matched, allowed: true, messages: [], errors: [] };

  const request = {
    operation: req.operation,
    namespace: req.namespace,
    resource: req.resource,
    subResource: req.subResource ?? "",
    // As the Go replay does: the request names the object it carries.
    name: (req.object as { metadata?: { name?: string } } | null)?.metadata?.name ?? "",
    userInfo: req.userInfo,
  };
  const bindings: Record<string, unknown> = {
    object: toCel(req.object),
    oldObject: toCel(req.oldObject ?? null),
    namespaceObject: toCel(req.namespaceObject ?? null),
    request: toCel(request),
  };
  const errors: string[] = [];
  const variables = new Map<string, unknown>();
  bindings.variables = variables;
  const evaluate = (expression: string) => evaluateCel(expression, bindings);

  for (const variable of spec.variables) {
    const result = evaluate(variable.expression);
    if (isCelError(result)) errors.push(`variables.${variable.name}: ${result.message}`);
    else variables.set(variable.name, result);
  }
  const messages: string[] = [];
  for (const v of spec.validations) {
    const result = evaluate(v.expression);
    if (isCelError(result)) {
      errors.push(`${v.expression}: ${result.message}`);
    } else if (result !== true) {
      const message = evaluate(v.messageExpression);
      messages.push(typeof message === "string" ? message : v.message);
    }
  }
  return { matched, allowed: messages.length === 0 && errors.length === 0, messages, errors };
}

/** The policy definition with one validation's expression replaced (mutation helper for tests). */
export function withValidation(
  policy: AdmissionPolicyDefinition,
  index: number,
  expression: string,
): AdmissionPolicyDefinition {
  const validations = policy.spec.validations.map((v, i) => (i === index ? { ...v, expression } : v));
  return { ...policy, spec: { ...policy.spec, validations } };
}

/** The policy definition without validation `index`: the "control absent" twin of a denial case. */
export function withoutValidation(
  policy: AdmissionPolicyDefinition,
  index: number,
): AdmissionPolicyDefinition {
  const validations = policy.spec.validations.filter((_, i) => i !== index);
  return { ...policy, spec: { ...policy.spec, validations } };
}
