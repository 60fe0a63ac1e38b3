/**
 * The pack's `main`: loads the compiled build of the current sources (`build.js` makes it when the
 * sources changed), so the Pulumi CLI starts the pack without type-checking it on every start. The
 * modules it loads from here on (the rest of the SDK, @pulumi/policy, the pack) are compiled with
 * V8's code cache in `bin/v8/` (`code-cache.js`), written once the pack is loaded.
 *
 * If the build cannot be written (a read-only copy of the pack), it falls back to `index.ts`, which
 * `@pulumi/pulumi/cmd/run-policy-pack` loads through the ts-node it has registered: slow, as before,
 * but never a stale build.
 */
"use strict";
const path = require("path");
const { BUILD_DIR, ensureBuilt } = require("./build");
const { installCodeCache } = require("./code-cache");

let entry;
try {
  entry = ensureBuilt(__dirname);
} catch (err) {
  if (!["EACCES", "EPERM", "EROFS"].includes(err.code)) throw err;
  process.stderr.write(
    `aks-hardening policy pack: cannot write its build (${err.message}); loading index.ts\n`,
  );
  require("./index.ts");
}
if (entry) {
  const codeCache = installCodeCache(path.join(__dirname, BUILD_DIR, "v8"));
  require(entry);
  codeCache.flush();
}
