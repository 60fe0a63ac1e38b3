/**
 * The import arrows between layers point one way, and the lint rule that keeps them so can fail:
 * each forbidden arrow, written into a probe file of the layer, is refused by the repository's own
 * ESLint config, and the allowed arrows are not. (`npm run lint` applies the same rule to every file.)
 */
import { execFileSync } from "child_process";
import * as path from "path";

const ROOT = path.join(__dirname, "../..");
const FOLDERS = ["conventions", "components", "infra", "policy-pack", "cli", "testing", "bench", "test"];

/** Which top-level folders each layer may import (besides its own files and npm packages). */
const ALLOWED: Record<string, string[]> = {
  conventions: [],
  components: ["conventions"],
  "policy-pack": ["conventions"],
  infra: ["conventions", "components"],
  cli: ["conventions", "components", "infra", "policy-pack", "testing"],
  testing: ["conventions", "components", "infra", "policy-pack", "cli"],
  bench: ["conventions", "components", "infra", "policy-pack", "cli", "testing"],
};

interface Case {
  filePath: string;
  text: string;
  layer: string;
  target: string;
}

/** An import of `target` from a probe file two folders deep in `layer`, as real files import. */
function probe(layer: string, target: string): Case {
  return {
    filePath: path.join(layer, "probe", "probe.ts"),
    text: `import { x } from "../../${target}/probe";\nexport const y = x;\n`,
    layer,
    target,
  };
}

function lint(cases: Case[]): { ruleId: string; message: string }[][] {
  const input = JSON.stringify(cases.map(({ filePath, text }) => ({ filePath, text })));
  const out = execFileSync(process.execPath, [path.join(__dirname, "lint-layers.mjs")], {
    cwd: ROOT,
    input,
    encoding: "utf8",
  });
  return JSON.parse(out) as { ruleId: string; message: string }[][];
}

const cases = Object.keys(ALLOWED).flatMap((layer) =>
  FOLDERS.filter((target) => target !== layer).map((target) => probe(layer, target)),
);
const results = lint([
  ...cases,
  // Conventions are dependency-free: not even a Node built-in or an npm package.
  {
    filePath: "conventions/probe.ts",
    text: 'import * as fs from "fs";\nexport const y = fs;\n',
    layer: "",
    target: "",
  },
  {
    filePath: "conventions/probe.ts",
    text: 'import * as yaml from "yaml";\nexport const y = yaml;\n',
    layer: "",
    target: "",
  },
  {
    filePath: "conventions/probe.ts",
    text: 'import { TEAM_LABEL } from "./kubernetes";\nexport const y = TEAM_LABEL;\n',
    layer: "",
    target: "",
  },
]);

describe("the layers' import arrows", () => {
  it.each(cases.map((c, i) => [c.layer, c.target, i] as const))("%s importing %s", (layer, target, i) => {
    const refused = results[i].some((m) => m.ruleId === "no-restricted-imports");
    expect({ layer, target, refused }).toEqual({ layer, target, refused: !ALLOWED[layer].includes(target) });
  });

  it("keeps the conventions free of packages and Node built-ins, and lets them import each other", () => {
    const [fsImport, packageImport, sibling] = results.slice(cases.length);
    expect(fsImport.map((m) => m.ruleId)).toEqual(["no-restricted-imports"]);
    expect(packageImport.map((m) => m.ruleId)).toEqual(["no-restricted-imports"]);
    expect(sibling).toEqual([]);
  });

  it("names the reason in the message", () => {
    const componentsToInfra = cases.findIndex((c) => c.layer === "components" && c.target === "infra");
    expect(results[componentsToInfra][0].message).toMatch(/components depend on conventions only/);
  });
});
