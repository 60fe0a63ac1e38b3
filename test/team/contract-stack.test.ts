/**
 * The per-team contract stack (contracts/program.ts) under mocks: it exports the published
 * contract as its only output, and refuses a contract that is not this team's or carries a
 * credential, so that a publishing mistake never reaches a team.
 */
import { CONTRACTS_PROJECT, TEAM_CONTRACT_OUTPUT } from "../../components/team/contract";
import type { TeamContractData } from "../../components/team/contract";
import { CONTRACT_CONFIG_KEY, main } from "../../contracts/program";
import { runProgramUnderMocks } from "../../testing/recording-mocks";
import { TEAM_A, TEAM_B, contractOf } from "./fixtures";

/** Runs the contract stack `stack` with `contract` published into its config (as JSON text). */
async function runContractStack(stack: string, contract: unknown): Promise<Record<string, unknown>> {
  const { result } = await runProgramUnderMocks(() => Promise.resolve(main()), {
    project: CONTRACTS_PROJECT,
    stack,
    config: { [CONTRACT_CONFIG_KEY]: JSON.stringify(contract) },
  });
  return result;
}

describe("the contract stack of a team", () => {
  it("exports that team's contract, and nothing else", async () => {
    const outputs = await runContractStack("team-a", contractOf(TEAM_A));
    expect(Object.keys(outputs)).toEqual([TEAM_CONTRACT_OUTPUT]);
    expect(outputs[TEAM_CONTRACT_OUTPUT]).toEqual(contractOf(TEAM_A));
  });

  it("refuses another team's contract published into this team's stack", async () => {
    await expect(runContractStack("team-b", contractOf(TEAM_A))).rejects.toThrow(
      `${CONTRACTS_PROJECT}:${CONTRACT_CONFIG_KEY}.team: must be "team-b" (got "team-a")`,
    );
  });

  it("refuses a contract whose kubeconfig carries a credential", async () => {
    const leaked = structuredClone(contractOf(TEAM_A));
    leaked.kubernetes.kubeconfig =
      "clusters: [{name: c, cluster: {server: https://k}}]\nusers: [{name: u, user: {token: platform-token}}]";
    await expect(runContractStack("team-a", leaked)).rejects.toThrow(
      `${CONTRACTS_PROJECT}:${CONTRACT_CONFIG_KEY}.kubernetes.kubeconfig: embeds credentials`,
    );
  });

  it("refuses a contract whose fields are wrong, naming each", async () => {
    const broken = structuredClone(contractOf(TEAM_B)) as Partial<TeamContractData>;
    delete broken.namespaces;
    await expect(runContractStack("team-b", broken)).rejects.toThrow(
      `${CONTRACTS_PROJECT}:${CONTRACT_CONFIG_KEY}.namespaces: must be a list of strings`,
    );
  });
});
