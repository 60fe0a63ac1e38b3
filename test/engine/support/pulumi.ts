/**
 * The real Pulumi engine for tests: the CLI, the Node.js language host and the Kubernetes provider
 * that `scripts/build-tools.sh --tier pulumi` builds into the cache, run on a temporary copy of the
 * project with a file backend and a passphrase secrets provider, so nothing in the repository (the
 * stack files the CLI rewrites, a `.pulumi` folder) is touched and no cloud account is needed.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "../../..");

const cacheDir = () =>
  path.join(process.env.AKS_HARDENING_CACHE ?? path.join(os.homedir(), ".cache", "aks-hardening"), "bin");

function dependencyVersion(name: string): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
  return pkg.dependencies[name];
}

/** Where the CLI (with both language hosts) and the provider plugin are. */
export interface PulumiTools {
  binDir: string;
  provider: string;
  providerVersion: string;
}

export function findPulumiTools(): PulumiTools {
  const providerVersion = dependencyVersion("@pulumi/kubernetes");
  const binDir =
    process.env.PULUMI_TOOLS_DIR ?? path.join(cacheDir(), `pulumi-v${dependencyVersion("@pulumi/pulumi")}`);
  const provider =
    process.env.PULUMI_RESOURCE_KUBERNETES_BIN ??
    path.join(cacheDir(), `pulumi-resource-kubernetes-${providerVersion}`, "pulumi-resource-kubernetes");
  for (const file of [
    path.join(binDir, "pulumi"),
    path.join(binDir, "pulumi-language-nodejs"),
    path.join(binDir, "pulumi-language-nodejs-upstream"),
    provider,
  ]) {
    if (!fs.existsSync(file)) {
      throw new Error(`${file} is missing: run \`npm run tools:build\` (scripts/build-tools.sh) first`);
    }
  }
  return { binDir, provider, providerVersion };
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr, for messages. */
  output: string;
  seconds: number;
}

/** One `pulumi config set` of `Engine.initStack`. */
export interface StackSetting {
  key: string;
  value: string;
  secret?: boolean;
  path?: boolean;
}

/** A throw-away Pulumi home and file backend, with the provider plugin installed at its version. */
export class Engine {
  readonly home: string;
  readonly backend: string;
  readonly env: NodeJS.ProcessEnv;

  constructor(
    readonly tools: PulumiTools,
    readonly scratch: string,
  ) {
    this.home = path.join(scratch, "pulumi-home");
    this.backend = path.join(scratch, "backend");
    fs.mkdirSync(this.home, { recursive: true });
    fs.mkdirSync(this.backend, { recursive: true });
    this.env = {
      ...process.env,
      PATH: `${tools.binDir}${path.delimiter}${process.env.PATH}`,
      PULUMI_HOME: this.home,
      PULUMI_BACKEND_URL: `file://${this.backend}`,
      PULUMI_CONFIG_PASSPHRASE: "engine-test-passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
      PULUMI_SKIP_CONFIRMATIONS: "true",
      NO_COLOR: "1",
    };
    // Hermetic: the plugin goes into this home at the version @pulumi/kubernetes asks for.
    const install = spawnSync(
      path.join(tools.binDir, "pulumi"),
      ["plugin", "install", "resource", "kubernetes", `v${tools.providerVersion}`, "--file", tools.provider],
      { env: this.env, encoding: "utf8" },
    );
    if (install.status !== 0)
      throw new Error(`pulumi plugin install failed: ${install.stderr}${install.stdout}`);
  }

  /**
   * `pulumi stack init` with a passphrase secrets provider, then one `config set` per setting;
   * throws with the CLI's output when a command fails (never with a setting's value). `env` is
   * added to the engine's (e.g. another `PULUMI_BACKEND_URL`).
   */
  async initStack(
    cwd: string,
    stack: string,
    settings: StackSetting[],
    env?: NodeJS.ProcessEnv,
  ): Promise<void> {
    const pulumi = async (args: string[], what: string) => {
      const result = await this.run(cwd, args, { env });
      if (result.code !== 0)
        throw new Error(
          `pulumi ${what} exited ${result.code} (${result.signal ?? "no signal"}):\n${result.output.slice(-6000)}`,
        );
    };
    await pulumi(["stack", "init", stack, "--secrets-provider", "passphrase"], `stack init ${stack}`);
    for (const { key, value, secret, path: isPath } of settings) {
      const flags = [...(secret ? ["--secret"] : []), ...(isPath ? ["--path"] : [])];
      await pulumi(["config", "set", "--stack", stack, ...flags, key, value], `config set ${key}`);
    }
  }

  /** Runs `pulumi <args>` in `cwd`; resolves when it exits (or `timeoutMs` kills it). */
  run(
    cwd: string,
    args: string[],
    opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv; onStart?: (pid: number) => void } = {},
  ): Promise<RunResult> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const child = spawn(path.join(this.tools.binDir, "pulumi"), [...args, "--non-interactive"], {
        cwd,
        env: { ...this.env, ...opts.env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 240_000);
      if (child.pid !== undefined) opts.onStart?.(child.pid);
      child.on("error", reject);
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        resolve({
          code,
          signal,
          stdout,
          stderr,
          output: `${stdout}\n${stderr}`,
          seconds: (Date.now() - started) / 1000,
        });
      });
    });
  }
}

/** Copies the files git tracks (the project as a user clones it) into `dest`, with node_modules linked. */
export function copyProject(dest: string): void {
  const files = spawnSync("git", ["ls-files", "-z"], { cwd: REPO_ROOT, encoding: "utf8" });
  if (files.status !== 0) throw new Error(`git ls-files failed: ${files.stderr}`);
  for (const file of files.stdout.split("\0").filter(Boolean)) {
    const from = path.join(REPO_ROOT, file);
    if (!fs.existsSync(from)) continue; // deleted in the work tree
    fs.mkdirSync(path.dirname(path.join(dest, file)), { recursive: true });
    fs.copyFileSync(from, path.join(dest, file));
  }
  // One node_modules for the root and its workspaces (the pack resolves its SDK from there too).
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dest, "node_modules"), "dir");
}

/** The resources of a stack, from `pulumi stack export`. */
export interface ExportedResource {
  urn: string;
  type: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  pendingReplacement?: boolean;
}

export function exportedResources(exported: string): ExportedResource[] {
  const deployment = JSON.parse(exported).deployment;
  return (deployment.resources ?? []) as ExportedResource[];
}

export function pendingOperations(exported: string): unknown[] {
  return JSON.parse(exported).deployment.pending_operations ?? [];
}
