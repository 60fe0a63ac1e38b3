/**
 * A team's contract stack: re-validates the contract the platform published into its config and
 * exports it as `teamContract`, the stack's only output. The stack is named after the team, so a
 * contract published into the wrong team's stack is refused here, before the team could read it.
 */
import * as pulumi from "@pulumi/pulumi";
import { CONTRACTS_PROJECT, TEAM_CONTRACT_OUTPUT } from "../components/team/contract";
import { validateTeamContract } from "../components/team/stack-reference";

/** The config key `npm run contracts:publish` writes the contract to. */
export const CONTRACT_CONFIG_KEY = "contract";

export function main(): Record<string, unknown> {
  const team = pulumi.getStack();
  const config = new pulumi.Config(CONTRACTS_PROJECT);
  const contract = validateTeamContract(
    config.requireObject(CONTRACT_CONFIG_KEY),
    team,
    `${CONTRACTS_PROJECT}:${CONTRACT_CONFIG_KEY}`,
  );
  return { [TEAM_CONTRACT_OUTPUT]: contract };
}
