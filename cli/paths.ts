/**
 * `npm run paths -- <file.json> | --stack <name> | --kubeconfig <file> [--context <name>]
 *                  [--azure-facts <file>] [--teams <file>] [--format table|json|sarif|mermaid]
 *                  [--out attack-paths.json] [--mermaid paths.md] [--baseline old.json]`
 *
 * Who can become each Azure identity, and what each team can reach, from one of three inputs: a
 * `pulumi stack export` / `pulumi preview --json` / plan file, the offline plan of a stack, or a live
 * cluster read with read-only rights. Exit 1 when a team reaches an identity it does not own.
 */
import * as path from "path";
import { PROJECT } from "../infra/config/project";
import { InputError } from "./exit-codes";
import { readAuditInput } from "./input-file";
import { factsFromResources } from "./paths/read-resources";
import { parsePathFormat, runPaths } from "./paths/report";
import { readTeamsFile } from "./paths/teams";
import { parseCliArgs, runCli } from "./run-cli";
import { loadStackFile, resolveStacksDir } from "./stack-file";

const USAGE =
  "usage: npm run paths -- (<file.json> | --stack <name> | --kubeconfig <file> [--context <name>] [--azure-facts <file>]) [--teams <file>] [--format table|json|sarif|mermaid] [--out <attack-paths.json>] [--mermaid <file.md>] [--baseline <old.json>] [--stacks-dir <dir>]";

async function main(): Promise<number> {
  const { values, positionals } = parseCliArgs(
    {
      args: process.argv.slice(2),
      strict: true,
      allowPositionals: true,
      options: {
        stack: { type: "string" },
        kubeconfig: { type: "string" },
        context: { type: "string" },
        "azure-facts": { type: "string" },
        teams: { type: "string" },
        format: { type: "string" },
        out: { type: "string" },
        mermaid: { type: "string" },
        baseline: { type: "string" },
        "stacks-dir": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    },
    USAGE,
  );
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const inputs = [positionals.length > 0, values.stack !== undefined, values.kubeconfig !== undefined].filter(
    Boolean,
  );
  if (inputs.length !== 1 || positionals.length > 1)
    throw new InputError(`give exactly one input: a file, --stack or --kubeconfig\n${USAGE}`);
  if (values.context && !values.kubeconfig) throw new InputError(`--context needs --kubeconfig\n${USAGE}`);
  if (values["azure-facts"] && !values.kubeconfig)
    throw new InputError(
      `--azure-facts is for a live cluster (--kubeconfig); plans and exports carry their Azure facts`,
    );
  const format = parsePathFormat(values.format);
  const teams = values.teams ? readTeamsFile(values.teams) : undefined;
  const stacksDir = resolveStacksDir(values["stacks-dir"]);
  let facts;
  let artifactUri = "Pulumi.yaml";
  if (values.stack) {
    const stack = loadStackFile(stacksDir, values.stack);
    Error.stackTraceLimit = 0; // as `plan`: the SDK's promise traces are never printed
    const { runBlueprint } = await import("./program-run");
    facts = factsFromResources(await runBlueprint(stack, PROJECT), `plan of stack ${stack.stack}`);
    artifactUri = path.relative(process.cwd(), stack.file).split(path.sep).join("/");
  } else if (values.kubeconfig) {
    const { readLiveCluster } = await import("./paths/read-live");
    facts = await readLiveCluster({
      kubeconfig: values.kubeconfig,
      context: values.context,
      azureFacts: values["azure-facts"],
      progress: (line) => process.stderr.write(`${line}\n`),
    });
  } else {
    const file = positionals[0];
    const { resources, source } = readAuditInput(file);
    if (resources.length === 0) throw new InputError(`paths input ${file}: contains no resources`);
    facts = factsFromResources(resources, `${source.kind} ${file}`);
  }
  return runPaths(facts, {
    format,
    out: values.out,
    mermaid: values.mermaid,
    baseline: values.baseline,
    teams,
    artifactUri,
  }).exitCode;
}

runCli(main);
