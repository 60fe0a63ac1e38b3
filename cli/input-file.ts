/**
 * Opens the file given to `audit` and tells which of the three formats it is. Anything that is not
 * readable, not complete JSON, or not one of the formats is an `InputError`, never a stack trace.
 */
import { readFileSync } from "fs";
import { InputError } from "./exit-codes";
import { fromPreviewJson } from "./preview-json";
import type { PlannedResource, ResourceSource } from "./resources";
import { identifyStack } from "./resources";
import { fromStackExport } from "./stack-export";

export function readJsonFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(
      `${what} ${file}: cannot read (${code === "ENOENT" ? "no such file" : String(code ?? err)})`,
    );
  }
  if (text.trim() === "") throw new InputError(`${what} ${file}: the file is empty`);
  try {
    return JSON.parse(text);
  } catch (err) {
    const reason = (err as Error).message;
    const truncated = /end of (JSON )?input|Unterminated/i.test(reason);
    throw new InputError(`${what} ${file}: not valid JSON${truncated ? " (truncated?)" : ""}: ${reason}`);
  }
}

/** Reads resources from a stack export, a preview digest, or our plan file (a stack export). */
export function readAuditInput(file: string): { resources: PlannedResource[]; source: ResourceSource } {
  const doc = readJsonFile(file, "audit input");
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new InputError(
      `audit input ${file}: expected a JSON object from \`pulumi stack export\`, \`pulumi preview --json\` or \`npm run plan -- --out\`, got ${Array.isArray(doc) ? "an array" : typeof doc}`,
    );
  }
  const obj = doc as Record<string, unknown>;
  let resources: PlannedResource[];
  let kind: ResourceSource["kind"];
  if ("deployment" in obj || ("manifest" in obj && "resources" in obj)) {
    resources = fromStackExport(obj, file);
    kind = "stack-export";
  } else if ("steps" in obj) {
    resources = fromPreviewJson(obj, file);
    kind = "preview-json";
  } else {
    const keys = Object.keys(obj).slice(0, 5).join(", ") || "none";
    throw new InputError(
      `audit input ${file}: not a Pulumi document: expected "deployment" (pulumi stack export / plan --out) or "steps" (pulumi preview --json) at the top level, found keys: ${keys}`,
    );
  }
  return { resources, source: { kind, ...identifyStack(resources) } };
}
