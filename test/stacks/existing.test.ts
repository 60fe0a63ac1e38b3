/**
 * The `local` stack (clusterMode `existing`): the program creates no Azure resource at all and
 * hardens the cluster its (secret) kubeconfig points at, with the identities given by ID.
 */
import { specialSigKey as SIG_KEY } from "@pulumi/pulumi/runtime/rpc";
import { validateTeamContract } from "../../components/team/stack-reference";
import { ofType, single } from "../../testing/recording-mocks";
import { credentialsInOutputs } from "../../testing/output-credentials";
import { describeGuardrails, runStack, withGuardrails, type StackRun } from "./whole-program";

/** The platform principal's kubeconfig: a token credential, as `existing.kubeconfig` carries. */
const KUBECONFIG = [
  "apiVersion: v1",
  "kind: Config",
  "clusters: [{ name: c, cluster: { server: https://127.0.0.1:6443 } }]",
  "users: [{ name: platform, user: { token: platform-secret-token } }]",
  "contexts: [{ name: c, context: { cluster: c, user: platform } }]",
  "current-context: c",
  "",
].join("\n");

/** What teams get: the same endpoint, and a user that logs in through kubelogin (no credential). */
const TEAM_KUBECONFIG = [
  "apiVersion: v1",
  "kind: Config",
  "clusters: [{ name: c, cluster: { server: https://127.0.0.1:6443 } }]",
  "users: [{ name: team, user: { exec: { apiVersion: client.authentication.k8s.io/v1, command: kubelogin, args: [get-token] } } }]",
  "contexts: [{ name: c, context: { cluster: c, user: team } }]",
  "current-context: c",
  "",
].join("\n");

const withPodIdentityMode = (mode: string) => (project: Record<string, unknown>) => ({
  ...project,
  podIdentity: { ...(project.podIdentity as Record<string, unknown>), mode },
});
const secrets = { "existing.kubeconfig": KUBECONFIG };

let run: StackRun;
beforeAll(async () => {
  // Existing mode serves pod identity in managed mode only (MIC's Azure context is not in its
  // configuration; the last test shows standard mode refused), so the run pins managed mode.
  // It also sets `guardrails`, so the same run proves existing mode wires them.
  run = await runStack("local", {
    secrets,
    override: (project) => withGuardrails(withPodIdentityMode("managed")(project)),
  });
});

describe("stack local (existing mode)", () => {
  it("registers no Azure resource and no Azure provider, and makes no invoke", () => {
    expect(run.resources.length).toBeGreaterThan(5);
    expect(run.resources.filter((r) => r.type.startsWith("azure-native:"))).toEqual([]);
    expect(ofType(run.resources, "pulumi:providers:azure-native")).toEqual([]);
    expect(run.invokes).toEqual([]);
  });

  it("hardens the cluster through one explicit provider built from the secret kubeconfig", () => {
    const provider = single(run.resources, "pulumi:providers:kubernetes");
    expect(provider.inputs.kubeconfig).toEqual({ [SIG_KEY]: expect.any(String), value: KUBECONFIG });
    const kubernetesResources = run.resources.filter((r) => r.type.startsWith("kubernetes:"));
    expect(kubernetesResources.length).toBeGreaterThan(0);
    for (const r of kubernetesResources) expect(r.provider?.startsWith(`${provider.urn}::`)).toBe(true);
    single(run.resources, "aks-hardening:kubernetes:KubernetesHardening");
  });

  it("returns the given resource groups and identity client IDs", () => {
    const teams = run.outputs.teams as Record<
      string,
      { resourceGroupId: string; identities: Record<string, { clientId: string; resourceId: string }> }
    >;
    expect(Object.keys(teams).sort()).toEqual(run.config.teams.map((t) => t.name).sort());
    for (const team of run.config.teams) {
      expect(teams[team.name].resourceGroupId).toBe(team.resourceGroupId);
      for (const identity of team.identities) {
        expect(teams[team.name].identities[identity.name]).toEqual(identity.existing);
      }
    }
  });

  it("exports no credential: not the platform kubeconfig, not any kubeconfig with a user credential", () => {
    expect(run.outputs.kubeconfig).toBeUndefined();
    expect(credentialsInOutputs(run.outputs)).toEqual([]);
    // The check itself finds the platform's kubeconfig when it is exported.
    expect(credentialsInOutputs({ ...run.outputs, leaked: KUBECONFIG })).toEqual([
      "leaked: users[0].user.token",
    ]);
  });

  it("exports no teamContracts without existing.teamKubeconfig (the platform's kubeconfig is no team's)", () => {
    expect(run.outputs.teamContracts).toBeUndefined();
  });

  it("with existing.teamKubeconfig, exports each team's contract with that kubeconfig and the team's registries", async () => {
    const withTeamKubeconfig = await runStack("local", {
      secrets: { ...secrets, "existing.teamKubeconfig": TEAM_KUBECONFIG },
      override: (project) => ({
        ...withPodIdentityMode("managed")(project),
        teams: (project.teams as Record<string, unknown>[]).map((team, i) =>
          i === 0 ? { ...team, imageRegistries: ["acrlocal.azurecr.io/team-a"] } : team,
        ),
      }),
    });
    const contracts = withTeamKubeconfig.outputs.teamContracts as Record<string, unknown>;
    expect(Object.keys(contracts).sort()).toEqual(run.config.teams.map((t) => t.name).sort());
    for (const team of run.config.teams) {
      const contract = validateTeamContract(contracts[team.name], team.name);
      expect(contract.kubernetes).toEqual({ server: "https://127.0.0.1:6443", kubeconfig: TEAM_KUBECONFIG });
      expect(contract.resourceGroupId).toBe(team.resourceGroupId);
    }
    const [first, second] = run.config.teams.map((t) => validateTeamContract(contracts[t.name], t.name));
    expect(first.imageRegistries).toEqual(["acrlocal.azurecr.io/team-a"]);
    expect(second.imageRegistries).toEqual(run.config.teams[1].imageRegistries);
    expect(second.imageRegistries.length).toBeGreaterThan(0);
    expect(credentialsInOutputs(withTeamKubeconfig.outputs)).toEqual([]);
  });

  it("refuses an existing.teamKubeconfig with a credential before anything is registered, naming the key", async () => {
    await expect(
      runStack("local", {
        secrets: { ...secrets, "existing.teamKubeconfig": KUBECONFIG },
        override: withPodIdentityMode("managed"),
      }),
    ).rejects.toThrow(
      /existing\.teamKubeconfig: embeds credentials .* \(got "\(kubeconfig with users\[0\]\.user\.token\)"\)/,
    );
  });

  it("refuses pod-identity standard mode with an error naming the key and value", async () => {
    await expect(runStack("local", { secrets, override: withPodIdentityMode("standard") })).rejects.toThrow(
      /podIdentity\.mode: must be "managed" with clusterMode: existing.*\(got "standard"\)/,
    );
  });
});

describeGuardrails("local", () => run);
