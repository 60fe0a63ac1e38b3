/**
 * The pack's compiled start (`policy-pack/start.js` + `build.js`): the Pulumi CLI loads JavaScript
 * built from exactly the current sources, never a stale build, and the build is the same pack.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BUILD_DIR, ensureBuilt, packOutDir, sourceDigest, sourceFiles } from "../../policy-pack/build";

const PACK_DIR = path.join(__dirname, "../../policy-pack");
const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/**
 * A small pack folder: two sources, a tsconfig and a package.json, plus noise the digest ignores,
 * with a shared `conventions` folder beside it (as in the repository).
 */
function fakePack(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "aks-hardening-pack-build-"));
  scratch.push(root);
  fs.mkdirSync(path.join(root, "conventions"));
  fs.writeFileSync(path.join(root, "conventions", "labels.ts"), 'export const TEAM = "team";\n');
  fs.writeFileSync(path.join(root, "conventions", "README.md"), "ignored\n");
  const dir = path.join(root, "policy-pack");
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  write("index.ts", 'import "./policies";\n');
  write("policies/index.ts", "export const policies = [];\n");
  write("tsconfig.json", "{}\n");
  write("package.json", '{ "main": "start.js" }\n');
  write("node_modules/dep/index.ts", "ignored\n");
  write(`${BUILD_DIR}/old/index.ts`, "ignored\n");
  write(".cache/x.ts", "ignored\n");
  write("README.md", "ignored\n");
  // The compiler's version is part of the digest; resolve it from the real pack's dependencies.
  fs.symlinkSync(
    path.dirname(require.resolve("typescript/package.json")),
    path.join(dir, "node_modules", "typescript"),
    "dir",
  );
  return dir;
}

/** A compiler stand-in that records its calls and writes one file per source. */
function recordingCompiler() {
  const calls: string[] = [];
  const compile = (packDir: string, outDir: string) => {
    calls.push(outDir);
    for (const file of sourceFiles(packDir)) {
      const out = path.join(packOutDir(outDir, packDir), file.replace(/\.ts$/, ".js"));
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, `// from ${file}\n`);
    }
  };
  return { calls, compile };
}

describe("the pack's build digest", () => {
  it("covers the TypeScript sources of the pack and the shared conventions only, not dependencies, builds or dot folders", () => {
    const dir = fakePack();
    expect(sourceFiles(dir)).toEqual([
      "index.ts",
      path.join("policies", "index.ts"),
      path.join("..", "conventions", "labels.ts"),
    ]);
  });

  it("changes with any source's content (the pack's or a shared one), an added or removed source, the tsconfig and package.json", () => {
    const dir = fakePack();
    const digests = [sourceDigest(dir)];
    expect(sourceDigest(dir)).toBe(digests[0]);
    const edits: ((d: string) => void)[] = [
      (d) => fs.appendFileSync(path.join(d, "policies/index.ts"), "// edited\n"),
      (d) => fs.writeFileSync(path.join(d, "policies/extra.ts"), "export {};\n"),
      (d) => fs.rmSync(path.join(d, "policies/extra.ts")),
      (d) => fs.writeFileSync(path.join(d, "tsconfig.json"), '{ "compilerOptions": {} }\n'),
      (d) => fs.writeFileSync(path.join(d, "package.json"), '{ "main": "start.js", "version": "2" }\n'),
      (d) => fs.appendFileSync(path.join(d, "..", "conventions", "labels.ts"), "// edited\n"),
    ];
    for (const edit of edits) {
      edit(dir);
      digests.push(sourceDigest(dir));
    }
    // Removing the extra file gives back the digest before it was added: content, not timestamps.
    expect(digests[3]).toBe(digests[1]);
    expect(new Set([digests[0], digests[1], digests[2], digests[4], digests[5], digests[6]]).size).toBe(6);
  });

  it("does not depend on timestamps: a source restored with an old mtime still changes the digest", () => {
    const dir = fakePack();
    const file = path.join(dir, "policies/index.ts");
    const before = sourceDigest(dir);
    const { atime, mtime } = fs.statSync(file);
    fs.writeFileSync(file, "export const policies = [1];\n");
    fs.utimesSync(file, atime, mtime);
    expect(sourceDigest(dir)).not.toBe(before);
  });
});

describe("ensureBuilt", () => {
  it("compiles once per digest into bin/<digest>/ and reuses that build", () => {
    const dir = fakePack();
    const { calls, compile } = recordingCompiler();
    const entry = ensureBuilt(dir, compile);
    expect(entry).toBe(path.join(packOutDir(path.join(dir, BUILD_DIR, sourceDigest(dir)), dir), "index.js"));
    expect(fs.readFileSync(entry, "utf8")).toBe("// from index.ts\n");
    expect(ensureBuilt(dir, compile)).toBe(entry);
    expect(calls).toHaveLength(1);
    // The compiler wrote into a staging folder, which is gone.
    expect(fs.existsSync(calls[0])).toBe(false);
  });

  it("builds again after an edit, so the old build is never loaded for new sources", () => {
    const dir = fakePack();
    const { calls, compile } = recordingCompiler();
    const first = ensureBuilt(dir, compile);
    fs.appendFileSync(path.join(dir, "policies/index.ts"), "// edited\n");
    const second = ensureBuilt(dir, compile);
    expect(second).not.toBe(first);
    expect(calls).toHaveLength(2);
  });

  it("leaves no build behind when the compiler fails, and says why", () => {
    const dir = fakePack();
    const failing = () => {
      throw new Error("policies/index.ts(1,1): error TS2322");
    };
    expect(() => ensureBuilt(dir, failing)).toThrow("TS2322");
    expect(fs.readdirSync(path.join(dir, BUILD_DIR)).filter((n) => n !== "old")).toEqual([]);
  });

  it("uses the build another start finished first", () => {
    const dir = fakePack();
    const { compile } = recordingCompiler();
    const racing = (packDir: string, outDir: string) => {
      compile(packDir, outDir);
      // Another process renames its complete build into place while this one is still compiling.
      const other = path.join(packDir, BUILD_DIR, sourceDigest(packDir));
      fs.mkdirSync(packOutDir(other, packDir), { recursive: true });
      fs.writeFileSync(path.join(packOutDir(other, packDir), "index.js"), "// the other build\n");
    };
    const entry = ensureBuilt(dir, racing);
    expect(fs.readFileSync(entry, "utf8")).toBe("// the other build\n");
  });
});

describe("the real pack", () => {
  it("is started from start.js, and its tsc build serves the same policies as its sources", async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(PACK_DIR, "package.json"), "utf8")) as { main: string };
    expect(pkg.main).toBe("start.js");
    const entry = ensureBuilt(PACK_DIR); // tsc, unless the current sources were built already
    expect(path.relative(PACK_DIR, entry)).toBe(
      path.join(BUILD_DIR, sourceDigest(PACK_DIR), "policy-pack", "index.js"),
    );
    const compiled = (await import(path.join(path.dirname(entry), "policies", "index.js"))) as {
      policies: { name: string }[];
    };
    const { policies } = await import("../../policy-pack/policies");
    expect(compiled.policies.map((p) => p.name)).toEqual(policies.map((p) => p.name));
  }, 120_000);
});
