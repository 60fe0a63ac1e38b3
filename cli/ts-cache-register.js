/**
 * Require hook for the CLI entry points (`node -r ./cli/ts-cache-register.js cli/plan.ts`): turns
 * the project's TypeScript into JavaScript like `ts-node --transpile-only`, but keeps each result in
 * `node_modules/.cache/aks-hardening-ts/` (or `$AKS_HARDENING_TS_CACHE`) keyed by a hash of the compiler version, options, path
 * and source. The first run pays the transpile (about 90 files); later runs read JavaScript from
 * disk, which is most of the difference between a slow and a fast `npm run plan`.
 *
 * It also keeps V8's code cache for every module it compiles (ours and node_modules'), with
 * `policy-pack/code-cache.js`: Node 20 has no built-in compile cache, and compiling the SDK and
 * provider modules was the largest cost of a warm `npm run plan -- --stack dev` (about 1.2 s of
 * 4.4 s CPU).
 *
 * Plain JavaScript on purpose: it must run before any TypeScript can be loaded. Type checking is
 * left to `npm run typecheck`, as with `--transpile-only`.
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
// Overridable so the benchmark can measure a cold start without touching the shared cache.
const cacheDir =
  process.env.AKS_HARDENING_TS_CACHE || path.join(root, "node_modules", ".cache", "aks-hardening-ts");
const compilerOptions = {
  module: "commonjs",
  target: "ES2022",
  esModuleInterop: true,
  resolveJsonModule: true,
  inlineSourceMap: true,
};
let ts; // loaded only on a cache miss: requiring the compiler alone costs a few hundred ms

function transpile(source, filename) {
  ts = ts || require("typescript");
  const converted = ts.convertCompilerOptionsFromJson(compilerOptions, root).options;
  return ts.transpileModule(source, { compilerOptions: converted, fileName: filename }).outputText;
}

function compileCached(source, filename) {
  // The compiler version is read from its package.json so a hit never needs the compiler itself.
  const tsVersion = require("typescript/package.json").version;
  const key = crypto
    .createHash("sha256")
    .update(`${tsVersion}\0${JSON.stringify(compilerOptions)}\0${filename}\0${source}`)
    .digest("hex");
  const cached = path.join(cacheDir, `${key}.js`);
  try {
    return fs.readFileSync(cached, "utf8");
  } catch {
    const output = transpile(source, filename);
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      // Write then rename, so a concurrent run never reads a half-written file.
      const tmp = `${cached}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, output);
      fs.renameSync(tmp, cached);
    } catch {
      // A read-only tree still works, just without the cache.
    }
    return output;
  }
}

require.extensions[".ts"] = function loadTypeScript(module, filename) {
  if (filename.includes(`${path.sep}node_modules${path.sep}`)) {
    throw new Error(`refusing to transpile a dependency's TypeScript: ${filename}`);
  }
  module._compile(compileCached(fs.readFileSync(filename, "utf8"), filename), filename);
};

// --- V8 code cache (shared with the policy pack's start) ---------------------------------------
const codeCache = require("../policy-pack/code-cache").installCodeCache(path.join(cacheDir, "v8"));
// Written at exit so the cache also holds the functions compiled lazily while the plan ran.
process.once("exit", () => codeCache.flush());
