/**
 * `npm run bench -- --engine`: what the policy pack costs a real `pulumi preview`, and how the
 * preview compares with `npm run plan`, measured in one run.
 *
 * On a throw-away copy of the project (test/engine's helpers: file backend, passphrase secrets, the
 * CLI, language host and Kubernetes provider built by scripts/build-tools.sh) with a `local` stack
 * whose `existing.kubeconfig` points at a throw-away kube-apiserver (test/e2e's control plane), each
 * round runs, in an order rotated from round to round so that load from other work falls on all
 * alike:
 * - `pulumi preview --stack local` without a pack;
 * - the same with `--policy-pack policy-pack --policy-pack-config policy-pack/config/local.json`,
 *   the pack as it ships (`start.js`: compiled JavaScript);
 * - the same with the pack as it was (a copy whose `main` is `index.ts`: ts-node type-checks it on
 *   every start), so before and after come from the same run;
 * - the same with a minimal pack (one policy that judges nothing, plain JavaScript, the same
 *   node_modules): what any Node.js pack costs under this runner, the floor for ours;
 * - `npm run plan -- --stack local` (offline, mocks, the pack in-process);
 * - each pack's start alone: `@pulumi/pulumi/cmd/run-policy-pack` in the pack folder, as the
 *   language host runs it, until the pack prints its gRPC port.
 * A first round (not counted) warms caches; its compiled pack start is the on-demand build of a
 * fresh copy. Wall time, and CPU time of the whole process tree: the CLI kills its plugins instead
 * of waiting for them, so previews and plans run under bench/process-tree.py (a child subreaper
 * that reaps every descendant; CPU "n/a" without python3), and the pack starts, whose runner is
 * this process's own child, are counted from /proc/self/stat. Numbers only: no targets are asserted.
 */
import { execFileSync, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import { loadavg, tmpdir } from "os";
import * as path from "path";

const STACK = "local";
const PACK_CONFIG = `policy-pack/config/${STACK}.json`;
/** The copy of the pack that starts as before the compiled start: `main` is `index.ts`. */
const TS_NODE_PACK = "policy-pack-ts-node";
/** A one-policy JavaScript pack: what any Node.js pack costs under this runner (the floor). */
const MINIMAL_PACK = "policy-pack-minimal";

interface Sample {
  seconds: number;
  /** CPU of the whole process tree, when it can be counted. */
  cpuSeconds?: number;
}

interface Variant {
  label: string;
  run: () => Promise<Sample>;
}

interface Measured extends Sample {
  code: number | null;
  stdout: string;
  stderr: string;
}

const PROCESS_TREE = path.join(__dirname, "process-tree.py");

/** Whether bench/process-tree.py can run here (python3 with ctypes, Linux prctl). */
function processTreeAvailable(): boolean {
  const probe = spawnSync("python3", ["-c", "import ctypes, resource; ctypes.CDLL(None).prctl"]);
  return probe.status === 0 && process.platform === "linux";
}

/**
 * Runs `command` to its end, capturing its output: wall time until it exits and, with
 * bench/process-tree.py, the CPU time of every process it started (plugins included).
 */
function measure(
  command: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; tree: boolean; scratch: string },
): Promise<Measured> {
  const resultFile = path.join(opts.scratch, `process-tree-${process.hrtime.bigint()}.json`);
  const [file, argv] = opts.tree
    ? ["python3", [PROCESS_TREE, resultFile, command, ...args]]
    : [command, args];
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { cwd: opts.cwd, env: opts.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (!opts.tree) return resolve({ code, seconds, stdout, stderr });
      try {
        const tree = JSON.parse(fs.readFileSync(resultFile, "utf8")) as Measured & { killed: number };
        fs.rmSync(resultFile);
        if (tree.killed > 0)
          stderr += `\n(bench: ${tree.killed} process(es) still running 30 s after the command, killed)`;
        resolve({ code: tree.code, seconds: tree.seconds, cpuSeconds: tree.cpuSeconds, stdout, stderr });
      } catch (err) {
        reject(
          new Error(
            `bench/process-tree.py wrote no result (exit ${code}): ${(err as Error).message}\n${stderr}`,
          ),
        );
      }
    });
  });
}

/** CPU seconds (user + system) of this process's waited-for children so far. */
function childrenCpuSeconds(ticksPerSecond: number): number {
  const stat = fs.readFileSync("/proc/self/stat", "utf8");
  // Fields after "(comm) ": state is field 3, cutime and cstime are fields 16 and 17.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[13]) + Number(fields[14])) / ticksPerSecond;
}

function cpuText(seconds: number | undefined): string {
  return seconds === undefined ? "n/a" : `${seconds.toFixed(2)} s`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Starts the pack in `packDir` the way the language host does (the runner resolved from the pack
 * folder, run there with the pack folder as program) until it prints its port, then kills it.
 */
function packStart(packDir: string, ticksPerSecond: number): Promise<Sample> {
  const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
  const cpuBefore = childrenCpuSeconds(ticksPerSecond);
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [runner, "127.0.0.1:1", packDir], {
      cwd: packDir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let seconds: number | undefined;
    const timer = setTimeout(() => child.kill("SIGKILL"), 300_000);
    child.stdout.on("data", (d) => {
      stdout += d;
      if (seconds === undefined && /^\d+\s*$/m.test(stdout)) {
        seconds = Number(process.hrtime.bigint() - started) / 1e9;
        child.kill("SIGKILL");
      }
    });
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      // Reaped by this process: its CPU time is now in this process's children's times.
      if (seconds !== undefined)
        resolve({ seconds, cpuSeconds: childrenCpuSeconds(ticksPerSecond) - cpuBefore });
      else reject(new Error(`the pack in ${packDir} exited ${code} before serving:\n${stderr.slice(-4000)}`));
    });
  });
}

/** A copy of the project's pack whose `main` is `index.ts`, sharing its node_modules. */
function tsNodePack(project: string, packModules: string): string {
  const from = path.join(project, "policy-pack");
  const to = path.join(project, TS_NODE_PACK);
  fs.cpSync(from, to, {
    recursive: true,
    filter: (src) => !["node_modules", "bin"].includes(path.relative(from, src).split(path.sep)[0]),
  });
  const pkgFile = path.join(to, "package.json");
  const pkg = JSON.parse(fs.readFileSync(pkgFile, "utf8")) as { main: string };
  fs.writeFileSync(pkgFile, JSON.stringify({ ...pkg, main: "index.ts" }, null, 2));
  fs.symlinkSync(packModules, path.join(to, "node_modules"), "dir");
  return to;
}

/** The smallest Node.js pack: one policy that judges nothing, plain JavaScript, the same node_modules. */
function minimalPack(project: string, packModules: string): string {
  const dir = path.join(project, MINIMAL_PACK);
  fs.mkdirSync(dir);
  fs.writeFileSync(
    path.join(dir, "PulumiPolicy.yaml"),
    "runtime: nodejs\ndescription: One policy that judges nothing.\n",
  );
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name: "minimal-pack", version: "0.1.0", main: "index.js" }),
  );
  fs.writeFileSync(
    path.join(dir, "index.js"),
    [
      'const { PolicyPack } = require("@pulumi/policy");',
      'new PolicyPack("minimal", { policies: [{ name: "noop", description: "Judges nothing; measures the runtime.", enforcementLevel: "advisory", validateResource: () => {} }] });',
      "",
    ].join("\n"),
  );
  fs.symlinkSync(packModules, path.join(dir, "node_modules"), "dir");
  return dir;
}

export async function engineBench(rounds: number): Promise<void> {
  const { copyProject, Engine, findPulumiTools, REPO_ROOT } = await import("../test/engine/support/pulumi");
  const { findBinaries } = await import("../test/e2e/support/binaries");
  let tools: ReturnType<typeof findPulumiTools>;
  let binaries: ReturnType<typeof findBinaries>;
  try {
    tools = findPulumiTools();
    binaries = findBinaries();
  } catch (err) {
    console.log(
      `engine bench: skipped, the Pulumi tools or the control plane are not built: ${(err as Error).message}`,
    );
    return;
  }
  const { startCluster } = await import("../test/e2e/support/cluster");
  const ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim());
  console.log(
    `engine bench: pulumi preview of the ${STACK} stack (CLI, language host and Kubernetes provider from ${tools.binDir}), ${rounds} rounds after one warm-up, order rotated each round; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );

  const cluster = await startCluster(binaries, [], "bench-engine");
  const scratch = fs.mkdtempSync(path.join(tmpdir(), "aks-hardening-bench-engine-"));
  try {
    const project = path.join(scratch, "project");
    copyProject(project);
    const engine = new Engine(tools, scratch);
    await engine.initStack(project, STACK, [
      { key: "existing.kubeconfig", value: cluster.kubeconfig("bootstrap"), secret: true, path: true },
    ]);
    const packModules = path.join(REPO_ROOT, "policy-pack", "node_modules");
    const oldPack = tsNodePack(project, packModules);
    const floorPack = minimalPack(project, packModules);

    const tree = processTreeAvailable();
    const run = { cwd: project, env: engine.env, tree, scratch };
    const preview = (pack?: string) => async () => {
      const args = ["preview", "--stack", STACK, "--non-interactive"];
      if (pack === MINIMAL_PACK) args.push("--policy-pack", pack);
      else if (pack) args.push("--policy-pack", pack, "--policy-pack-config", PACK_CONFIG);
      const result = await measure(path.join(tools.binDir, "pulumi"), args, run);
      // A preview that failed, or a pack that did not run, would make the numbers meaningless.
      const ran = pack === MINIMAL_PACK ? "minimal@v" : "aks-hardening@v";
      if (result.code !== 0 || (pack && !result.stdout.includes(ran)))
        throw new Error(
          `pulumi ${args.join(" ")} exited ${result.code}:\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`,
        );
      return result;
    };
    const npmPlan = async () => {
      const args = ["run", "--silent", "plan", "--", "--stack", STACK];
      const result = await measure("npm", args, { ...run, env: process.env });
      if (result.code !== 0 && result.code !== 1)
        throw new Error(`npm ${args.join(" ")} exited ${result.code}:\n${result.stderr.slice(-3000)}`);
      return result;
    };
    const variants: Variant[] = [
      {
        label: "pack start alone, compiled (start.js)",
        run: () => packStart(path.join(project, "policy-pack"), ticksPerSecond),
      },
      { label: "pack start alone, ts-node (before)", run: () => packStart(oldPack, ticksPerSecond) },
      { label: "pack start alone, minimal JS pack", run: () => packStart(floorPack, ticksPerSecond) },
      { label: "pulumi preview, no pack", run: preview() },
      { label: "pulumi preview + pack, compiled", run: preview("policy-pack") },
      { label: "pulumi preview + pack, ts-node (before)", run: preview(TS_NODE_PACK) },
      { label: "pulumi preview + minimal JS pack", run: preview(MINIMAL_PACK) },
      { label: `npm run plan -- --stack ${STACK}`, run: npmPlan },
    ];
    const samples = new Map<Variant, Sample[]>(variants.map((v) => [v, []]));

    // Warm-up, in list order: the compiled pack's first start in the fresh copy builds it (tsc).
    for (const variant of variants) {
      const sample = await variant.run();
      if (variant === variants[0])
        console.log(
          `first start of the compiled pack in a fresh copy (tsc build on demand): ${sample.seconds.toFixed(2)} s wall, ${cpuText(sample.cpuSeconds)} CPU`,
        );
    }
    for (let round = 0; round < rounds; round++) {
      const order = variants.map((_, i) => variants[(i + round) % variants.length]);
      for (const variant of order) samples.get(variant)!.push(await variant.run());
    }

    // One series per metric; CPU only when every sample of the variant has it.
    type Metric = (v: Variant) => number[] | undefined;
    const wall: Metric = (v) => samples.get(v)!.map((s) => s.seconds);
    const cpu: Metric = (v) => {
      const values = samples.get(v)!.map((s) => s.cpuSeconds);
      const counted = values.filter((c): c is number => c !== undefined);
      return counted.length === values.length ? counted : undefined;
    };
    const med = (v: Variant, of: Metric) => {
      const values = of(v);
      return values ? median(values) : undefined;
    };
    for (const variant of variants) {
      console.log(
        `${variant.label.padEnd(40)} median ${med(variant, wall)!.toFixed(2).padStart(6)} s wall, ${cpuText(med(variant, cpu)).padStart(8)} CPU   (wall: ${wall(
          variant,
        )!
          .map((s) => s.toFixed(1))
          .join(" ")})`,
      );
    }
    const [packCompiled, packTsNode, packMinimal, bare, compiled, tsNode, minimal, plan] = variants;
    // The difference in each round (both runs under the same minute of load), then the median.
    const overhead = (withPack: Variant, of: Metric) => {
      const [a, b] = [of(withPack), of(bare)];
      if (!a || !b) return "n/a";
      const signed = (x: number, digits: number) => `${x >= 0 ? "+" : ""}${x.toFixed(digits)}`;
      const perRound = a.map((s, i) => s - b[i]);
      const extra = median(perRound);
      return `${signed(extra, 2)} s = ${((extra / median(b)) * 100).toFixed(1)} % (rounds: ${perRound.map((x) => signed(x, 1)).join(" ")})`;
    };
    for (const [label, variant] of [
      ["compiled (now)", compiled],
      ["ts-node (before)", tsNode],
      ["minimal JS pack", minimal],
    ] as const) {
      console.log(
        `pack overhead, ${label.padEnd(16)}: ${overhead(variant, wall)} of the preview by wall time; ${overhead(variant, cpu)} by CPU time`,
      );
    }
    const ratio = (a: Variant, b: Variant, of: Metric) => {
      const [x, y] = [med(a, of), med(b, of)];
      return x === undefined || y === undefined ? "n/a" : (x / y).toFixed(2);
    };
    console.log(
      `preview / plan: ${ratio(bare, plan, wall)} without the pack, ${ratio(compiled, plan, wall)} with it (wall); ${ratio(bare, plan, cpu)} and ${ratio(compiled, plan, cpu)} by CPU time`,
    );
    console.log(
      `ts-node / compiled: preview with the pack ${ratio(tsNode, compiled, wall)} (wall), ${ratio(tsNode, compiled, cpu)} (CPU); pack start alone ${ratio(packTsNode, packCompiled, wall)} (wall), ${ratio(packTsNode, packCompiled, cpu)} (CPU)`,
    );
    console.log(
      `compiled / minimal JS pack: pack start alone ${ratio(packCompiled, packMinimal, wall)} (wall), ${ratio(packCompiled, packMinimal, cpu)} (CPU); preview with the pack ${ratio(compiled, minimal, wall)} (wall), ${ratio(compiled, minimal, cpu)} (CPU)`,
    );
  } finally {
    await cluster.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
