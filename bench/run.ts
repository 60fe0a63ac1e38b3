/**
 * `npm run bench`: prints how fast the offline plan and the policy evaluation are. Numbers only,
 * no assertions (timings depend on the machine); the targets they are read against are in the
 * README (dev plan < 3 s end to end, 200 teams < 15 s, evaluation > 20,000 resources/s).
 * `npm run bench -- --engine [--rounds N]` runs instead the real-engine benchmark (bench/engine.ts):
 * `pulumi preview` with and without the policy pack against `npm run plan`.
 *
 * Plans are spawned exactly as `npm run plan` runs them, so start-up (Node, the SDK, providers,
 * the transpile cache) is included; peak memory comes from GNU time when it is installed.
 */
import { execFileSync, spawnSync } from "child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "fs";
import { loadavg, tmpdir } from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { fromStackExport } from "../cli/stack-export";
import { toEvaluated, type PlannedResource } from "../cli/resources";
import { LIVE_TEAM_COUNTS, liveClusterRow, planAnalysisRow } from "./paths";

const ROOT = path.resolve(__dirname, "..");
const TEAM_COUNTS = [1, 10, 50, 100, 200];
const EVALUATION_TARGET = 10_000;
const EVALUATION_RUNS = 5;
const GNU_TIME = "/usr/bin/time";
const tmp = mkdtempSync(path.join(tmpdir(), "aks-hardening-bench-"));

interface PlanRun {
  seconds: number;
  exitCode: number;
  resources?: number;
  maxRssMb?: number;
  /** User + system CPU seconds of the plan process (less sensitive than wall time to a busy machine). */
  cpuSeconds?: number;
}

/** Runs the `plan` npm script's command (node + hook + cli/plan.ts) with extra arguments. */
function plan(args: string[], env: NodeJS.ProcessEnv = {}): PlanRun {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };
  const [, ...nodeArgs] = pkg.scripts.plan.split(" ");
  const rssFile = path.join(tmp, "rss.txt");
  const useTime = existsSync(GNU_TIME);
  const [command, commandArgs] = useTime
    ? [GNU_TIME, ["-f", "%M %U %S", "-o", rssFile, process.execPath, ...nodeArgs, ...args]]
    : [process.execPath, [...nodeArgs, ...args]];
  const started = process.hrtime.bigint();
  const result = spawnSync(command, commandArgs, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  let resources: number | undefined;
  try {
    resources = (JSON.parse(result.stdout.toString()) as { resources: { total: number } }).resources.total;
  } catch {
    // table output or a failed run: no count
  }
  if (result.status !== 0 && result.status !== 1) process.stderr.write(result.stderr.toString());
  // GNU time's last line: "<max RSS KB> <user s> <system s>".
  const [rssKb, user, system] = useTime
    ? readFileSync(rssFile, "utf8").trim().split("\n").pop()!.split(" ").map(Number)
    : [NaN, NaN, NaN];
  return {
    seconds,
    exitCode: result.status ?? -1,
    resources,
    maxRssMb: Number.isFinite(rssKb) ? rssKb / 1024 : undefined,
    cpuSeconds: Number.isFinite(user + system) ? user + system : undefined,
  };
}

/** A copy of the dev stack whose `teams` are `count` generated teams, alternating identity modes. */
function generatedStack(dir: string, count: number): void {
  const dev = parse(readFileSync(path.join(ROOT, "stacks/Pulumi.dev.yaml"), "utf8")) as {
    config: Record<string, unknown>;
  };
  dev.config["aks-hardening:teams"] = Array.from({ length: count }, (_, i) => {
    const name = `team${String(i).padStart(3, "0")}`;
    return {
      name,
      developerGroupIds: [`00000000-0000-4000-8000-${String(i).padStart(12, "0")}`],
      namespaces: [name],
      identityMode: i % 2 === 0 ? "workload-identity" : "pod-identity",
      identities: [{ name: "app", namespace: name, roles: ["Storage Blob Data Reader"] }],
    };
  });
  writeFileSync(path.join(dir, "Pulumi.dev.yaml"), stringify(dev));
}

function row(label: string, run: PlanRun, extra = ""): string {
  const rss = run.maxRssMb !== undefined ? `${run.maxRssMb.toFixed(0)} MB` : "n/a";
  const cpu = run.cpuSeconds !== undefined ? `${run.cpuSeconds.toFixed(2)} s` : "n/a";
  return `${label.padEnd(28)} ${run.seconds.toFixed(2).padStart(7)} s wall ${cpu.padStart(8)} CPU  exit ${run.exitCode}  resources ${String(run.resources ?? "?").padStart(5)}  peak RSS ${rss.padStart(7)}${extra}`;
}

async function evaluationThroughput(planFile: string): Promise<string> {
  const { evaluatePolicies } = await import("../policy-pack/evaluate");
  const base = fromStackExport(
    JSON.parse(readFileSync(planFile, "utf8")) as Record<string, unknown>,
    planFile,
  );
  // Copies of the whole stack with distinct URNs, so stack policies see a realistic, larger graph.
  const copies = Math.ceil(EVALUATION_TARGET / base.length);
  const resources: PlannedResource[] = [];
  for (let c = 0; c < copies; c++) {
    const rename = (urn: string) => urn.replace(/::([^:]*)$/, `::$1-copy${c}`);
    for (const r of base) {
      resources.push({
        ...r,
        urn: rename(r.urn),
        parent: r.parent ? rename(r.parent) : undefined,
        dependencies: r.dependencies.map(rename),
        provider: r.provider
          ? `${rename(r.provider.slice(0, r.provider.lastIndexOf("::")))}::${r.provider.slice(r.provider.lastIndexOf("::") + 2)}`
          : undefined,
      });
    }
  }
  const evaluated = toEvaluated(resources);
  const { policies } = await import("../policy-pack/policies");
  const { workloadPodSecurityPolicy } = await import(
    "../policy-pack/policies/stack/k8s-workload-pod-security"
  );
  // "Before": the pack with Pod Security narrowed to the checks the former restricted subset made;
  // "after": the pack as it ships, every check of the namespace's level and version.
  const narrowed = workloadPodSecurityPolicy({ onlyChecks: FORMER_POD_SECURITY_CHECKS });
  const packs = {
    before: policies.map((p) => (p.name === narrowed.name ? narrowed : p)),
    after: policies,
  };
  // One full-size warm-up each (JIT, lazy loads, inline caches), then timed runs alternating the two
  // packs, so that load from other jobs on the machine falls on both alike.
  await evaluatePolicies(evaluated, { policies: packs.before });
  await evaluatePolicies(evaluated, { policies: packs.after });
  const runs = { before: [] as EvaluationRun[], after: [] as EvaluationRun[] };
  for (let i = 0; i < EVALUATION_RUNS; i++) {
    for (const which of ["before", "after"] as const) {
      const started = process.hrtime.bigint();
      const cpuBefore = process.cpuUsage();
      const violations = await evaluatePolicies(evaluated, { policies: packs[which] });
      const cpu = process.cpuUsage(cpuBefore);
      runs[which].push({
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        violations: violations.length,
      });
    }
  }
  const median = (list: EvaluationRun[]) =>
    [...list].sort((x, y) => x.seconds - y.seconds)[Math.floor(list.length / 2)];
  const medianCpu = (list: EvaluationRun[]) =>
    [...list].sort((x, y) => x.cpuSeconds - y.cpuSeconds)[Math.floor(list.length / 2)].cpuSeconds;
  const rate = (seconds: number) => Math.round(evaluated.length / seconds);
  const heapMb = process.memoryUsage().heapUsed / 1024 / 1024;
  const line = (label: string, list: EvaluationRun[]) => {
    const m = median(list);
    return `policy evaluation (${label}): ${evaluated.length} resources, ${EVALUATION_RUNS} runs: median ${m.seconds.toFixed(2)} s wall = ${rate(m.seconds)} resources/s, median ${medianCpu(list).toFixed(2)} s CPU = ${rate(medianCpu(list))} resources/CPU-s; ${m.violations} violations`;
  };
  const ratio = (f: (l: EvaluationRun[]) => number) => (f(runs.before) / f(runs.after)).toFixed(2);
  return [
    line(
      `before: Pod Security narrowed to the former ${FORMER_POD_SECURITY_CHECKS.length} checks`,
      runs.before,
    ),
    line("after: full Pod Security", runs.after),
    `throughput after/before: ${ratio((l) => median(l).seconds)} by wall time, ${ratio(medianCpu)} by CPU time (bench process peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB, heap ${heapMb.toFixed(0)} MB)`,
  ].join("\n");
}

interface EvaluationRun {
  seconds: number;
  cpuSeconds: number;
  violations: number;
}

/** The PSA checks the pack's former restricted subset made (before the shared implementation). */
const FORMER_POD_SECURITY_CHECKS = [
  "hostNamespaces",
  "privileged",
  "restrictedVolumes",
  "capabilities_restricted",
  "allowPrivilegeEscalation",
  "runAsUser",
  "runAsNonRoot",
];

/** `--engine [--rounds N]` (N >= 1, default 5), or nothing; undefined for anything else. */
function parseArgs(args: string[]): { engine: boolean; rounds: number } | undefined {
  const options = { engine: false, rounds: 5 };
  let rounds: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--engine") options.engine = true;
    else if (args[i] === "--rounds") rounds = args[++i] ?? "";
    else return undefined;
  }
  if (rounds !== undefined) {
    if (!options.engine || !/^[1-9]\d*$/.test(rounds)) return undefined;
    options.rounds = Number(rounds);
  }
  return options;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (!options) {
    console.error("usage: npm run bench [-- --engine [--rounds N]]");
    process.exitCode = 2;
    return;
  }
  if (options.engine) {
    const { engineBench } = await import("./engine");
    await engineBench(options.rounds);
    return;
  }
  const cpus = execFileSync("nproc").toString().trim();
  console.log(
    `aks-hardening bench (${cpus} cores, node ${process.version}, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")})`,
  );

  const planFile = path.join(tmp, "dev-plan.json");
  const cold = plan(["--stack", "dev", "--format", "json"], {
    AKS_HARDENING_TS_CACHE: path.join(tmp, "empty-cache"),
  });
  console.log(row("dev plan, cold transpile", cold));
  plan(["--stack", "dev", "--out", planFile]); // fill the shared cache
  const warm = plan(["--stack", "dev", "--format", "json"]);
  console.log(row("dev plan, end to end", warm));

  // Marginal cost per team: (cost(N) - cost(1)) / (N - 1), which stays flat when growth is linear.
  let oneTeam: PlanRun | undefined;
  for (const teams of TEAM_COUNTS) {
    const dir = path.join(tmp, `teams-${teams}`);
    mkdirSync(dir);
    generatedStack(dir, teams);
    const run = plan([
      "--stack",
      "dev",
      "--stacks-dir",
      dir,
      "--format",
      "json",
      "--out",
      path.join(dir, "plan.json"),
    ]);
    oneTeam ??= run;
    const cost = (r: PlanRun) => r.cpuSeconds ?? r.seconds;
    const marginal =
      teams > 1 ? `  ${(((cost(run) - cost(oneTeam)) / (teams - 1)) * 1000).toFixed(0)} ms/extra team` : "";
    console.log(row(`${teams} teams`, run, marginal));
  }

  console.log(await evaluationThroughput(planFile));

  // Attack paths: the same generated plans, then a live API server (skipped without binaries).
  for (const teams of TEAM_COUNTS.filter((t) => t >= 10))
    console.log(planAnalysisRow(path.join(tmp, `teams-${teams}`, "plan.json"), teams));
  if (process.env.AKS_HARDENING_BENCH_LIVE !== "0") {
    try {
      for (const teams of LIVE_TEAM_COUNTS) console.log(await liveClusterRow(teams));
    } catch (err) {
      console.log(`attack paths, live API server: not measured (${(err as Error).message.split("\n")[0]})`);
    }
  }
  console.log("pulumi preview with and without the policy pack: npm run bench -- --engine");
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
