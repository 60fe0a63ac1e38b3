/**
 * The components library as npm ships it: `npm pack` of the `components` workspace (its prepack
 * runs the tsc build). Used by the package suite (installed into a scratch project) and the engine
 * suite (the team example runs on the packed library through the real Pulumi CLI).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export const REPO_ROOT = path.join(__dirname, "../..");

/**
 * Runs a command, throwing with its output if it fails. The npm_* settings of an enclosing `npm run`
 * are dropped: its prefix, workspace and omit settings would point a nested npm at the repository.
 */
export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...inherited, ...env } });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} (in ${cwd}) exited ${result.status}:\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

/** Packs the components library into `destDir`; returns the tarball's path. */
export function packComponents(destDir: string): string {
  const packed = JSON.parse(
    run("npm", ["pack", "--workspace", "components", "--pack-destination", destDir, "--json"], REPO_ROOT),
  ) as { filename: string }[];
  return path.join(destDir, packed[0].filename);
}

/**
 * Unpacks a package tarball as `node_modules/<name>` of `projectDir` (what npm install does with
 * it, without its dependencies: the project's own node_modules, or one above it, serves those).
 */
export function unpackInto(tarball: string, projectDir: string, name: string): void {
  const dest = path.join(projectDir, "node_modules", ...name.split("/"));
  fs.mkdirSync(dest, { recursive: true });
  run("tar", ["-xzf", tarball, "-C", dest, "--strip-components=1"], projectDir);
}
