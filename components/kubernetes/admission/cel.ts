/**
 * Building blocks for the admission policies' CEL: safe literals and the shared "who is platform"
 * expressions. Everything here returns CEL source text; nothing evaluates it.
 *
 * The expressions use only standard CEL plus the Kubernetes strings library (`lowerAscii`,
 * `substring`, `join`), available on every API server with ValidatingAdmissionPolicy v1 (1.30+).
 */
import type { GuardrailSettings, PolicyValidation } from "./types";

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

/** A validation whose message starts with the policy name, so a denial says which guardrail fired. */
export function validation(
  policyName: string,
  expression: string,
  staticMessage: string,
  messageExpression: string,
  reason: PolicyValidation["reason"] = "Forbidden",
): PolicyValidation {
  return {
    expression,
    message: `${policyName}: ${staticMessage}`,
    messageExpression: `${celString(`${policyName}: `)} + ${messageExpression}`,
    reason,
  };
}

/** `map[key]` when present, else `''` (indexing a missing key is a runtime error in CEL). */
export function valueOrEmpty(mapExpression: string, key: string): string {
  return `(${celString(key)} in ${mapExpression} ? ${mapExpression}[${celString(key)}] : '')`;
}
