/**
 * Pulumi.yaml, the validator and the README reference describe the same configuration: the
 * declared keys, their defaults and their documentation are checked against each other.
 */
import { readFileSync, readdirSync } from "fs";
import { join } from "path";
import { parse } from "yaml";
import { readStackFile } from "../../infra/config/stack-file";
import { validateConfig } from "../../infra/config/validate";
import { configKeyPaths, topLevelKeys } from "../../infra/config/reference";
import { minimalCreateConfig } from "./fixtures";

const root = join(__dirname, "..", "..");
const project = parse(readFileSync(join(root, "Pulumi.yaml"), "utf8")) as {
  name: string;
  runtime: { name: string; options: Record<string, unknown> };
  main: string;
  stackConfigDir: string;
  config: Record<string, unknown>;
};
type Declaration = { type?: string; items?: { type: string }; description?: string; default?: unknown };
/** Project keys are the un-namespaced ones (`pulumi:...` entries set values, they declare nothing). */
const declared = Object.fromEntries(
  Object.entries(project.config).filter(([key]) => !key.includes(":")),
) as Record<string, Declaration>;

describe("Pulumi.yaml", () => {
  it("is the aks-hardening TypeScript project with its program in infra/ and stacks in stacks/", () => {
    expect(project.name).toBe("aks-hardening");
    expect(project.runtime).toEqual({ name: "nodejs", options: { typescript: true } });
    expect(project.main).toBe("infra/");
    expect(project.stackConfigDir).toBe("stacks");
  });

  it("disables every default provider", () => {
    expect(project.config["pulumi:disable-default-providers"]).toEqual(["*"]);
  });

  it("declares exactly the keys the validator accepts, each described", () => {
    expect(Object.keys(declared).sort()).toEqual(topLevelKeys().sort());
    for (const [key, declaration] of Object.entries(declared)) {
      expect([key, typeof declaration.description]).toEqual([key, "string"]);
    }
  });

  it("uses only the schema types Pulumi accepts (arrays with items)", () => {
    for (const declaration of Object.values(declared)) {
      if (declaration.type === undefined) continue; // object-valued: Pulumi has no `object` type
      expect(["string", "boolean", "integer", "array"]).toContain(declaration.type);
      if (declaration.type === "array")
        expect(["string", "boolean", "integer"]).toContain(declaration.items?.type);
    }
  });

  it("requires exactly the keys the validator requires (no default: cluster, teams, platformGroupIds)", () => {
    const required = Object.entries(declared)
      .filter(([, d]) => d.default === undefined)
      .map(([k]) => k);
    expect(required.sort()).toEqual(["cluster", "platformGroupIds", "teams"]);
  });

  it("has defaults that change nothing: the CLI applying them gives the validator's own result", () => {
    const minimal = minimalCreateConfig();
    const defaults = Object.fromEntries(
      Object.entries(declared)
        .filter(([, d]) => d.default !== undefined)
        // What the program sees: scalars as text, objects and arrays as JSON.
        .map(([k, d]) => [k, typeof d.default === "string" ? d.default : JSON.stringify(d.default)]),
    );
    expect(validateConfig({ ...defaults, ...minimal }, "dev")).toEqual(validateConfig(minimal, "dev"));
  });

  it("declares every project key the stack files use, with values of the declared type", () => {
    const stackFiles = readdirSync(join(root, "stacks")).filter((f) => /^Pulumi\..+\.yaml$/.test(f));
    expect(stackFiles.length).toBeGreaterThanOrEqual(3);
    for (const file of stackFiles) {
      for (const [key, value] of Object.entries(readStackFile(join(root, "stacks", file)))) {
        const declaration = declared[key];
        expect([file, key, declaration !== undefined]).toEqual([file, key, true]);
        if (declaration.type === "array") expect(Array.isArray(value)).toBe(true);
        else if (declaration.type !== undefined)
          expect([file, key, typeof value]).toEqual([file, key, declaration.type]);
      }
    }
  });
});

describe("README configuration reference", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const start = readme.indexOf("<!-- section: configuration -->");
  const end = readme.indexOf("<!-- section:", start + 1);
  const section = readme.slice(start, end);
  /** Keys documented in the section's tables: rows whose first cell is a `backticked` key. */
  const rows = [...section.matchAll(/^\| `([^`]+)` \| ([^|]+) \| ([^|]+) \|/gm)].map((m) => ({
    key: m[1],
    type: m[2].trim(),
    default: m[3].trim(),
  }));
  const topLevel = rows.filter((r) => !/[.[]/.test(r.key));

  it("exists", () => {
    expect(start).toBeGreaterThanOrEqual(0);
    expect(rows.length).toBeGreaterThan(0);
  });

  it("lists exactly the keys declared in Pulumi.yaml as top-level keys", () => {
    expect(topLevel.map((r) => r.key).sort()).toEqual(Object.keys(declared).sort());
  });

  it("marks required exactly the keys Pulumi.yaml declares without a default", () => {
    for (const row of topLevel) {
      expect([row.key, row.default === "required"]).toEqual([
        row.key,
        declared[row.key].default === undefined,
      ]);
    }
  });

  it("gives the Pulumi.yaml default of each scalar and list key", () => {
    for (const row of topLevel) {
      const value = declared[row.key].default;
      if (value === undefined) continue;
      expect([row.key, row.default]).toEqual([row.key, `\`${JSON.stringify(value).replace(/^"|"$/g, "")}\``]);
    }
  });

  it("documents every nested key the validator accepts, and no other", () => {
    const nested = rows.filter((r) => /[.[]/.test(r.key)).map((r) => r.key);
    const expected = configKeyPaths().filter((k: string) => /[.[]/.test(k));
    expect([...nested].sort()).toEqual([...expected].sort());
    expect(new Set(nested).size).toBe(nested.length);
  });
});
