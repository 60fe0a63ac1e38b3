/**
 * The pack's compiled JavaScript, built on demand and never stale.
 *
 * `@pulumi/pulumi/cmd/run-policy-pack` (3.248) registers ts-node with `typeCheck: true` on every
 * start and honours neither `PULUMI_NODEJS_TRANSPILE_ONLY` nor a `ts-node` section asking for
 * transpile-only, so a pack whose `main` is TypeScript is type-checked from scratch each time
 * (10 s and more on a 2-core machine). The runner does load a `main` that is JavaScript as is, so the
 * pack's `main` is `start.js`, which asks this module for a build of the current sources:
 *
 * - the build lives in `bin/<digest>/`, where the digest is a SHA-256 of every TypeScript source of
 *   the pack and of the shared conventions it imports (`../conventions`; names and contents),
 *   `tsconfig.json`, `package.json`, this file and the compiler's version. An edited, added or removed source gives a new digest, so an old build can never be
 *   used for new sources, whatever the files' timestamps say;
 * - a missing build is made with `tsc -p tsconfig.json` (type-checked, as ts-node did): the first
 *   start after an edit costs what every start used to cost, later starts load JavaScript only. A
 *   type error fails the start with tsc's diagnostics, as ts-node's TSError did;
 * - tsc writes into a private temporary directory that is renamed to `bin/<digest>` when complete,
 *   so concurrent starts never read a half-written build (the first rename wins, the others discard
 *   their copy).
 *
 * `node build.js` (the pack's `npm run build`) builds ahead of time and prints the directory.
 * Plain JavaScript on purpose: it runs before any TypeScript can be loaded.
 */
"use strict";
const { execFileSync } = require("child_process");
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const BUILD_DIR = "bin";
/**
 * Folders beside the pack whose TypeScript the pack imports: the dependency-free conventions (label
 * keys, name rules, the Pod Security implementation) that the components use too. tsc compiles them
 * with the pack, so the build mirrors the repository from the pack's parent folder down.
 */
const SHARED_SOURCE_DIRS = [path.join("..", "conventions")];
/** Sibling builds older than this are removed after a build (disk space only; never read). */
const PRUNE_AFTER_MS = 60 * 60 * 1000;

/**
 * The pack's TypeScript sources and those of the shared folders beside it (as `../conventions/...`),
 * relative paths in a stable order (no node_modules, builds or dot folders).
 */
function sourceFiles(packDir) {
  const shared = SHARED_SOURCE_DIRS.filter((dir) => fs.existsSync(path.join(packDir, dir)));
  return [...filesUnder(packDir), ...shared.flatMap((dir) => filesUnder(packDir, dir))];
}

function filesUnder(packDir, dir = "") {
  const entries = fs.readdirSync(path.join(packDir, dir), { withFileTypes: true });
  return entries
    .flatMap((entry) => {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        const skip = entry.name === "node_modules" || entry.name.startsWith(".") || rel === BUILD_DIR;
        return skip ? [] : filesUnder(packDir, rel);
      }
      return entry.name.endsWith(".ts") ? [rel] : [];
    })
    .sort();
}

function compilerVersion(packDir) {
  return require(require.resolve("typescript/package.json", { paths: [packDir] })).version;
}

/** The digest that names the build of the pack's current sources. */
function sourceDigest(packDir) {
  const hash = crypto.createHash("sha256");
  const add = (label, content) => hash.update(`${label}\0${content.length}\0`).update(content);
  add("typescript", compilerVersion(packDir));
  add("build.js", fs.readFileSync(__filename));
  for (const file of ["tsconfig.json", "package.json", ...sourceFiles(packDir)]) {
    add(file.split(path.sep).join("/"), fs.readFileSync(path.join(packDir, file)));
  }
  return hash.digest("hex").slice(0, 16);
}

/** Runs tsc on the pack into `outDir`; throws with tsc's diagnostics when it does not compile. */
function compileWithTsc(packDir, outDir) {
  const tsc = require.resolve("typescript/bin/tsc", { paths: [packDir] });
  try {
    // Output captured: the runner's stdout carries the gRPC port to the CLI and nothing else.
    execFileSync(
      process.execPath,
      [
        tsc,
        ...["-p", path.join(packDir, "tsconfig.json"), "--rootDir", path.dirname(packDir)],
        ...["--outDir", outDir, "--pretty", "false"],
      ],
      { cwd: packDir, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" },
    );
  } catch (err) {
    const output = `${err.stdout || ""}${err.stderr || ""}`.trim() || err.message;
    // A RunError, which the runner prints without a stack trace (the diagnostics say where).
    let RunError = Error;
    try {
      RunError = require(require.resolve("@pulumi/pulumi", { paths: [packDir] })).RunError;
    } catch {
      // No SDK beside the pack: a plain Error says the same.
    }
    throw new RunError(
      `the policy pack does not compile (tsc -p ${path.join(packDir, "tsconfig.json")}):\n${output}`,
    );
  }
}

function prune(buildRoot, keep) {
  for (const name of fs.readdirSync(buildRoot)) {
    if (name === keep || !/^\.?[0-9a-f]{16}(-.+)?$/.test(name)) continue;
    const dir = path.join(buildRoot, name);
    try {
      if (Date.now() - fs.statSync(dir).mtimeMs > PRUNE_AFTER_MS)
        fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // Another start pruned it first.
    }
  }
}

/**
 * Where a build rooted at `outDir` holds the pack's own files: tsc compiles from the pack's parent
 * folder (the pack and the shared folders beside it), so they are under the pack folder's name.
 */
function packOutDir(outDir, packDir) {
  return path.join(outDir, path.basename(packDir));
}

/**
 * The entry file of the build of the pack's current sources (`bin/<digest>/<pack>/index.js`),
 * compiling it first when it does not exist. `compile` is replaceable for tests.
 */
function ensureBuilt(packDir, compile = compileWithTsc) {
  const digest = sourceDigest(packDir);
  const buildRoot = path.join(packDir, BUILD_DIR);
  const built = path.join(buildRoot, digest);
  const entry = path.join(packOutDir(built, packDir), "index.js");
  if (fs.existsSync(entry)) return entry;
  fs.mkdirSync(buildRoot, { recursive: true });
  const staging = fs.mkdtempSync(path.join(buildRoot, `.${digest}-`));
  try {
    fs.chmodSync(staging, 0o755); // mkdtemp makes it private; the build is as readable as the sources
    compile(packDir, staging);
    if (!fs.existsSync(path.join(packOutDir(staging, packDir), "index.js"))) {
      throw new Error(`the policy pack build wrote no index.js into ${packOutDir(staging, packDir)}`);
    }
    try {
      fs.renameSync(staging, built);
    } catch (err) {
      // Another start finished the same build first: use that one.
      if (!fs.existsSync(entry)) throw err;
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  prune(buildRoot, digest);
  return entry;
}

module.exports = { BUILD_DIR, ensureBuilt, packOutDir, sourceDigest, sourceFiles };

if (require.main === module) {
  console.log(ensureBuilt(__dirname));
}
