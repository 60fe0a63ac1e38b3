/**
 * `plan` and `audit` end to end, spawned as a user runs them (the package.json commands), all
 * started at once in `beforeAll` because each process pays the SDK's start-up. One compliant stack
 * (dev), then the same stack with one insecure setting; real-format fixtures; each kind of bad input.
 */
import { execFile, spawn } from "child_process";
import { closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { sarifValidator } from "./sarif-schema";

const ROOT = path.resolve(__dirname, "../..");
const FIXTURES = path.join(__dirname, "fixtures");
const tmp = mkdtempSync(path.join(tmpdir(), "cli-e2e-"));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The argv of `npm run <script> -- args` as package.json defines it, without npm's own start-up. */
function scriptArgv(script: "plan" | "audit", args: string[]): string[] {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };
  const [command, ...base] = pkg.scripts[script].split(" ");
  if (command !== "node") throw new Error(`unexpected ${script} command: ${pkg.scripts[script]}`);
  return [...base, ...args];
}

/** Runs `npm run <script> -- args` the way package.json defines it. */
function run(script: "plan" | "audit", args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      scriptArgv(script, args),
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr });
      },
    );
  });
}

/** Runs the audit with stdout written straight to a file (synchronous writes: nothing can be lost). */
function auditToFile(args: string[], out: string): Promise<number> {
  const fd = openSync(out, "w");
  return new Promise((resolve) => {
    const child = spawn(process.execPath, scriptArgv("audit", args), {
      cwd: ROOT,
      stdio: ["ignore", fd, "ignore"],
    });
    child.on("exit", (code) => {
      closeSync(fd);
      resolve(code ?? -1);
    });
  });
}

/**
 * Runs the audit with stdout read by a slow consumer: one buffer, then 20 ms before the next, so
 * the last megabytes are still in the pipe when the program has finished. (A `readable` listener,
 * not a paused stream: on exit Node resumes unlistened stdio streams and drops what they hold.)
 */
function auditThroughSlowReader(args: string[]): Promise<{ code: number; bytes: Buffer }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, scriptArgv("audit", args), {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "ignore"],
    });
    const chunks: Buffer[] = [];
    let waiting = false;
    const pull = () => {
      if (waiting) return;
      waiting = true;
      setTimeout(() => {
        waiting = false;
        const chunk = child.stdout.read() as Buffer | null;
        if (chunk) {
          chunks.push(chunk);
          pull();
        }
      }, 20);
    };
    child.stdout.on("readable", pull);
    child.on("close", (code) => resolve({ code: code ?? -1, bytes: Buffer.concat(chunks) }));
  });
}

/** A stack export with `copies` kubenet clusters: a SARIF of several megabytes. */
function largeExport(file: string, copies: number): void {
  const doc = JSON.parse(readFileSync(path.join(FIXTURES, "stack-export.json"), "utf8"));
  const resources = doc.deployment.resources as { urn: string; type: string }[];
  const cluster = resources.find((r) => r.type === "azure-native:containerservice:ManagedCluster");
  if (!cluster) throw new Error("stack-export.json no longer has a ManagedCluster");
  for (let i = 0; i < copies; i++) resources.push({ ...cluster, urn: `${cluster.urn}-${i}` });
  writeFileSync(file, JSON.stringify(doc));
}

/** A stacks directory holding a copy of dev with one line changed. */
function mutatedDev(dir: string, from: RegExp, to: string): string {
  const stacks = path.join(tmp, dir);
  mkdirSync(stacks);
  const text = readFileSync(path.join(ROOT, "stacks/Pulumi.dev.yaml"), "utf8");
  if (!from.test(text)) throw new Error(`stacks/Pulumi.dev.yaml no longer has ${from}`);
  writeFileSync(path.join(stacks, "Pulumi.dev.yaml"), text.replace(from, to));
  return stacks;
}

const planFile = path.join(tmp, "dev-plan.json");
const reportFile = path.join(tmp, "dev-report.md");
const results: Record<string, Run> = {};
const largeSarifFile = path.join(tmp, "large.sarif");
let slowSarif: { code: number; bytes: Buffer };
let fileSarifCode: number;

beforeAll(async () => {
  const truncated = path.join(tmp, "truncated.json");
  writeFileSync(truncated, readFileSync(path.join(FIXTURES, "stack-export.json"), "utf8").slice(0, 700));
  const insecure = mutatedDev("insecure", /defender: true/, "defender: false");
  const invalid = mutatedDev("invalid", /tier: \w+/, "tier: Gold");
  copyFileSync(path.join(FIXTURES, "preview.json"), path.join(tmp, "preview.json"));
  // An up-to-date stack previewed without --show-sames: only the stack is listed.
  const preview = JSON.parse(readFileSync(path.join(FIXTURES, "preview.json"), "utf8"));
  const withoutSames = path.join(tmp, "preview-without-sames.json");
  writeFileSync(
    withoutSames,
    JSON.stringify({ ...preview, steps: preview.steps.slice(0, 1), changeSummary: { same: 40 } }),
  );
  const large = path.join(tmp, "large-export.json");
  largeExport(large, 150);
  const jobs: Record<string, () => Promise<Run>> = {
    dev: () => run("plan", ["--stack", "dev", "--out", planFile, "--report", reportFile]),
    insecure: () => run("plan", ["--stack", "dev", "--stacks-dir", insecure]),
    invalid: () => run("plan", ["--stack", "dev", "--stacks-dir", invalid]),
    unknownStack: () => run("plan", ["--stack", "staging"]),
    exportFixture: () => run("audit", [path.join(FIXTURES, "stack-export.json")]),
    previewFixture: () => run("audit", [path.join(tmp, "preview.json"), "--format", "json"]),
    truncated: () => run("audit", [truncated]),
    badFormat: () => run("audit", [path.join(FIXTURES, "preview.json"), "--format", "xml"]),
    previewWithoutSames: () => run("audit", [withoutSames]),
  };
  await Promise.all(Object.entries(jobs).map(async ([name, job]) => (results[name] = await job())));
  // The plan file feeds the second audit, so it runs after the plan.
  // The plan file feeds the audits, so they run after the plan; without --policy-config the audit
  // must find the dev stack's own pack config.
  const sarifArgs = [large, "--format", "sarif"];
  [results.auditPlan, results.auditPlanTable, slowSarif, fileSarifCode] = await Promise.all([
    run("audit", [planFile, "--format", "sarif"]),
    run("audit", [planFile]),
    auditThroughSlowReader(sarifArgs),
    auditToFile(sarifArgs, largeSarifFile),
  ]);
}, 240_000);

/** No bad input may end in a stack trace. */
function expectNoStackTrace(r: Run): void {
  expect(r.stderr).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
}

describe("npm run plan", () => {
  it("plans the dev stack cleanly: exit 0, resources by type and component, graph, violations", () => {
    const r = results.dev;
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Resources: \d+ \(\d+ custom/);
    expect(r.stdout).toContain("By type:");
    expect(r.stdout).toContain("By component (direct children):");
    expect(r.stdout).toMatch(/Deployment graph: depth \d+ \(critical path: Stack aks-hardening-dev > /);
    expect(r.stdout).toMatch(/Widest level: \d+ resources at level \d+/);
    expect(r.stdout).toMatch(/Policy violations: (none|\d+ \(0 mandatory\))/);
  });

  it("writes a pulumi stack export and a threat report covering S1-S6 with a diagram", () => {
    const plan = JSON.parse(readFileSync(planFile, "utf8"));
    expect(plan.version).toBe(3);
    const types = plan.deployment.resources.map((r: { type: string }) => r.type);
    expect(types).toContain("pulumi:providers:kubernetes");
    expect(types).toContain("azure-native:containerservice:ManagedCluster");
    const report = readFileSync(reportFile, "utf8");
    for (const s of ["S1", "S2", "S3", "S4", "S5", "S6"])
      expect(report).toMatch(new RegExp(`## ${s}: .*: (defended|\\*\\*exposed\\*\\*)`));
    expect(report).toContain("```mermaid\nflowchart LR");
  });

  it("the same stack with Defender turned off exits 1 and names the policy", () => {
    expect(results.insecure.code).toBe(1);
    expect(results.insecure.stdout).toMatch(/aks-defender\s+\w+\s+mandatory/);
  });

  it("invalid config exits 2 with the validator's line naming the key and value, no stack trace", () => {
    const r = results.invalid;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid configuration in .*Pulumi\.dev\.yaml:\ncluster\.tier: .*Gold/);
    expectNoStackTrace(r);
  });

  it("an unknown stack exits 2 and lists the available stacks", () => {
    expect(results.unknownStack.code).toBe(2);
    expect(results.unknownStack.stderr).toMatch(/unknown stack "staging".*Available stacks: .*dev.*prod/);
  });
});

describe("npm run audit", () => {
  it("audits a real-format pulumi stack export: exit 1, naming the kubenet cluster's policy", () => {
    const r = results.exportFixture;
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("audit of");
    expect(r.stdout).toMatch(
      /aks-azure-cni-network-policy\s+critical\s+mandatory\s+azure-native:containerservice:ManagedCluster::legacy-aks/,
    );
  });

  it("audits a pulumi preview --json output, ignoring the resource being deleted", () => {
    const r = results.previewFixture;
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.source).toMatchObject({ kind: "preview-json", stack: "staging" });
    const names = out.violations.map(
      (v: { policyName: string; resourceName: string }) => `${v.policyName}:${v.resourceName}`,
    );
    expect(names).toContain("azure-role-assignment-scope:ci-deployer");
    expect(names.some((n: string) => n.endsWith(":old-owner"))).toBe(false);
  });

  it("audits its own plan file with the stack's pack config by default, and says which file it used", () => {
    const r = results.auditPlanTable;
    expect(r.stdout).toContain("note: policy config: policy-pack/config/dev.json (stack dev;");
    expect(r.stdout).toMatch(/Policy violations: (none|\d+ \(0 mandatory\))/);
    expect(r.code).toBe(0);
  });

  it("a preview --json without --show-sames exits 2: judging the changed steps alone would pass anything", () => {
    const r = results.previewWithoutSames;
    expect(r.stderr).toMatch(
      /preview --json omits unchanged resources \(changeSummary counts 40, steps list 1\): rerun with --show-sames, or audit `pulumi stack export`/,
    );
    expect(r.code).toBe(2);
    expectNoStackTrace(r);
  });

  it("a multi-megabyte SARIF read by a slow consumer arrives whole, byte for byte", () => {
    const expected = readFileSync(largeSarifFile);
    expect(expected.length).toBeGreaterThan(1024 * 1024);
    expect(fileSarifCode).toBe(1);
    expect(slowSarif.code).toBe(1);
    expect(slowSarif.bytes.length).toBe(expected.length);
    expect(slowSarif.bytes.equals(expected)).toBe(true);
  });

  it("audits its own plan file as SARIF 2.1.0 that validates against the schema", () => {
    const r = results.auditPlan;
    expect(r.stderr).toContain("note: policy config: policy-pack/config/dev.json");
    expect(r.code).toBe(0);
    const sarif = JSON.parse(r.stdout);
    expect(sarifValidator()(sarif)).toEqual([]);
    expect(sarif.runs[0].tool.driver.rules.length).toBeGreaterThan(10);
  });

  it("truncated JSON exits 2 with a clear message, no stack trace", () => {
    expect(results.truncated.code).toBe(2);
    expect(results.truncated.stderr).toMatch(
      /^error: audit input .*truncated\.json: not valid JSON \(truncated\?\)/,
    );
    expectNoStackTrace(results.truncated);
  });

  it("an unknown --format exits 2 naming the accepted ones", () => {
    expect(results.badFormat.code).toBe(2);
    expect(results.badFormat.stderr).toContain('--format: "xml" is not one of table, json, sarif');
  });
});
