/** Human-readable terminal output: the plan summary and the violations table. */
import type { PolicyViolation } from "../policy-pack/evaluate";
import type { GraphShape } from "./graph";
import type { Inventory } from "./inventory";
import { parseUrn } from "./resources";

/** How many rows of a ranked list to print before summarising the rest. */
const TOP_ROWS = 15;

function ranked(title: string, rows: [string, number][]): string[] {
  const shown = rows.slice(0, TOP_ROWS);
  const width = Math.max(...shown.map(([name]) => name.length), 0);
  const lines = [title, ...shown.map(([name, n]) => `  ${name.padEnd(width)}  ${String(n).padStart(5)}`)];
  const rest = rows.slice(TOP_ROWS);
  if (rest.length > 0) {
    lines.push(`  ... ${rest.length} more (${rest.reduce((sum, [, n]) => sum + n, 0)} resources)`);
  }
  return lines;
}

export function formatSummary(inv: Inventory, shape: GraphShape): string {
  // `Kind name`: several resources of one component often share a name (a ServiceAccount and its DaemonSet).
  const tail = shape.criticalPath.map(
    (urn) => `${(urn.split("::")[2] ?? "").split(":").pop()} ${parseUrn(urn).name}`,
  );
  return [
    `Resources: ${inv.total} (${inv.customCount} custom, ${inv.total - inv.customCount} components/stack)`,
    ...ranked("By type:", inv.byType),
    ...ranked("By component (direct children):", inv.byComponent),
    `Deployment graph: depth ${shape.depth} (critical path: ${tail.join(" > ")})`,
    `Widest level: ${shape.widestLevel.width} resources at level ${shape.widestLevel.level}`,
    ...(shape.danglingEdges > 0
      ? [`(${shape.danglingEdges} edges point outside the input and were ignored)`]
      : []),
  ].join("\n");
}

function resourceLabel(v: PolicyViolation): string {
  if (v.resourceType || v.resourceName) return `${v.resourceType ?? "?"}::${v.resourceName ?? "?"}`;
  return v.urn ? parseUrn(v.urn).name : "(stack)";
}

/** Mandatory first, then by severity, so the blocking problems are at the top. */
export function sortViolations(violations: PolicyViolation[]): PolicyViolation[] {
  const levelRank: Record<string, number> = { mandatory: 0, remediate: 1, advisory: 2 };
  const severityRank: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3 };
  return [...violations].sort(
    (a, b) =>
      (levelRank[a.enforcementLevel] ?? 3) - (levelRank[b.enforcementLevel] ?? 3) ||
      (severityRank[a.severity] ?? 4) - (severityRank[b.severity] ?? 4) ||
      a.policyName.localeCompare(b.policyName),
  );
}

/**
 * Policy, severity, enforcement and resource as aligned columns; message and remediation follow on
 * indented lines because they are sentences that must not be cut.
 */
export function formatViolationsTable(violations: PolicyViolation[]): string {
  if (violations.length === 0) return "Policy violations: none";
  const rows = sortViolations(violations).map((v) => [
    v.policyName,
    v.severity,
    v.enforcementLevel,
    resourceLabel(v),
  ]);
  const header = ["POLICY", "SEVERITY", "ENFORCEMENT", "RESOURCE"];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => cell.padEnd(widths[c]))
      .join("  ")
      .trimEnd();
  const sorted = sortViolations(violations);
  const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
  const out = [`Policy violations: ${violations.length} (${mandatory} mandatory)`, line(header)];
  rows.forEach((row, i) => {
    out.push(line(row));
    out.push(`    message:     ${sorted[i].message.replace(/\s*\n\s*/g, " ")}`);
    if (sorted[i].remediationSteps) {
      out.push(`    remediation: ${sorted[i].remediationSteps.replace(/\s*\n\s*/g, " ")}`);
    }
  });
  return out.join("\n");
}
