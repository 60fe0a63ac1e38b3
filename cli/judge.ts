/**
 * The part `plan` and `audit` share: evaluate the policy pack in-process on the resources, print
 * the result in the chosen format, write the threat report, and return the exit status.
 */
import { writeFileSync } from "fs";
import { exitCodeForViolations, InputError } from "./exit-codes";
import { formatSummary, formatViolationsTable, sortViolations } from "./format-table";
import { toSarif } from "./format-sarif";
import { graphShape } from "./graph";
import { inventory } from "./inventory";
import { deploymentDiagram } from "./mermaid";
import type { PlannedResource, ResourceSource } from "./resources";
import { toEvaluated } from "./resources";
import { assessScenarios } from "./threat-assessment";
import { threatReport } from "./threat-report";

export const FORMATS = ["table", "json", "sarif"] as const;
export type OutputFormat = (typeof FORMATS)[number];

export function parseFormat(value: string | undefined): OutputFormat {
  if (value === undefined) return "table";
  if (!(FORMATS as readonly string[]).includes(value)) {
    throw new InputError(`--format: "${value}" is not one of ${FORMATS.join(", ")}`);
  }
  return value as OutputFormat;
}

export interface JudgeOptions {
  format: OutputFormat;
  policyConfigFile?: string;
  reportFile?: string;
  /** Shown in the report title, e.g. `plan of stack dev`. */
  subject: string;
  source: ResourceSource;
  /** Lines the user must know (e.g. which secrets were replaced by placeholders). */
  notes: string[];
}

/** Prints what was judged and how; returns 0 or 1. */
export async function judge(resources: PlannedResource[], options: JudgeOptions): Promise<number> {
  // The pack (and the SDK under it) loads only once the input has been read and found valid.
  const { evaluatePolicies, resolvePolicyConfig } = await import("../policy-pack/evaluate");
  const { policies } = await import("../policy-pack/policies");
  const { readPolicyConfig } = await import("./policy-config");
  const config = options.policyConfigFile ? readPolicyConfig(options.policyConfigFile, policies) : undefined;
  const stackTags: Record<string, string> = {};
  if (options.source.project) stackTags["pulumi:project"] = options.source.project;
  const violations = sortViolations(await evaluatePolicies(toEvaluated(resources), { config, stackTags }));
  const inv = inventory(resources);
  const shape = graphShape(resources);

  if (options.format === "sarif") {
    // stdout is the SARIF document alone; what the user must still know goes to stderr.
    for (const n of options.notes) process.stderr.write(`note: ${n}\n`);
    const artifactUri = options.source.sourceFile ?? "Pulumi.yaml";
    process.stdout.write(
      `${JSON.stringify(toSarif(violations, policies, { artifactUri, toolVersion: packageVersion() }), null, 2)}\n`,
    );
  } else if (options.format === "json") {
    const { criticalPath, ...graph } = shape;
    process.stdout.write(
      `${JSON.stringify({ source: options.source, notes: options.notes, resources: inv, graph: { ...graph, criticalPath }, violations }, null, 2)}\n`,
    );
  } else {
    const lines = [
      `aks-hardening ${options.subject}`,
      ...options.notes.map((n) => `note: ${n}`),
      "",
      formatSummary(inv, shape),
      "",
      formatViolationsTable(violations),
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  }

  if (options.reportFile) {
    const enabled = new Set(resolvePolicyConfig(policies, config).map((r) => r.policy.name));
    const report = threatReport(assessScenarios(resources, violations, enabled), {
      subject: options.subject,
      resourceCount: resources.length,
      notes: options.notes,
      diagram: deploymentDiagram(resources),
    });
    try {
      writeFileSync(options.reportFile, report);
    } catch (err) {
      throw new InputError(
        `--report ${options.reportFile}: cannot write (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      );
    }
    if (options.format === "table") process.stdout.write(`Threat report written to ${options.reportFile}\n`);
  }
  return exitCodeForViolations(violations);
}

function packageVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("../package.json") as { version: string }).version;
}
