/**
 * The guardrail settings as the component records them on every admission policy it registers, so
 * that the pack can rebuild the exact specs from them and refuse any policy that differs (an edited
 * expression, a narrowed match, a dropped validation). The settings themselves are then judged as
 * configuration: who is platform, which namespaces are privileged, which images are pinned.
 */
import type { GuardrailSettings } from "./types";

/** The settings as one annotation value: JSON, keys in the component's order. */
export function recordGuardrailSettings(settings: GuardrailSettings): string {
  return JSON.stringify(settings);
}

const STRING_LISTS = [
  "platformGroupIds",
  "platformUsers",
  "identityWriterServiceAccounts",
  "identityServiceAccounts",
  "pinnedImages",
  "privilegedNamespaces",
] as const;

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

/** The recorded settings, or why the annotation cannot be read as settings (names the key). */
export function readGuardrailSettings(text: string): GuardrailSettings | { problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { problem: "is not JSON" };
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return { problem: "is not an object" };
  const record = raw as Record<string, unknown>;
  if (typeof record.identityNamespace !== "string") return { problem: "identityNamespace must be a string" };
  for (const key of STRING_LISTS) {
    if (!isStringList(record[key])) return { problem: `${key} must be a list of strings` };
  }
  if (record.teams !== undefined) {
    if (!Array.isArray(record.teams)) return { problem: "teams must be a list" };
    for (const [i, team] of (record.teams as unknown[]).entries()) {
      const t = (typeof team === "object" && team !== null ? team : {}) as Record<string, unknown>;
      if (typeof t.name !== "string" || !isStringList(t.groupIds) || !isStringList(t.namespaces))
        return { problem: `teams[${i}] must have a name, groupIds and namespaces` };
      if (t.dedicatedPool !== undefined && typeof t.dedicatedPool !== "boolean")
        return { problem: `teams[${i}].dedicatedPool must be a boolean` };
    }
  }
  return record as unknown as GuardrailSettings;
}
