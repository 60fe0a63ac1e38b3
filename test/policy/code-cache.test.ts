/**
 * `policy-pack/code-cache.js` (the V8 code cache of the pack's start and of the CLI hook), run in
 * child processes because it replaces Node's module compiler: entries are written once per module
 * source, reused, never applied to an edited source, and a damaged entry is replaced, never trusted.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const CODE_CACHE = path.join(__dirname, "../../policy-pack/code-cache.js");
const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function setup(): { dir: string; cache: string; load: () => string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aks-hardening-code-cache-"));
  scratch.push(dir);
  const cache = path.join(dir, "v8");
  fs.writeFileSync(path.join(dir, "dep.js"), "exports.answer = () => 42;\n");
  fs.writeFileSync(path.join(dir, "main.js"), 'module.exports = `main ${require("./dep").answer()}`;\n');
  const script = [
    `const cache = require(${JSON.stringify(CODE_CACHE)}).installCodeCache(${JSON.stringify(cache)});`,
    `process.stdout.write(require(${JSON.stringify(path.join(dir, "main.js"))}));`,
    "cache.flush();",
  ].join("\n");
  return { dir, cache, load: () => execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }) };
}

const entries = (cache: string) =>
  fs
    .readdirSync(cache)
    .sort()
    .map((name) => [name, fs.readFileSync(path.join(cache, name)).toString("base64")]);

describe("the V8 code cache", () => {
  it("writes one entry per module on the first run and reuses them unchanged", () => {
    const { cache, load } = setup();
    expect(load()).toBe("main 42");
    const first = entries(cache);
    expect(first).toHaveLength(2);
    expect(load()).toBe("main 42");
    expect(entries(cache)).toEqual(first);
  });

  it("gives an edited module a new entry: the old one is never applied to the new source", () => {
    const { dir, cache, load } = setup();
    load();
    const before = new Set(fs.readdirSync(cache));
    fs.writeFileSync(path.join(dir, "dep.js"), "exports.answer = () => 43;\n");
    expect(load()).toBe("main 43");
    const added = fs.readdirSync(cache).filter((name) => !before.has(name));
    expect(added).toHaveLength(1);
  });

  it("replaces a damaged entry (V8 rejects it) and still runs the module from source", () => {
    const { cache, load } = setup();
    load();
    const [victim] = fs.readdirSync(cache);
    fs.writeFileSync(path.join(cache, victim), "not a code cache");
    expect(load()).toBe("main 42");
    expect(fs.readFileSync(path.join(cache, victim), "utf8")).not.toBe("not a code cache");
  });

  it("still runs when the cache cannot be written", () => {
    const { dir, cache, load } = setup();
    fs.writeFileSync(cache, "a file where the cache folder should be");
    expect(load()).toBe("main 42");
    expect(fs.statSync(path.join(dir, "v8")).isFile()).toBe(true);
  });
});
