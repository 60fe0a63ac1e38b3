/**
 * `npm run paths` and `npm run plan -- --paths` spawned as a user runs them (the package.json
 * commands, without npm's own start-up), all started at once.
 */
import { execFile } from "child_process";
import { readFileSync } from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(script: "plan" | "paths", args: string[]): Promise<Run> {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };
  const [command, ...base] = pkg.scripts[script].split(" ");
  if (command !== "node") throw new Error(`unexpected ${script} command: ${pkg.scripts[script]}`);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...base, ...args],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr }),
    );
  });
}

let runs: Record<string, Run>;
beforeAll(async () => {
  const entries = await Promise.all(
    Object.entries({
      planPaths: run("plan", ["--stack", "dev", "--paths"]),
      pathsJson: run("paths", ["--stack", "prod", "--format", "json"]),
      export: run("paths", [path.join(__dirname, "../cli/fixtures/stack-export.json")]),
      twoInputs: run("paths", ["x.json", "--stack", "dev"]),
      context: run("paths", ["--stack", "dev", "--context", "c"]),
      planFormat: run("plan", ["--stack", "dev", "--paths", "--format", "json"]),
    }).map(async ([k, p]) => [k, await p] as const),
  );
  runs = Object.fromEntries(entries);
}, 120_000);

test("plan --paths: the policy verdict, then the per-team report; exit 0 for dev", () => {
  const r = runs.planPaths;
  expect(r.code).toBe(0);
  expect(r.stdout).toContain("aks-hardening attack paths: plan of stack dev");
  for (const team of ["payments", "catalog", "analytics"])
    expect(r.stdout).toMatch(new RegExp(`  ${team} \\[.*\\]: reaches only its own identities`));
});

test("paths --stack prod --format json: attack-paths.json with every team's own identities only", () => {
  expect(runs.pathsJson.code).toBe(0);
  const doc = JSON.parse(runs.pathsJson.stdout) as {
    version: number;
    teams: { ownOnly: boolean; reaches: unknown[] }[];
    findings: unknown[];
  };
  expect(doc.version).toBe(1);
  expect(doc.findings).toEqual([]);
  expect(doc.teams.length).toBeGreaterThan(0);
  expect(doc.teams.every((t) => t.ownOnly && t.reaches.length > 0)).toBe(true);
});

test("a stack export without team labels runs and says how to name the teams", () => {
  expect(runs.export.code).toBe(0);
  expect(runs.export.stdout).toMatch(/assumption: no teams found/);
});

test.each([
  ["twoInputs", /give exactly one input/],
  ["context", /--context needs --kubeconfig/],
  ["planFormat", /--paths adds a text report to the table output/],
])("bad input %s: exit 2 and a message", (key, message) => {
  expect(runs[key].code).toBe(2);
  expect(runs[key].stderr).toMatch(message);
});
