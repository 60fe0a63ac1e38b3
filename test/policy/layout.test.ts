/**
 * The pack is laid out one policy per file, as pulumi/compliance-policies is, and its tests mirror
 * it: `policy-pack/policies/<area>/<name>.ts` exports the one policy named `<name>`, and
 * `test/policy/<area>/<name>.test.ts` tests it. A policy is then found, reviewed, tuned or removed
 * by its name alone, with its test beside it. Helpers that several policies of an area share live
 * in `<area>/support/` (the pack-wide ones in `lib/`), never beside the policies, so every file there
 * is a policy. The judgement is a pure function of a listing, shown below refusing each kind of drift.
 */
import * as fs from "fs";
import * as path from "path";
import { policies } from "../../policy-pack/policies";

const POLICIES_DIR = path.join(__dirname, "../../policy-pack/policies");
const TESTS_DIR = __dirname;
const AREAS = ["azure", "kubernetes", "stack"] as const;
type Area = (typeof AREAS)[number];
/** The one folder an area may hold beside its policies: the helpers its policies share. */
const SUPPORT = "support";

/** What the layout judgement reads: folder listings and what each module exports. */
interface Layout {
  /** Per area, the `.ts` files and the folders directly in `policy-pack/policies/<area>/`. */
  sources: Record<Area, { files: string[]; dirs: string[] }>;
  /** Per area, the `.ts` files in `policy-pack/policies/<area>/support/`. */
  support: Record<Area, string[]>;
  /** Per area, the `.test.ts` files directly in `test/policy/<area>/`. */
  tests: Record<Area, string[]>;
  /**
   * The names of the pack policies each module exports, by its path below `policy-pack/policies/`
   * without `.ts`.
   */
  exported: Record<string, string[]>;
}

/** Where a policy of an area must be written and tested. */
export function expectedPaths(area: Area, name: string): { source: string; test: string } {
  return { source: `policy-pack/policies/${area}/${name}.ts`, test: `test/policy/${area}/${name}.test.ts` };
}

/** Everything in `layout` that is not one policy per file with its mirrored test; empty when it is. */
export function layoutProblems(names: readonly string[], layout: Layout): string[] {
  const problems: string[] = [];
  const areaOf = new Map<string, Area>();
  for (const name of names) {
    const areas = AREAS.filter((area) => layout.sources[area].files.includes(`${name}.ts`));
    if (areas.length !== 1) {
      const found = areas.map((area) => expectedPaths(area, name).source);
      problems.push(
        `${name}: ${areas.length === 0 ? "no file" : `${areas.length} files (${found.join(", ")})`}; expected exactly one ${expectedPaths("<area>" as Area, name).source}`,
      );
      continue;
    }
    const [area] = areas;
    areaOf.set(name, area);
    const { source, test } = expectedPaths(area, name);
    const exported = layout.exported[`${area}/${name}`] ?? [];
    if (exported.length !== 1 || exported[0] !== name)
      problems.push(`${source} exports the policies [${exported.join(", ")}], not exactly ${name}`);
    if (!layout.tests[area].includes(`${name}.test.ts`)) problems.push(`${name}: no ${test}`);
  }
  for (const area of AREAS) {
    for (const file of layout.sources[area].files) {
      const name = file.replace(/\.ts$/, "");
      if (!names.includes(name))
        problems.push(
          `policy-pack/policies/${area}/${file} is not a policy's file (helpers go in ${area}/${SUPPORT}/ or lib/)`,
        );
    }
    for (const dir of layout.sources[area].dirs.filter((d) => d !== SUPPORT))
      problems.push(`policy-pack/policies/${area}/${dir}/: an area holds its policies and ${SUPPORT}/ only`);
    for (const file of layout.support[area]) {
      const exported = layout.exported[`${area}/${SUPPORT}/${file.replace(/\.ts$/, "")}`] ?? [];
      if (exported.length > 0)
        problems.push(
          `policy-pack/policies/${area}/${SUPPORT}/${file} exports the policies [${exported.join(", ")}]: a policy has its own file`,
        );
    }
    for (const file of layout.tests[area]) {
      const name = file.replace(/\.test\.ts$/, "");
      if (areaOf.get(name) !== area)
        problems.push(`test/policy/${area}/${file} tests no policy of policy-pack/policies/${area}/`);
    }
  }
  return problems;
}

/** A pack policy as a module exports it (the pack itself holds them wrapped, so they compare by name). */
function isPackPolicy(value: unknown): value is { name: string } {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.name === "string" &&
    typeof v.description === "string" &&
    ("validateResource" in v || "validateStack" in v)
  );
}

function entries(dir: string): fs.Dirent[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : [];
}

/** The repository's own layout. */
async function readLayout(): Promise<Layout> {
  const layout: Layout = {
    sources: {
      azure: { files: [], dirs: [] },
      kubernetes: { files: [], dirs: [] },
      stack: { files: [], dirs: [] },
    },
    support: { azure: [], kubernetes: [], stack: [] },
    tests: { azure: [], kubernetes: [], stack: [] },
    exported: {},
  };
  const modules: string[] = [];
  for (const area of AREAS) {
    for (const entry of entries(path.join(POLICIES_DIR, area))) {
      if (entry.isDirectory()) layout.sources[area].dirs.push(entry.name);
      else if (entry.name.endsWith(".ts")) {
        layout.sources[area].files.push(entry.name);
        modules.push(`${area}/${entry.name.replace(/\.ts$/, "")}`);
      }
    }
    for (const entry of entries(path.join(POLICIES_DIR, area, SUPPORT))) {
      if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
      layout.support[area].push(entry.name);
      modules.push(`${area}/${SUPPORT}/${entry.name.replace(/\.ts$/, "")}`);
    }
    layout.tests[area] = entries(path.join(TESTS_DIR, area))
      .filter((e) => e.isFile() && e.name.endsWith(".test.ts"))
      .map((e) => e.name);
  }
  for (const module of modules) {
    const exports = (await import(path.join(POLICIES_DIR, module))) as Record<string, unknown>;
    layout.exported[module] = Object.values(exports)
      .filter(isPackPolicy)
      .map((p) => p.name);
  }
  return layout;
}

describe("the pack's layout: one policy per file, tests mirrored", () => {
  it("holds for every policy of the pack", async () => {
    const names = policies.map((p) => p.name);
    expect(names.length).toBeGreaterThan(40);
    expect(layoutProblems(names, await readLayout())).toEqual([]);
  });
});

describe("layoutProblems refuses a drifted layout", () => {
  /** Two azure policies and a stack one, laid out as the pack is. */
  const good = (): Layout => ({
    sources: {
      azure: { files: ["aks-one.ts", "aks-two.ts"], dirs: ["support"] },
      kubernetes: { files: [], dirs: [] },
      stack: { files: ["team-three.ts"], dirs: [] },
    },
    support: { azure: ["cluster.ts"], kubernetes: [], stack: [] },
    tests: { azure: ["aks-one.test.ts", "aks-two.test.ts"], kubernetes: [], stack: ["team-three.test.ts"] },
    exported: {
      "azure/aks-one": ["aks-one"],
      "azure/aks-two": ["aks-two"],
      "stack/team-three": ["team-three"],
      "azure/support/cluster": [],
    },
  });
  const NAMES = ["aks-one", "aks-two", "team-three"];

  it("accepts the layout it is shown wrong against", () => {
    expect(layoutProblems(NAMES, good())).toEqual([]);
  });

  it("computes the paths of a policy from its area and name", () => {
    expect(expectedPaths("stack", "team-three")).toEqual({
      source: "policy-pack/policies/stack/team-three.ts",
      test: "test/policy/stack/team-three.test.ts",
    });
  });

  it("refuses a group file that exports several policies", () => {
    const layout = good();
    layout.sources.azure.files = ["cluster.ts"];
    delete layout.exported["azure/aks-one"];
    delete layout.exported["azure/aks-two"];
    layout.exported["azure/cluster"] = ["aks-one", "aks-two"];
    expect(layoutProblems(NAMES, layout)).toEqual([
      "aks-one: no file; expected exactly one policy-pack/policies/<area>/aks-one.ts",
      "aks-two: no file; expected exactly one policy-pack/policies/<area>/aks-two.ts",
      "policy-pack/policies/azure/cluster.ts is not a policy's file (helpers go in azure/support/ or lib/)",
      "test/policy/azure/aks-one.test.ts tests no policy of policy-pack/policies/azure/",
      "test/policy/azure/aks-two.test.ts tests no policy of policy-pack/policies/azure/",
    ]);
  });

  it("refuses a file named for one policy that exports another, or a second one", () => {
    const layout = good();
    layout.exported["azure/aks-one"] = ["aks-two"];
    layout.exported["stack/team-three"] = ["team-three", "aks-one"];
    expect(layoutProblems(NAMES, layout)).toEqual([
      "policy-pack/policies/azure/aks-one.ts exports the policies [aks-two], not exactly aks-one",
      "policy-pack/policies/stack/team-three.ts exports the policies [team-three, aks-one], not exactly team-three",
    ]);
  });

  it("refuses one policy's file in two areas", () => {
    const layout = good();
    layout.sources.kubernetes.files.push("aks-one.ts");
    layout.exported["kubernetes/aks-one"] = ["aks-one"];
    expect(layoutProblems(NAMES, layout)).toEqual([
      "aks-one: 2 files (policy-pack/policies/azure/aks-one.ts, policy-pack/policies/kubernetes/aks-one.ts); expected exactly one policy-pack/policies/<area>/aks-one.ts",
      "test/policy/azure/aks-one.test.ts tests no policy of policy-pack/policies/azure/",
    ]);
  });

  it("refuses a policy without its test, and a test in another area than its policy", () => {
    const layout = good();
    layout.tests.azure = ["aks-one.test.ts"];
    layout.tests.kubernetes = ["aks-two.test.ts"];
    expect(layoutProblems(NAMES, layout)).toEqual([
      "aks-two: no test/policy/azure/aks-two.test.ts",
      "test/policy/kubernetes/aks-two.test.ts tests no policy of policy-pack/policies/kubernetes/",
    ]);
  });

  it("refuses helpers beside the policies, other folders, and a policy kept in support/", () => {
    const layout = good();
    layout.sources.stack.files.push("stack-index.ts");
    layout.exported["stack/stack-index"] = [];
    layout.sources.kubernetes.dirs.push("helpers");
    layout.exported["azure/support/cluster"] = ["aks-four"];
    expect(layoutProblems(NAMES, layout)).toEqual([
      "policy-pack/policies/azure/support/cluster.ts exports the policies [aks-four]: a policy has its own file",
      "policy-pack/policies/kubernetes/helpers/: an area holds its policies and support/ only",
      "policy-pack/policies/stack/stack-index.ts is not a policy's file (helpers go in stack/support/ or lib/)",
    ]);
  });
});
