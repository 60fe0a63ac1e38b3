import * as pulumi from "@pulumi/pulumi";
import {
  TEAM_CONTRACT_VERSION,
  assertKubeconfigCarriesNoCredentials,
  kubeconfigServer,
  teamContractsOutput,
} from "../../components/team/contract";
import { MOCK_USER_KUBECONFIG } from "../../testing/computed-outputs";
import { RunError } from "@pulumi/pulumi/errors";
import { TeamInputError } from "../../components/team/errors";
import { validateTeamContract } from "../../components/team/stack-reference";
import { resolveOutput } from "../../testing/recording-mocks";
import { SERVER, TEAM_A, TEAM_B, TEAM_KUBECONFIG, contractOf } from "./fixtures";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fixtures are mutated one field per case
type Loose = Record<string, any>;

describe("buildTeamContract", () => {
  it("gives a pod-identity team the aadpodidbinding selector <namespace>.<identity>", () => {
    const contract = contractOf(TEAM_A);
    expect(contract.contractVersion).toBe(TEAM_CONTRACT_VERSION);
    expect(contract.identities).toEqual([
      {
        name: "orders-reader",
        namespace: "orders",
        mode: "pod-identity",
        clientId: "11111111-1111-4111-8111-111111111111",
        serviceAccount: "orders-reader-sa",
        podIdentitySelector: "orders.orders-reader",
      },
    ]);
  });

  it("gives a workload-identity team the federated ServiceAccount and no selector", () => {
    const [identity] = contractOf(TEAM_B).identities;
    expect(identity.mode).toBe("workload-identity");
    expect(identity.serviceAccount).toBe("billing-writer-sa");
    expect(identity.podIdentitySelector).toBeUndefined();
  });

  it("names the team's dedicated node pool when it has one (issue 15), and none otherwise", () => {
    const pooled = contractOf({ ...TEAM_A, nodePool: "teama" });
    expect(pooled.nodePool).toEqual({ name: "teama" });
    expect(validateTeamContract(pooled, "team-a")).toEqual(pooled);
    expect(contractOf(TEAM_A).nodePool).toBeUndefined();
  });

  it("builds contracts that the team-side validator accepts", () => {
    for (const source of [TEAM_A, TEAM_B]) {
      expect(validateTeamContract(contractOf(source), source.name)).toEqual(contractOf(source));
    }
  });
});

describe("assertKubeconfigCarriesNoCredentials", () => {
  it("accepts a kubeconfig whose users authenticate themselves (exec)", () => {
    expect(() => assertKubeconfigCarriesNoCredentials(TEAM_KUBECONFIG)).not.toThrow();
  });

  it("accepts the AKS user-credentials kubeconfig the blueprint's cluster exports", () => {
    expect(() => assertKubeconfigCarriesNoCredentials(MOCK_USER_KUBECONFIG)).not.toThrow();
  });

  it.each(["client-key-data: AAAA", "token: eyJhbGciOi", "password: hunter2"])(
    "refuses a kubeconfig embedding %s (it would hand teams the platform's rights)",
    (credential) => {
      const admin = TEAM_KUBECONFIG.replace("    exec:", `    ${credential}\n    exec:`);
      expect(() => assertKubeconfigCarriesNoCredentials(admin)).toThrow(/kubeconfig: embeds credentials/);
    },
  );
});

describe("teamContractsOutput", () => {
  it("resolves the Azure Outputs into one secret map team -> contract", async () => {
    const output = teamContractsOutput({
      teams: [
        { ...TEAM_A, resourceGroupId: pulumi.output(TEAM_A.resourceGroupId) },
        {
          ...TEAM_B,
          identities: TEAM_B.identities.map((i) => ({ ...i, clientId: pulumi.output(i.clientId) })),
        },
      ],
      server: pulumi.output(SERVER),
      kubeconfig: TEAM_KUBECONFIG,
      imageRegistries: ["mcr.microsoft.com"],
      teamImageRegistries: { "team-a": ["acrteama.azurecr.io"] },
    });
    expect(await pulumi.isSecret(output)).toBe(true);
    const contracts = await resolveOutput(output);
    expect(Object.keys(contracts)).toEqual(["team-a", "team-b"]);
    expect(contracts["team-a"]).toEqual(contractOf(TEAM_A, ["mcr.microsoft.com", "acrteama.azurecr.io"]));
    expect(contracts["team-b"]).toEqual(contractOf(TEAM_B, ["mcr.microsoft.com"]));
  });
});

describe("kubeconfigServer", () => {
  it("reads the API server from block and flow style kubeconfigs", () => {
    expect(kubeconfigServer(TEAM_KUBECONFIG)).toBe(SERVER);
    expect(kubeconfigServer(MOCK_USER_KUBECONFIG)).toBe("https://mock.hcp.example.azmk8s.io:443");
    expect(kubeconfigServer("apiVersion: v1\nclusters: []\n")).toBeUndefined();
  });

  it("is the contract's server when the platform passes none", async () => {
    const contracts = await resolveOutput(
      teamContractsOutput({ teams: [TEAM_B], kubeconfig: MOCK_USER_KUBECONFIG }),
    );
    expect(contracts["team-b"].kubernetes.server).toBe("https://mock.hcp.example.azmk8s.io:443");
  });
});

describe("validateTeamContract", () => {
  /** One wrong or missing field per case; the error must name its path and the team. */
  const cases: [string, (c: Loose) => void][] = [
    ["teamContract.team", (c) => (c.team = "team-b")],
    ["teamContract.namespaces", (c) => delete c.namespaces],
    ["teamContract.namespaces[0]", (c) => (c.namespaces = ["Orders.Prod"])],
    ["teamContract.resourceGroupId", (c) => (c.resourceGroupId = "rg-aks-team-a")],
    ["teamContract.identities", (c) => delete c.identities],
    ["teamContract.identities[0].clientId", (c) => delete c.identities[0].clientId],
    ["teamContract.identities[0].namespace", (c) => (c.identities[0].namespace = "billing")],
    ["teamContract.identities[0].mode", (c) => (c.identities[0].mode = "aad")],
    ["teamContract.identities[0].podIdentitySelector", (c) => (c.identities[0].podIdentitySelector = "x")],
    ["teamContract.imageRegistries", (c) => delete c.imageRegistries],
    ["teamContract.kubernetes.server", (c) => (c.kubernetes.server = "http://plain")],
    ["teamContract.kubernetes.kubeconfig", (c) => delete c.kubernetes.kubeconfig],
    ["teamContract.nodePool.name", (c) => (c.nodePool = { name: "Team-A pool" })],
  ];

  it.each(cases)("names %s when it is wrong", (key, mutate) => {
    const contract = structuredClone(contractOf(TEAM_A)) as Loose;
    mutate(contract);
    let error: unknown;
    try {
      validateTeamContract(contract, "team-a");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TeamInputError);
    // Printed by the Pulumi CLI as its message alone (no stack trace, no object dump).
    expect(RunError.isInstance(error)).toBe(true);
    const problems = (error as TeamInputError).problems;
    // The field itself comes first; a consequence (a selector built from it) may follow.
    expect(problems[0].key).toBe(key);
    expect((error as Error).message).toContain('platform contract for team "team-a"');
  });

  it("requires the serviceAccount of a workload-identity identity", () => {
    const contract = structuredClone(contractOf(TEAM_B)) as Loose;
    delete contract.identities[0].serviceAccount;
    expect(() => validateTeamContract(contract, "team-b")).toThrow(
      "teamContract.identities[0].serviceAccount: must be a non-empty string (got (missing))",
    );
  });

  it("refuses a newer contract version with an upgrade hint, and an older one plainly", () => {
    const newer = { ...contractOf(TEAM_A), contractVersion: 2 };
    expect(() => validateTeamContract(newer, "team-a")).toThrow(
      /contractVersion: is newer .* upgrade the components library/,
    );
    const { contractVersion: _dropped, ...unversioned } = contractOf(TEAM_A);
    expect(() => validateTeamContract(unversioned, "team-a")).toThrow(
      "contractVersion: must be 1 (got (missing))",
    );
  });

  it("names the paths under the root it is given (the platform side's teamContracts.<team>)", () => {
    const contract = structuredClone(contractOf(TEAM_A)) as Loose;
    delete contract.resourceGroupId;
    expect(() => validateTeamContract(contract, "team-a", "teamContracts.team-a")).toThrow(
      "teamContracts.team-a.resourceGroupId: must be a non-empty string (got (missing))",
    );
  });

  it("refuses something that is not a contract at all", () => {
    expect(() => validateTeamContract("oops", "team-a")).toThrow(
      'teamContract: must be an object (the team\'s contract) (got "oops")',
    );
  });
});
