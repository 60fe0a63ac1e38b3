/** The threat report (`--report file.md`): per scenario, the controls found and a verdict, plus a diagram. */
import type { ScenarioVerdict } from "./threat-controls";

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
  "not-applicable": "➖ not applicable",
} as const;

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
    `${ctx.resourceCount} resources judged against the threat model S1-S6 (README: "What the blueprint defends against"). A scenario is`,
    "**defended** when every control it needs is present (or cannot apply) and the policy pack reports",
    "no mandatory violation tagged with it; otherwise it is **exposed**, naming what is missing.",
    ...ctx.notes.map((n) => `\n> ${n}`),
    "",
    "| Scenario | Verdict | Missing |",
    "|---|---|---|",
    ...verdicts.map((v) => {
      const missing = [
        ...v.controls.filter((c) => c.state === "missing").map((c) => c.id),
        ...v.violations.map((x) => `policy ${x.policyName}`),
      ];
      return `| ${v.id}: ${v.title} | ${v.verdict === "defended" ? "defended" : "**exposed**"} | ${missing.join(", ") || "-"} |`;
    }),
    "",
  ];
  for (const v of verdicts) {
    out.push(`## ${v.id}: ${v.title}: ${v.verdict === "defended" ? "defended" : "**exposed**"}`, "");
    for (const c of v.controls) {
      out.push(`- ${STATE_MARK[c.state]}: ${c.title} (\`${c.id}\`). ${c.detail}${carriers(c.resources)}`);
    }
    for (const x of v.violations) out.push(`- ❌ policy \`${x.policyName}\` (mandatory): ${x.message}`);
    out.push("");
  }
  out.push("## Deployment", "", "```mermaid", ctx.diagram, "```", "");
  return out.join("\n");
}
