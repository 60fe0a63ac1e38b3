/**
 * The policy pack judges a team's stack like any other: the team example built with the components
 * passes with no mandatory violation, and a raw insecure Deployment a team might write instead is
 * refused, by name of the policy.
 */
import * as k8s from "@pulumi/kubernetes";
import { toEvaluated } from "../../cli/resources";
import { main } from "../../examples/team-app/app";
import { evaluatePolicies } from "../../policy-pack/evaluate";
import type { PolicyViolation } from "../../policy-pack/evaluate";
import { runProgramUnderMocks } from "../../testing/recording-mocks";
import type { RecordedResource } from "../../testing/recording-mocks";
import { TEAM_A, TEAM_B, TEAM_KUBECONFIG, contractOf } from "./fixtures";

const PLATFORM_STACK = "acme/aks-hardening/prod";
const contracts = { "team-a": contractOf(TEAM_A), "team-b": contractOf(TEAM_B) };

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

/** Stack config of the example's two stacks (examples/team-app/Pulumi.team-{a,b}.yaml). */
const STACKS = {
  "team-a": { team: "team-a", identity: "orders-reader", image: "acrteama.azurecr.io/orders-api:1.4.2" },
  "team-b": { team: "team-b", identity: "billing-writer", image: "acrteamb.azurecr.io/billing-api:2.0.1" },
};

async function runTeam(stack: keyof typeof STACKS, extra?: () => void): Promise<RecordedResource[]> {
  const { resources } = await runProgramUnderMocks(
    async () => {
      const outputs = await main();
      extra?.();
      return outputs;
    },
    {
      project: "team-app",
      stack,
      config: { platformStack: PLATFORM_STACK, ...STACKS[stack] },
      outputs: (type) =>
        type === "pulumi:pulumi:StackReference"
          ? { outputs: { teamContracts: contracts }, secretOutputNames: ["teamContracts"] }
          : undefined,
    },
  );
  return resources;
}

const mandatory = (violations: PolicyViolation[]) =>
  violations.filter((v) => v.enforcementLevel === "mandatory");
const describeViolations = (violations: PolicyViolation[]) =>
  violations.map((v) => `${v.policyName} on ${v.resourceName ?? "stack"}: ${v.message}`);

describe("the policy pack on the team example", () => {
  let cleanA: PolicyViolation[]; // pod identity
  let cleanB: PolicyViolation[]; // workload identity
  let withRaw: PolicyViolation[];

  beforeAll(async () => {
    cleanA = await evaluatePolicies(toEvaluated(await runTeam("team-a")));
    cleanB = await evaluatePolicies(toEvaluated(await runTeam("team-b")));
    withRaw = await evaluatePolicies(toEvaluated(await runTeam("team-a", rawInsecureDeployment)));
  });

  it("reports no mandatory violation on the stacks built with the team components", () => {
    expect(describeViolations(mandatory(cleanA))).toEqual([]);
    expect(describeViolations(mandatory(cleanB))).toEqual([]);
  });

  it("refuses a raw insecure Deployment added to the same stack, naming the policy", () => {
    const refused = mandatory(withRaw).filter((v) => v.resourceName === "raw-sniffer");
    expect(refused.map((v) => v.policyName)).toContain("k8s-workload-pod-security");
    expect(refused.map((v) => v.message).join("\n")).toMatch(/hostNetwork|privileged/);
    // ... and nothing else in the stack changed its verdict.
    expect(mandatory(withRaw).filter((v) => v.resourceName !== "raw-sniffer")).toEqual([]);
  });
});
