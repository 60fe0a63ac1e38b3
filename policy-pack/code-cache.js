/**
 * V8's code cache for every CommonJS module compiled after `installCodeCache` (ours and
 * node_modules'), as `v8-compile-cache` does: Node 20 has no built-in compile cache, and compiling
 * the Pulumi SDK's modules is a large share of starting anything that loads it. Used by the pack's
 * `start.js` (cache in `bin/v8/`) and by the CLI's `cli/ts-cache-register.js`; it lives in the pack
 * because the pack may be installed on its own and must need nothing outside its folder.
 *
 * Each module's cache entry is keyed by a hash of the Node version, the file name and the source, so
 * an edited file never meets an old entry; V8 itself rejects an entry made with other flags, and the
 * module is then compiled from source and its entry rewritten. Stale entries are only disk space.
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");
const vm = require("vm");

/** The `require` a CommonJS module gets, as Node builds it (`makeRequireFunction`). */
function requireFor(mod) {
  const req = (id) => mod.require(id);
  req.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
  req.resolve.paths = (request) => Module._resolveLookupPaths(request, mod);
  req.main = process.mainModule;
  req.extensions = Module._extensions;
  req.cache = Module._cache;
  return req;
}

/**
 * Compiles every module from here on with the cache in `dir`. `flush()` writes the entries that were
 * missing or rejected (call it once the interesting modules are loaded, or at exit); it never throws,
 * so a read-only tree still works, just without the cache.
 */
function installCodeCache(dir) {
  // Keeps `import()` inside CommonJS modules working as under Node's own loader (Node >= 20.12).
  const dynamicImport = vm.constants && vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER;
  if (dynamicImport === undefined) return { flush() {} };
  const toWrite = [];
  Module.prototype._compile = function compileWithCodeCache(content, filename) {
    const key = crypto
      .createHash("sha1")
      .update(process.version)
      .update(filename)
      .update(content)
      .digest("hex");
    const file = path.join(dir, key);
    let cachedData;
    try {
      cachedData = fs.readFileSync(file);
    } catch {
      cachedData = undefined;
    }
    const script = new vm.Script(Module.wrap(content), {
      filename,
      cachedData,
      importModuleDynamically: dynamicImport,
    });
    if (cachedData === undefined || script.cachedDataRejected) toWrite.push([script, file]);
    const wrapper = script.runInThisContext({ displayErrors: true });
    return wrapper.call(this.exports, this.exports, requireFor(this), this, filename, path.dirname(filename));
  };
  return {
    flush() {
      if (toWrite.length === 0) return;
      try {
        fs.mkdirSync(dir, { recursive: true });
        for (const [script, file] of toWrite.splice(0)) {
          // Write then rename, so a concurrent start never reads a half-written entry.
          const tmp = `${file}.${process.pid}.tmp`;
          fs.writeFileSync(tmp, script.createCachedData());
          fs.renameSync(tmp, file);
        }
      } catch {
        // A read-only tree still works, just without the cache.
      }
    },
  };
}

module.exports = { installCodeCache };
