/**
 * Building blocks for the admission policies' CEL: safe literals and the shared "who is platform"
 * expressions. Everything here returns CEL source text; nothing evaluates it.
 *
 * The expressions use only standard CEL plus the Kubernetes strings library (`lowerAscii`,
 * `substring`, `join`), available on every API server with ValidatingAdmissionPolicy v1 (1.30+).
 */
import type {
  AdmissionPolicyDefinition,
  GuardrailSettings,
  LabelSelector,
  PolicyValidation,
  ResourceRule,
} from "./types";

/** A CEL string literal (single-quoted, backslash and quote escaped). */
export function celString(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** A CEL list literal of strings. */
export function celStringList(values: readonly string[]): string {
  return `[${values.map(celString).join(", ")}]`;
}

/** The Kubernetes user name of a service account. */
export function serviceAccountUser(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/** The group whose members bypass RBAC (cluster-admin certificates); always a platform principal. */
export const SYSTEM_MASTERS = "system:masters";

/**
 * `true` when the requester is a platform principal: a member of a platform group or of
 * `system:masters`, or one of the named platform users. Service accounts never qualify here.
 */
export function platformPrincipalExpression(settings: GuardrailSettings): string {
  const groups = celStringList([...settings.platformGroupIds, SYSTEM_MASTERS]);
  const users = celStringList(settings.platformUsers);
  return (
    `(has(request.userInfo.groups) && request.userInfo.groups.exists(g, g in ${groups}))` +
    ` || request.userInfo.username in ${users}`
  );
}

/** What a policy module states; `denyPolicy` adds what every guardrail shares. */
export interface DenyPolicyParts {
  name: string;
  description: string;
  resourceRules: ResourceRule[];
  namespaceSelector?: LabelSelector;
  /** Variables in evaluation order (later ones may use earlier ones). */
  variables: Record<string, string>;
  validations: {
    expression: string;
    /** Static fallback message, without the policy name. */
    message: string;
    /** CEL building the message, without the policy name. */
    messageExpression: string;
    reason?: PolicyValidation["reason"];
  }[];
}

/**
 * A fail-closed, Deny-bound policy whose every message starts with the policy name, so a denial
 * (or a CEL error, which also denies) always says which guardrail fired.
 */
export function denyPolicy(parts: DenyPolicyParts): AdmissionPolicyDefinition {
  const prefix = `${parts.name}: `;
  return {
    name: parts.name,
    description: parts.description,
    validationActions: ["Deny"],
    spec: {
      failurePolicy: "Fail",
      matchConstraints: {
        resourceRules: parts.resourceRules,
        ...(parts.namespaceSelector ? { namespaceSelector: parts.namespaceSelector } : {}),
      },
      variables: Object.entries(parts.variables).map(([name, expression]) => ({ name, expression })),
      validations: parts.validations.map((v) => ({
        expression: v.expression,
        message: `${prefix}${v.message}`,
        messageExpression: `${celString(prefix)} + ${v.messageExpression}`,
        reason: v.reason ?? "Forbidden",
      })),
    },
  };
}

/** A rule matching CREATE and UPDATE of `resources` in one API group (all versions when `*`). */
export function onWrite(apiGroup: string, apiVersion: string, resources: string[]): ResourceRule {
  return { apiGroups: [apiGroup], apiVersions: [apiVersion], operations: ["CREATE", "UPDATE"], resources };
}

/**
 * The subresources of a kind that carry the whole object (their discovery kind is the kind
 * itself), so a write through them can change what the kind's policies protect. The e2e suite
 * checks this list against the real API server's discovery.
 */
export const OBJECT_SUBRESOURCES = {
  namespaces: ["namespaces/status", "namespaces/finalize"],
  pods: ["pods/status", "pods/ephemeralcontainers", "pods/resize"],
} as const;

/** `map[key]` when present, else `''` (indexing a missing key is a runtime error in CEL). */
export function valueOrEmpty(mapExpression: string, key: string): string {
  return `(${celString(key)} in ${mapExpression} ? ${mapExpression}[${celString(key)}] : '')`;
}
