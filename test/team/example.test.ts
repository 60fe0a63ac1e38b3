/**
 * The team example (examples/team-app) run as a whole program under mocks, its contract stack
 * replaced by a mocked StackReference that serves a contract built by the real builder.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { toEvaluated } from "../../cli/resources";
import { getTeamContract } from "../../components/team/stack-reference";
import { checkRestrictedPodSpec } from "../../components/team/pod-security";
import type { TeamContractData } from "../../components/team/contract";
import { main } from "../../examples/team-app/app";
import { evaluatePolicies } from "../../policy-pack/evaluate";
import type { PolicyViolation } from "../../policy-pack/evaluate";
import { ofType, runProgramUnderMocks, single } from "../../testing/recording-mocks";
import type { MockRunResult, RecordedResource } from "../../testing/recording-mocks";
import { TEAM_A, TEAM_B, TEAM_KUBECONFIG, contractOf, switched } from "./fixtures";

/** The contract stack of each example stack (examples/team-app/Pulumi.team-{a,b}.yaml). */
const contractStackOf = (team: string) => `acme/aks-hardening-contracts/${team}`;

/** Stack config of the example's two stacks (examples/team-app/Pulumi.team-{a,b}.yaml). */
const STACKS = {
  "team-a": { team: "team-a", identity: "orders-reader", image: "acrteama.azurecr.io/orders-api:1.4.2" },
  "team-b": {
    team: "team-b",
    identity: "billing-writer",
    image: `acrteamb.azurecr.io/billing-api@sha256:${"3b4c5d6e7f8091a2".repeat(4)}`,
  },
};

type Run = MockRunResult<Record<string, unknown>>;

/**
 * Runs the example as `stack`, its contract stack exporting `contracts[team]` as `teamContract`
 * (what `npm run contracts:publish` writes); `extra` adds resources of the team's own next to it.
 */
function runExample(
  stack: keyof typeof STACKS,
  contracts: Record<string, unknown>,
  extra?: () => void,
): Promise<Run> {
  const program = async () => {
    const outputs = await main();
    extra?.();
    return outputs;
  };
  const team = STACKS[stack].team;
  return runProgramUnderMocks(program, {
    project: "team-app",
    stack,
    config: { contractStack: contractStackOf(team), ...STACKS[stack] },
    outputs: (type, _name, inputs) =>
      type === "pulumi:pulumi:StackReference" && inputs.name === contractStackOf(team)
        ? { outputs: team in contracts ? { teamContract: contracts[team] } : {} }
        : undefined,
  });
}

const platformContracts = { "team-a": contractOf(TEAM_A), "team-b": contractOf(TEAM_B) };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- recorded inputs are untyped JSON
type Json = Record<string, any>;
const deploymentOf = (run: Run): Json => single(run.resources, "kubernetes:apps/v1:Deployment").inputs;
const podTemplateOf = (run: Run): Json => deploymentOf(run).spec.template;

/** A Deployment's inputs with the identity wiring removed: what must not change across modes. */
function withoutWiring(deployment: Json): Json {
  const copy = structuredClone(deployment);
  delete copy.spec.template.metadata.labels.aadpodidbinding;
  delete copy.spec.template.metadata.labels["azure.workload.identity/use"];
  delete copy.spec.template.spec.serviceAccountName;
  return copy;
}

const k8sResources = (run: Run): RecordedResource[] =>
  run.resources.filter((r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:providers:"));

/** What a team might write by hand instead of using `TeamWorkload` (S4: sniff NMI traffic). */
function rawInsecureDeployment(): void {
  const provider = new k8s.Provider("raw-k8s", { kubeconfig: TEAM_KUBECONFIG });
  new k8s.apps.v1.Deployment(
    "raw-sniffer",
    {
      metadata: { name: "sniffer", namespace: "orders" },
      spec: {
        selector: { matchLabels: { app: "sniffer" } },
        template: {
          metadata: { labels: { app: "sniffer" } },
          spec: {
            hostNetwork: true,
            containers: [
              {
                name: "tcpdump",
                image: "acrteama.azurecr.io/tcpdump:4.99",
                securityContext: { privileged: true, capabilities: { add: ["NET_ADMIN", "NET_RAW"] } },
              },
            ],
          },
        },
      },
    },
    { provider },
  );
}

const mandatory = (violations: PolicyViolation[]) =>
  violations.filter((v) => v.enforcementLevel === "mandatory");
const describeViolations = (violations: PolicyViolation[]) =>
  violations.map((v) => `${v.policyName} on ${v.resourceName ?? "stack"}: ${v.message}`);

describe("examples/team-app under mocks", () => {
  let teamA: Run; // pod identity
  let teamB: Run; // workload identity
  let teamASwitched: Run; // team a, moved to workload identity by the platform
  let teamAWithRaw: Run; // team a, plus a hand-written insecure Deployment

  beforeAll(async () => {
    teamA = await runExample("team-a", platformContracts);
    teamB = await runExample("team-b", platformContracts);
    teamASwitched = await runExample("team-a", {
      ...platformContracts,
      "team-a": contractOf(switched(TEAM_A)),
    });
    teamAWithRaw = await runExample("team-a", platformContracts, rawInsecureDeployment);
  });

  it("builds for both teams from the mocked contract StackReference", () => {
    for (const run of [teamA, teamB]) {
      single(run.resources, "aks-hardening:team:TeamWorkload", "api");
      single(run.resources, "kubernetes:apps/v1:Deployment");
      single(run.resources, "kubernetes:policy/v1:PodDisruptionBudget");
      single(run.resources, "kubernetes:core/v1:Service");
      // Team developers may not write ServiceAccounts: the component creates none.
      expect(run.resources.filter((r) => r.type === "kubernetes:core/v1:ServiceAccount")).toEqual([]);
    }
    expect(teamA.result).toEqual({ namespace: "orders", serviceAccount: "orders-reader-sa" });
    expect(teamB.result).toEqual({ namespace: "billing", serviceAccount: "billing-writer-sa" });
  });

  it("creates every Kubernetes object through the provider made from the contract's kubeconfig", () => {
    for (const run of [teamA, teamB]) {
      const provider = single(run.resources, "pulumi:providers:kubernetes");
      // Recorded as a secret: the kubeconfig never shows in the team stack's state in plain text.
      expect(provider.inputs.kubeconfig).toEqual({
        [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig,
        value: contractOf(TEAM_A).kubernetes.kubeconfig,
      });
      for (const resource of k8sResources(run)) {
        expect(resource.provider).toBe(`${provider.urn}::${provider.id}`);
        expect((resource.inputs as Json).metadata.namespace).toBe(run === teamA ? "orders" : "billing");
      }
    }
  });

  it("produces Pod templates that the restricted profile admits", () => {
    for (const run of [teamA, teamB, teamASwitched]) {
      const template = podTemplateOf(run);
      expect(checkRestrictedPodSpec(template.spec, template.metadata)).toEqual([]);
    }
    // The same check on the recorded template fails once an insecure setting is added.
    const tampered = structuredClone(podTemplateOf(teamA));
    tampered.spec.hostNetwork = true;
    expect(checkRestrictedPodSpec(tampered.spec).map((v) => v.check)).toEqual(["hostNamespaces"]);
  });

  it("wires team a's pods to its identity through the aadpodidbinding label", () => {
    const template = podTemplateOf(teamA);
    expect(template.metadata.labels.aadpodidbinding).toBe("orders.orders-reader");
    expect(template.metadata.labels["azure.workload.identity/use"]).toBeUndefined();
    // The platform's ServiceAccount for the identity: a team developer may not create one.
    expect(template.spec.serviceAccountName).toBe("orders-reader-sa");
    expect(teamA.resources.filter((r) => r.type === "kubernetes:core/v1:ServiceAccount")).toEqual([]);
  });

  it("wires team b's pods to the platform's federated ServiceAccount and the opt-in label", () => {
    const template = podTemplateOf(teamB);
    expect(template.metadata.labels["azure.workload.identity/use"]).toBe("true");
    expect(template.metadata.labels.aadpodidbinding).toBeUndefined();
    expect(template.spec.serviceAccountName).toBe("billing-writer-sa");
    expect(ofType(teamB.resources, "kubernetes:core/v1:ServiceAccount")).toEqual([]);
  });

  it("changes only the identity wiring when the platform switches team a to workload identity", () => {
    expect(withoutWiring(deploymentOf(teamASwitched))).toEqual(withoutWiring(deploymentOf(teamA)));
    expect(deploymentOf(teamASwitched)).not.toEqual(deploymentOf(teamA));
    const template = podTemplateOf(teamASwitched);
    expect(template.metadata.labels["azure.workload.identity/use"]).toBe("true");
    expect(template.spec.serviceAccountName).toBe("orders-reader-sa");
    for (const type of ["kubernetes:policy/v1:PodDisruptionBudget", "kubernetes:core/v1:Service"]) {
      expect(single(teamASwitched.resources, type).inputs).toEqual(single(teamA.resources, type).inputs);
    }
    // The only resource that differs: pod identity's own ServiceAccount is no longer needed.
    const types = (run: Run) =>
      k8sResources(run)
        .map((r) => r.type)
        .sort();
    expect(types(teamA).filter((t) => t !== "kubernetes:core/v1:ServiceAccount")).toEqual(
      types(teamASwitched),
    );
  });

  it("refuses a contract of the wrong shape with an error naming the missing field and the team", async () => {
    // A JSON copy: structuredClone's arrays come from another realm, and Pulumi's serializer would
    // then see objects (`instanceof Array` is false across realms).
    const broken = JSON.parse(JSON.stringify(platformContracts)) as Record<string, Partial<TeamContractData>>;
    delete broken["team-a"].resourceGroupId;
    await expect(runExample("team-a", broken)).rejects.toThrow(
      'invalid platform contract for team "team-a":\n  teamContract.resourceGroupId: must be a non-empty string (got (missing))',
    );
  });

  it("refuses a stack without a teamContract output (not a contract stack), saying what to read instead", async () => {
    const { "team-b": _absent, ...onlyA } = platformContracts;
    await expect(runExample("team-b", onlyA)).rejects.toThrow(
      /contract stack "acme\/aks-hardening-contracts\/team-b":\n {2}teamContract: stack output is missing .* teamContracts instead, which teams must not read/,
    );
  });

  it("refuses another team's contract published into this team's stack", async () => {
    await expect(
      runExample("team-b", { ...platformContracts, "team-b": platformContracts["team-a"] }),
    ).rejects.toThrow('teamContract.team: must be "team-b" (got "team-a")');
  });

  it("hands the kubeconfig to the team's program as a secret", async () => {
    const { result } = await runProgramUnderMocks(
      async () => {
        const contract = await getTeamContract(contractStackOf("team-a"), "team-a");
        return {
          secret: await pulumi.isSecret(contract.kubernetes.kubeconfig),
          namespaces: contract.namespaces,
        };
      },
      {
        outputs: (type) =>
          type === "pulumi:pulumi:StackReference"
            ? { outputs: { teamContract: platformContracts["team-a"] } }
            : undefined,
      },
    );
    expect(result).toEqual({ secret: true, namespaces: ["orders"] });
  });

  // The policy pack judges a team's stack like any other.
  it("passes the policy pack with no mandatory violation, for both identity modes", async () => {
    for (const run of [teamA, teamB, teamASwitched]) {
      expect(describeViolations(mandatory(await evaluatePolicies(toEvaluated(run.resources))))).toEqual([]);
    }
  });

  it("has a raw insecure Deployment added to the stack refused by the pack, naming the policy", async () => {
    const violations = mandatory(await evaluatePolicies(toEvaluated(teamAWithRaw.resources)));
    const refused = violations.filter((v) => v.resourceName === "raw-sniffer");
    expect(refused.map((v) => v.policyName)).toContain("k8s-workload-pod-security");
    expect(refused.map((v) => v.message).join("\n")).toMatch(
      /hostNamespaces at spec\.template\.spec\.hostNetwork/,
    );
    // ... and nothing else in the stack changed its verdict.
    expect(violations.filter((v) => v.resourceName !== "raw-sniffer")).toEqual([]);
  });
});
