/** The threat report (`--report file.md`): per scenario, the controls found and a verdict, plus a diagram. */
import type { ScenarioVerdict } from "./threat-assessment";

/** Carriers listed per control before "and N more", so a 200-team stack stays readable. */
const CARRIERS_SHOWN = 6;

function carriers(list: string[]): string {
  if (list.length === 0) return "";
  const shown = list.slice(0, CARRIERS_SHOWN).map((c) => `\`${c.replace(/`/g, "'")}\``);
  return `: ${shown.join(", ")}${list.length > CARRIERS_SHOWN ? ` and ${list.length - CARRIERS_SHOWN} more` : ""}`;
}

const STATE_MARK = {
  present: "✅ present",
  missing: "❌ missing",
  unchecked: "⚠️ unchecked",
  "not-applicable": "➖ not applicable",
} as const;

const VERDICT_TEXT = { defended: "defended", exposed: "**exposed**", unverified: "*unverified*" } as const;

export interface ReportContext {
  /** e.g. `plan of stack dev` or `audit of state.json (pulumi stack export)`. */
  subject: string;
  resourceCount: number;
  notes: string[];
  diagram: string;
}

export function threatReport(verdicts: ScenarioVerdict[], ctx: ReportContext): string {
  const out = [
    `# Threat report: ${ctx.subject}`,
    "",
    `${ctx.resourceCount} resources judged against the threat model S1-S6 (README: "What the blueprint defends against").`,
    "Each control is read from the policy pack's verdicts through the threat registry: it is missing when one of",
    "its policies reports a violation. A scenario is **exposed** when a control is missing, *unverified* when the",
    "policy config disabled a guard, and **defended** otherwise.",
    ...ctx.notes.map((n) => `\n> ${n}`),
    "",
    "| Scenario | Verdict | Missing |",
    "|---|---|---|",
    ...verdicts.map((v) => {
      const missing = v.controls
        .filter((c) => c.state === "missing" || c.state === "unchecked")
        .map((c) => c.id);
      return `| ${v.id}: ${v.title} | ${VERDICT_TEXT[v.verdict]} | ${missing.join(", ") || "-"} |`;
    }),
    "",
  ];
  for (const v of verdicts) {
    out.push(`## ${v.id}: ${v.title}: ${VERDICT_TEXT[v.verdict]}`, "");
    for (const c of v.controls) {
      out.push(`- ${STATE_MARK[c.state]}: ${c.title} (\`${c.id}\`). ${c.detail}${carriers(c.resources)}`);
    }
    out.push("");
  }
  out.push("## Deployment", "", "```mermaid", ctx.diagram, "```", "");
  return out.join("\n");
}
