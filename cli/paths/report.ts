/**
 * Runs the analysis on facts and writes what was asked: the report on stdout (text, JSON, SARIF or
 * Mermaid), `--out attack-paths.json`, `--mermaid file.md`; with a baseline only new paths count.
 * Exit status: 1 when a team reaches an identity it does not own (a new one, with a baseline).
 */
import { writeFileSync } from "fs";
import { EXIT_CLEAN, EXIT_MANDATORY_VIOLATIONS, InputError } from "../exit-codes";
import { analyze, type Analysis } from "./analyze";
import { newReaches, readBaselineKeys } from "./baseline";
import type { BuildContext } from "./build-context";
import { buildGraph } from "./build-graph";
import type { Facts } from "./facts";
import { attackPathsJson } from "./format-json";
import { mermaidDocument } from "./format-mermaid";
import { attackPathSarif } from "./format-sarif";
import { coResidency, coResidencyText, type CoResidencyReport } from "./co-residency";
import { formatText } from "./format-text";
import { allScenarioPaths, type ScenarioPath } from "./scenarios";
import type { Team } from "./teams";

export const PATH_FORMATS = ["table", "json", "sarif", "mermaid"] as const;
export type PathFormat = (typeof PATH_FORMATS)[number];

export interface PathOptions {
  format: PathFormat;
  out?: string;
  mermaid?: string;
  baseline?: string;
  teams?: Team[];
  /** Repository file for SARIF locations (the stack file, or Pulumi.yaml). */
  artifactUri: string;
}

export function parsePathFormat(value: string | undefined): PathFormat {
  if (value === undefined) return "table";
  if (!(PATH_FORMATS as readonly string[]).includes(value))
    throw new InputError(`--format: "${value}" is not one of ${PATH_FORMATS.join(", ")}`);
  return value as PathFormat;
}

function write(file: string, text: string, flag: string): void {
  try {
    writeFileSync(file, text);
  } catch (err) {
    throw new InputError(
      `${flag} ${file}: cannot write (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
}

export interface PathRun {
  ctx: BuildContext;
  analysis: Analysis;
  scenarios: ScenarioPath[];
  coResidency: CoResidencyReport;
  exitCode: number;
  text: string;
}

export function runPaths(facts: Facts, options: PathOptions): PathRun {
  const baseline = options.baseline ? readBaselineKeys(options.baseline) : undefined;
  const ctx = buildGraph(facts, options.teams);
  const analysis = analyze(ctx);
  const fresh = baseline ? newReaches(analysis, baseline) : undefined;
  const findings = fresh ? analysis.findings.filter((f) => fresh.has(f)) : analysis.findings;
  const scenarios = allScenarioPaths(ctx, analysis);
  const residency = coResidency(ctx);
  const json = () =>
    `${JSON.stringify({ ...attackPathsJson(ctx.graph, analysis, facts.subject, facts.assumptions, scenarios), coResidency: residency }, null, 2)}\n`;
  // The co-residency section goes before the closing verdict line.
  const report = formatText(analysis, facts.subject, facts.assumptions, fresh, scenarios)
    .trimEnd()
    .split("\n");
  const verdict = report.pop() ?? "";
  while (report.length > 0 && report[report.length - 1] === "") report.pop();
  const text = `${[...report, ...coResidencyText(residency), "", verdict].join("\n")}\n`;
  if (options.out) write(options.out, json(), "--out");
  if (options.mermaid)
    write(
      options.mermaid,
      `# Attack paths: ${facts.subject}\n\n${mermaidDocument(ctx.graph, analysis)}`,
      "--mermaid",
    );
  const stdout = {
    table: () => text,
    json,
    sarif: () =>
      `${JSON.stringify(attackPathSarif(findings, { artifactUri: options.artifactUri, toolVersion: packageVersion() }), null, 2)}\n`,
    mermaid: () => mermaidDocument(ctx.graph, analysis),
  }[options.format]();
  process.stdout.write(stdout);
  return {
    ctx,
    analysis,
    scenarios,
    coResidency: residency,
    text,
    exitCode: findings.length > 0 ? EXIT_MANDATORY_VIOLATIONS : EXIT_CLEAN,
  };
}

function packageVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("../../package.json") as { version: string }).version;
}
