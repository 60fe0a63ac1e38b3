/**
 * `npm run contracts:publish -- --platform-stack <stack> [--team <name>]... [--contract-backend <url>]
 *  [--org <org>] [--secrets-provider <provider>]`
 *
 * The platform's publishing step: reads `teamContracts` from the platform stack and writes each
 * team's entry into that team's own stack of the `aks-hardening-contracts` project (`contracts/`),
 * whose only output is `teamContract`. A StackReference returns every output of the stack it
 * reads, secrets decrypted, so a team given read access to the platform stack could read every
 * team's contract; given read access to its contract stack alone, it reads its own and nothing
 * else. `--contract-backend` writes the contract stacks to another backend (e.g. one storage
 * container per team on a self-managed backend, where access is granted per container).
 *
 * Runs the Pulumi CLI on PATH with the caller's environment (backend login, passphrase). Every
 * contract is validated before the first stack is touched, so a bad one publishes nothing.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { CONTRACTS_PROJECT, TEAM_CONTRACTS_OUTPUT } from "../components/team/contract";
import { validateTeamContract } from "../components/team/stack-reference";
import { CONTRACT_CONFIG_KEY } from "../contracts/program";
import { InputError } from "./exit-codes";
import { parseCliArgs, runCli } from "./run-cli";

const USAGE =
  "usage: npm run contracts:publish -- --platform-stack <stack> [--team <name>]... [--contract-backend <url>] [--org <org>] [--secrets-provider <provider>]";

const CONTRACTS_DIR = path.resolve(__dirname, "..", "contracts");
const PROJECT_DIR = path.resolve(__dirname, "..");

/** Runs `pulumi <args>`; throws with the CLI's own output when it fails. */
function pulumi(args: string[], cwd: string, env: NodeJS.ProcessEnv): string {
  const result = spawnSync("pulumi", [...args, "--non-interactive"], { cwd, env, encoding: "utf8" });
  if (result.error)
    throw new InputError(`cannot run pulumi (is the Pulumi CLI on PATH?): ${result.error.message}`);
  if (result.status !== 0) {
    throw new InputError(
      `pulumi ${args.slice(0, 2).join(" ")} failed:\n${`${result.stdout}${result.stderr}`.trim()}`,
    );
  }
  return result.stdout;
}

function main(): Promise<number> {
  return Promise.resolve().then(publish);
}

function publish(): number {
  const { values } = parseCliArgs(
    {
      args: process.argv.slice(2),
      strict: true,
      options: {
        "platform-stack": { type: "string" },
        team: { type: "string", multiple: true },
        "contract-backend": { type: "string" },
        org: { type: "string" },
        "secrets-provider": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    },
    USAGE,
  );
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const platformStack = values["platform-stack"];
  if (!platformStack) throw new InputError(`--platform-stack is required\n${USAGE}`);

  const output = pulumi(
    ["stack", "output", TEAM_CONTRACTS_OUTPUT, "--show-secrets", "--json", "--stack", platformStack],
    PROJECT_DIR,
    process.env,
  );
  const all: unknown = JSON.parse(output);
  if (all === null || typeof all !== "object" || Array.isArray(all)) {
    throw new InputError(
      `platform stack "${platformStack}": output ${TEAM_CONTRACTS_OUTPUT} is not a map of team contracts (an existing-mode stack exports it only with existing.teamKubeconfig set)`,
    );
  }
  const contracts = all as Record<string, unknown>;
  const teams = values.team ?? Object.keys(contracts);
  const unknown = teams.filter((team) => !(team in contracts));
  if (unknown.length > 0) {
    throw new InputError(
      `--team ${unknown.join(", ")}: no such team in ${platformStack}'s ${TEAM_CONTRACTS_OUTPUT} (teams: ${Object.keys(contracts).join(", ")})`,
    );
  }
  // All first, then write: a bad contract publishes nothing.
  const validated = teams.map((team) =>
    validateTeamContract(contracts[team], team, `${TEAM_CONTRACTS_OUTPUT}.${team}`),
  );

  const env = values["contract-backend"]
    ? { ...process.env, PULUMI_BACKEND_URL: values["contract-backend"] }
    : process.env;
  for (const contract of validated) {
    const stack = values.org ? `${values.org}/${CONTRACTS_PROJECT}/${contract.team}` : contract.team;
    const providerFlag = values["secrets-provider"] ? ["--secrets-provider", values["secrets-provider"]] : [];
    pulumi(["stack", "select", "--create", stack, ...providerFlag], CONTRACTS_DIR, env);
    pulumi(
      [
        "config",
        "set",
        "--stack",
        stack,
        `${CONTRACTS_PROJECT}:${CONTRACT_CONFIG_KEY}`,
        JSON.stringify(contract),
      ],
      CONTRACTS_DIR,
      env,
    );
    pulumi(["up", "--yes", "--skip-preview", "--stack", stack], CONTRACTS_DIR, env);
    process.stdout.write(`published the contract of team ${contract.team} to stack ${stack}\n`);
  }
  return 0;
}

runCli(main);
