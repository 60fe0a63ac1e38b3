/**
 * `npm run plan -- --stack <name> [--out file] [--report file.md] [--policy-config file]
 *                [--format table|json|sarif] [--stacks-dir dir]`
 *
 * Runs the blueprint offline under Pulumi's mocks with the stack's own config file, records every
 * resource, judges them with the policy pack in-process, and prints what a preview would create.
 * The pack's settings default to `policy-pack/config/<stack>.json` when that file exists.
 */
import { writeFileSync } from "fs";
import * as path from "path";
import { PROJECT } from "../infra/config/project";
import { InputError } from "./exit-codes";
import { judge, parseFormat } from "./judge";
import { identifyStack } from "./resources";
import { choosePolicyConfig } from "./default-policy-config";
import { parseCliArgs, runCli, SHARED_OPTIONS } from "./run-cli";
import { toStackExport } from "./stack-export";
import { loadStackFile, resolveStacksDir } from "./stack-file";

const USAGE =
  "usage: npm run plan -- --stack <name> [--out <file.json>] [--report <file.md>] [--policy-config <file.json>] [--format table|json|sarif] [--stacks-dir <dir>] [--paths [--paths-out <attack-paths.json>]]";

async function main(): Promise<number> {
  const { values } = parseCliArgs(
    {
      args: process.argv.slice(2),
      strict: true,
      allowPositionals: false,
      options: {
        stack: { type: "string" },
        out: { type: "string" },
        paths: { type: "boolean" },
        "paths-out": { type: "string" },
        ...SHARED_OPTIONS,
      },
    },
    USAGE,
  );
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values.stack) throw new InputError(`--stack is required\n${USAGE}`);
  const format = parseFormat(values.format);
  if (values.paths && format !== "table")
    throw new InputError(
      `--paths adds a text report to the table output; for json/sarif use npm run paths -- --stack <name> --format ...`,
    );
  if (values["paths-out"] && !values.paths) throw new InputError(`--paths-out needs --paths`);
  const stacksDir = resolveStacksDir(values["stacks-dir"]);
  const stack = loadStackFile(stacksDir, values.stack);

  // The SDK records `new Error().stack` for every promise it creates (runtime/debuggable.js), only to
  // explain leaked promises; formatting those traces was the largest single cost of a big plan. The
  // plan never prints them (resource source positions use their own unlimited trace, callsites()).
  Error.stackTraceLimit = 0;
  const { runBlueprint } = await import("./program-run");
  const resources = await runBlueprint(stack, PROJECT);

  const notes = stack.placeholders.map((p) => `placeholder (marked secret) for ${p}`);
  if (values.out) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const engineVersion = (require("@pulumi/pulumi/package.json") as { version: string }).version;
    try {
      writeFileSync(values.out, `${JSON.stringify(toStackExport(resources, engineVersion), null, 2)}\n`);
    } catch (err) {
      throw new InputError(
        `--out ${values.out}: cannot write (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      );
    }
    notes.push(`plan written to ${values.out} (pulumi stack export format, secrets withheld)`);
  }
  // The pack's settings for this stack (platform groups...), as CI passes --policy-pack-config.
  const policyConfig = choosePolicyConfig(values["policy-config"], stack.stack);
  if (policyConfig.note) notes.push(policyConfig.note);
  const relativeStackFile = path.relative(process.cwd(), stack.file).split(path.sep).join("/");
  const verdict = await judge(resources, {
    format,
    policyConfigFile: policyConfig.file,
    reportFile: values.report,
    subject: `plan of stack ${stack.stack}`,
    source: { kind: "plan", ...identifyStack(resources), sourceFile: relativeStackFile },
    notes,
  });
  if (!values.paths) return verdict;
  // The attack-path analysis of the same recorded resources (`npm run paths` gives every format).
  process.stdout.write("\n");
  const { factsFromResources } = await import("./paths/read-resources");
  const { runPaths } = await import("./paths/report");
  const paths = runPaths(factsFromResources(resources, `plan of stack ${stack.stack}`), {
    format: "table",
    out: values["paths-out"],
    artifactUri: relativeStackFile,
  });
  return Math.max(verdict, paths.exitCode);
}

runCli(main);
