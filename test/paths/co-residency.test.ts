/**
 * Node co-residency in the attack-path report (issue 15), on the dev stack's plan: with isolation
 * turned off the pod-identity teams share the user pool with everyone, and the report shows it;
 * with the pools but without the admission policy that binds pods to them, it shows it too.
 */
import { runBlueprint } from "../../cli/program-run";
import type { PlannedResource } from "../../cli/resources";
import { loadStackFile, resolveStacksDir } from "../../cli/stack-file";
import { factsFromResources } from "../../cli/paths/read-resources";
import { runPaths, type PathRun } from "../../cli/paths/report";
import { PROJECT } from "../../infra/config/project";
import { quietly } from "./stack-checks";

const analyse = (rs: PlannedResource[]): PathRun =>
  quietly(() => runPaths(factsFromResources(rs, "plan of stack dev"), { format: "table", artifactUri: "x" }))
    .result;

let shared: PathRun;
let withoutPolicy: PathRun;
beforeAll(async () => {
  const stack = loadStackFile(resolveStacksDir(), "dev");
  const key = (k: string) => `${PROJECT}:${k}`;
  const teams = (JSON.parse(stack.rawConfig[key("teams")]) as Record<string, unknown>[]).map(
    ({ nodePool: _pool, ...team }) => team,
  );
  const podIdentity = { ...JSON.parse(stack.rawConfig[key("podIdentity")]), isolateNodes: false };
  const off = {
    ...stack,
    rawConfig: {
      ...stack.rawConfig,
      [key("teams")]: JSON.stringify(teams),
      [key("podIdentity")]: JSON.stringify(podIdentity),
    },
  };
  shared = analyse(await runBlueprint(off, PROJECT));
  const isolated = await runBlueprint(stack, PROJECT);
  withoutPolicy = analyse(isolated.filter((r) => !r.urn.endsWith("aks-hardening-team-node-pool")));
}, 120_000);

describe("node co-residency (issue 15)", () => {
  it("with isolateNodes off, shows every team's pods sharing the user pool with the pod-identity teams' identities", () => {
    expect(shared.coResidency.judged).toBe(true);
    const pairs = shared.coResidency.pairs.map((p) => `${p.team}->${p.owner}@${p.pool}`).sort();
    expect(pairs).toEqual([
      "analytics->catalog@apps",
      "catalog->analytics@apps",
      "payments->analytics@apps",
      "payments->catalog@apps",
    ]);
    expect(shared.text).toMatch(
      /CO-RESIDENT: payments's pods can run on pool apps, which holds catalog's pod identities \(id-aksh-dev-catalog-catalog-reader\)/,
    );
  });

  it("with the pools but without aks-hardening-team-node-pool, pods are not bound to them: co-resident again", () => {
    expect(withoutPolicy.coResidency.enforced).toBe(false);
    expect(withoutPolicy.coResidency.pairs.length).toBeGreaterThan(0);
    expect(withoutPolicy.coResidency.pairs.some((p) => p.team === "payments" && p.owner === "catalog")).toBe(
      true,
    );
  });

  it("does not change the exit status: co-residency needs a node foothold, which the paths judge", () => {
    expect(shared.exitCode).toBe(0);
  });
});
