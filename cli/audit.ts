/**
 * `npm run audit -- <file> [--format table|json|sarif] [--policy-config file] [--report file.md]`
 *
 * Judges a file real Pulumi produced (`pulumi stack export`, `pulumi preview --json`) or a plan
 * file (`npm run plan -- --out`) with the policy pack, without credentials or a Pulumi CLI. The
 * pack's settings default to `policy-pack/config/<stack>.json` for the stack named in the URNs.
 */
import { existsSync } from "fs";
import * as path from "path";
import { InputError } from "./exit-codes";
import { readAuditInput } from "./input-file";
import { judge, parseFormat } from "./judge";
import { choosePolicyConfig } from "./default-policy-config";
import { parseCliArgs, runCli, SHARED_OPTIONS } from "./run-cli";

const USAGE =
  "usage: npm run audit -- <file.json> [--format table|json|sarif] [--policy-config <file.json>] [--report <file.md>] [--stacks-dir <dir>]";

const KIND_LABEL = {
  "stack-export": "pulumi stack export",
  "preview-json": "pulumi preview --json",
  plan: "plan",
} as const;

async function main(): Promise<number> {
  const { values, positionals } = parseCliArgs(
    {
      args: process.argv.slice(2),
      strict: true,
      allowPositionals: true,
      options: {
        ...SHARED_OPTIONS,
      },
    },
    USAGE,
  );
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1)
    throw new InputError(`expected exactly one input file, got ${positionals.length}\n${USAGE}`);
  const format = parseFormat(values.format);
  const file = positionals[0];
  const { resources, source } = readAuditInput(file);
  if (resources.length === 0) throw new InputError(`audit input ${file}: contains no resources to judge`);

  // Code scanning needs a file in the repository: the stack's config file if we have it.
  const stacksDir = values["stacks-dir"] ?? process.env.AKS_HARDENING_STACKS_DIR ?? "stacks";
  const stackFile = source.stack ? path.join(stacksDir, `Pulumi.${source.stack}.yaml`) : undefined;
  source.sourceFile =
    stackFile && existsSync(stackFile) ? stackFile.split(path.sep).join("/") : "Pulumi.yaml";

  // The stack's own pack settings, as `plan` picks them: without them the platform group itself
  // would be reported as a violation.
  const policyConfig = choosePolicyConfig(values["policy-config"], source.stack);
  return judge(resources, {
    format,
    policyConfigFile: policyConfig.file,
    reportFile: values.report,
    subject: `audit of ${file} (${KIND_LABEL[source.kind]})`,
    source,
    notes: policyConfig.note ? [policyConfig.note] : [],
  });
}

runCli(main);
