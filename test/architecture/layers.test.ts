/**
 * The import arrows between layers point one way, and the lint rule that keeps them so can fail:
 * each forbidden arrow, written into a probe file of the layer, is refused by the repository's own
 * ESLint config, and the allowed arrows are not. (`npm run lint` applies the same rule to every file.)
 */
import { execFileSync } from "child_process";
import * as path from "path";

const ROOT = path.join(__dirname, "../..");
const FOLDERS = [
  "conventions",
  "components",
  "infra",
  "contracts",
  "policy-pack",
  "cli",
  "testing",
  "bench",
  "test",
  "examples",
];

/** Which top-level folders each layer may import (besides its own files and npm packages). */
const ALLOWED: Record<string, string[]> = {
  conventions: [],
  components: ["conventions"],
  "policy-pack": ["conventions"],
  infra: ["conventions", "components"],
  contracts: ["conventions", "components"],
  cli: ["conventions", "components", "infra", "contracts", "policy-pack", "testing"],
  testing: ["conventions", "components", "infra", "contracts", "policy-pack", "cli"],
  bench: ["conventions", "components", "infra", "contracts", "policy-pack", "cli", "testing"],
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

/** Ways to write a forbidden import that a rule reading the path as written could miss. */
const BYPASSES: [string, string, string][] = [
  [
    "a path that starts with ./",
    "components/probe/probe.ts",
    'import { x } from "./../../infra/probe";\nexport const y = x;\n',
  ],
  [
    "a path that climbs back out",
    "components/probe/probe.ts",
    'import { x } from "../../components/../infra/probe";\nexport const y = x;\n',
  ],
  [
    "a doubled slash",
    "components/probe/probe.ts",
    'import { x } from "..//../infra/probe";\nexport const y = x;\n',
  ],
  [
    "./../ out of the conventions",
    "conventions/probe.ts",
    'import { x } from "./../infra/probe";\nexport const y = x;\n',
  ],
  [
    "a workspace by package name",
    "policy-pack/probe/probe.ts",
    'import { x } from "@aks-hardening/components";\nexport const y = x;\n',
  ],
  [
    "the conventions by package name",
    "components/probe/probe.ts",
    'import { x } from "@aks-hardening/conventions";\nexport const y = x;\n',
  ],
  ["a re-export", "components/probe/probe.ts", 'export { x } from "../../infra/probe";\n'],
  [
    "import = require()",
    "components/probe/probe.ts",
    'import x = require("../../infra/probe");\nexport const y = x;\n',
  ],
  ["a dynamic import()", "components/probe/probe.ts", 'export const y = import("../../infra/probe");\n'],
  [
    "a team project reaching into the repository",
    "examples/team-app/probe.ts",
    'import { x } from "../../components/team";\nexport const y = x;\n',
  ],
];
const bypassResults = lint(BYPASSES.map(([, filePath, text]) => ({ filePath, text, layer: "", target: "" })));

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

  it.each(BYPASSES.map(([name], i) => [name, i] as const))("refuses %s", (_name, i) => {
    expect(bypassResults[i].map((m) => m.ruleId)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^no-restricted-(imports|syntax)$/)]),
    );
  });

  it("lets a team project import the package by name", () => {
    const [result] = lint([
      {
        filePath: "examples/team-app/probe.ts",
        text: 'import { TeamWorkload } from "@aks-hardening/components/team";\nexport const y = TeamWorkload;\n',
        layer: "",
        target: "",
      },
    ]);
    expect(result).toEqual([]);
  });

  it("names the reason in the message", () => {
    const componentsToInfra = cases.findIndex((c) => c.layer === "components" && c.target === "infra");
    expect(results[componentsToInfra][0].message).toMatch(/components depend on conventions only/);
  });
});
