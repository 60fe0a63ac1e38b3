/**
 * The checks every committed create-mode stack must pass (dev and prod each run them in their own
 * jest file: one Pulumi mock runtime per process): each team reaches only its own identities and
 * the report says so per team; widening one team's RoleBinding to another team's group is found,
 * with exit 1, valid SARIF, and a baseline that then shows only the new paths; a stack export of
 * the plan gives the same paths as the plan.
 */
import { runBlueprint } from "../../cli/program-run";
import type { PlannedResource } from "../../cli/resources";
import { fromStackExport, toStackExport } from "../../cli/stack-export";
import { loadStackFile, resolveStacksDir } from "../../cli/stack-file";
import { PROJECT } from "../../infra/config/project";
import { factsFromResources } from "../../cli/paths/read-resources";
import { runPaths, type PathRun } from "../../cli/paths/report";
import { reachKey } from "../../cli/paths/analyze";
import { sarifValidator } from "../cli/sarif-schema";
import { mkdtempSync, readFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";

export function quietly<T>(fn: () => T): { result: T; stdout: string } {
  let stdout = "";
  const spy = jest.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    return { result: fn(), stdout };
  } finally {
    spy.mockRestore();
  }
}

/** A deep copy with `mutate` applied to the first RoleBinding in `namespace` (a widened binding). */
export function widenBinding(
  resources: PlannedResource[],
  namespace: string,
  group: string,
): PlannedResource[] {
  const copy = JSON.parse(JSON.stringify(resources)) as PlannedResource[];
  const binding = copy.find(
    (r) =>
      r.type === "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding" &&
      (r.inputs.metadata as { namespace?: string }).namespace === namespace,
  );
  if (!binding) throw new Error(`no RoleBinding in ${namespace}`);
  (binding.inputs.subjects as unknown[]).push({
    apiGroup: "rbac.authorization.k8s.io",
    kind: "Group",
    name: group,
  });
  return copy;
}

export function stackChecks(stackName: string, victimTeam: string, attackerTeam: string): void {
  let resources: PlannedResource[];
  let clean: PathRun;
  let developerGroup: (team: string) => string;
  const analyse = (rs: PlannedResource[], options: Partial<Parameters<typeof runPaths>[1]> = {}) =>
    quietly(() =>
      runPaths(factsFromResources(rs, `plan of stack ${stackName}`), {
        format: "table",
        artifactUri: "stacks/x.yaml",
        ...options,
      }),
    );

  beforeAll(async () => {
    const stack = loadStackFile(resolveStacksDir(), stackName);
    resources = await runBlueprint(stack, PROJECT);
    clean = analyse(resources).result;
    const teams = JSON.parse(stack.rawConfig[`${PROJECT}:teams`]) as {
      name: string;
      developerGroupIds: string[];
    }[];
    developerGroup = (team) => teams.find((t) => t.name === team)!.developerGroupIds[0];
  }, 120_000);

  it("every team reaches only its own identities, and at least one of them; the report says so per team", () => {
    expect(clean.exitCode).toBe(0);
    expect(clean.analysis.findings).toEqual([]);
    expect(clean.analysis.teams.length).toBeGreaterThanOrEqual(3);
    for (const t of clean.analysis.teams) {
      expect(t.ownOnly).toBe(true);
      expect(t.reaches.length).toBeGreaterThan(0);
      expect(t.reaches.every((r) => r.owner === t.team)).toBe(true);
      expect(clean.text).toContain(
        `  ${t.team} [${t.namespaces.join(", ")}]: reaches only its own identities (${t.reaches.length})`,
      );
    }
    expect(clean.text).toContain("No team reaches an identity it does not own.");
    // Every team identity of the plan is somebody's, and the platform's are reached by nobody.
    for (const i of clean.analysis.identities) {
      if (i.owner === "platform") expect(i.principals).toEqual([]);
      else expect(i.principals.every((p) => p.teams.includes(i.owner))).toBe(true);
    }
  });

  it("shows no node co-residency between teams: each pod-identity team's pods land on its own pool only (issue 15)", () => {
    expect(clean.coResidency.judged).toBe(true);
    expect(clean.coResidency.enforced).toBe(true);
    expect(clean.coResidency.pairs).toEqual([]);
    expect(clean.text).toContain("No team's pods share a node pool with another team's pod identities.");
  });

  it(`a widened RoleBinding (${attackerTeam}'s group in ${victimTeam}'s namespace) is a cross-team reach, exit 1`, () => {
    const widened = widenBinding(resources, victimTeam, developerGroup(attackerTeam));
    const { result, stdout } = analyse(widened);
    expect(result.exitCode).toBe(1);
    const found = result.analysis.findings.filter((f) => f.team === attackerTeam && f.owner === victimTeam);
    expect(found.length).toBeGreaterThan(0);
    expect(stdout).toMatch(new RegExp(`${attackerTeam} \\[.*\\]: REACHES \\d+ IDENTIT`));
    // The path starts at the attacker's group and its first edge is the widened binding's grant.
    expect(found[0].entry).toBe(`group:${developerGroup(attackerTeam)}`);
    expect(found[0].path[0].sources.some((s) => s.includes("RoleBinding"))).toBe(true);
  });

  it("SARIF of the findings validates against the published 2.1.0 schema, one result per cross-team reach", () => {
    const widened = widenBinding(resources, victimTeam, developerGroup(attackerTeam));
    const { result, stdout } = analyse(widened, { format: "sarif" });
    const sarif = JSON.parse(stdout) as { runs: { results: unknown[] }[] };
    expect(sarifValidator()(sarif)).toEqual([]);
    expect(sarif.runs[0].results).toHaveLength(result.analysis.findings.length);
    const none = JSON.parse(analyse(resources, { format: "sarif" }).stdout) as {
      runs: { results: unknown[] }[];
    };
    expect(sarifValidator()(none)).toEqual([]);
    expect(none.runs[0].results).toEqual([]);
  });

  it("--baseline shows only new paths: none against itself, the widened ones against the clean plan", () => {
    const dir = mkdtempSync(join(tmpdir(), "paths-"));
    const widened = widenBinding(resources, victimTeam, developerGroup(attackerTeam));
    analyse(resources, { out: join(dir, "clean.json") });
    analyse(widened, { out: join(dir, "widened.json") });
    const json = JSON.parse(readFileSync(join(dir, "widened.json"), "utf8")) as {
      nodes: unknown[];
      edges: { sources: string[] }[];
    };
    expect(json.edges.length).toBeGreaterThan(0);
    expect(json.edges.every((e) => Array.isArray(e.sources))).toBe(true);
    expect(json.edges.some((e) => e.sources.some((s) => s.startsWith("urn:pulumi:")))).toBe(true);
    const againstSelf = analyse(widened, { baseline: join(dir, "widened.json") });
    expect(againstSelf.result.exitCode).toBe(0);
    const againstClean = analyse(widened, { baseline: join(dir, "clean.json") });
    expect(againstClean.result.exitCode).toBe(1);
    expect(againstClean.stdout).toContain("not in the baseline");
  });

  it("a stack export of the plan gives the same paths as the plan", () => {
    const exported = fromStackExport(
      toStackExport(resources, "3.248.0") as unknown as Record<string, unknown>,
      "export.json",
    );
    const fromExport = analyse(exported).result;
    const keys = (r: PathRun) => r.analysis.teams.flatMap((t) => t.reaches.map(reachKey)).sort();
    expect(keys(fromExport)).toEqual(keys(clean));
    expect(keys(clean).length).toBeGreaterThan(0);
  });
}
