/**
 * The README's and docs/architecture.md's renderings of the threat registry and the pack are
 * current (`npm run docs` rewrites them), and the admission table's hand-written rules carry the
 * registry's scenarios.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { compactList, GENERATED, packPolicyTable, staleFiles, withSections } from "../../cli/docs";
import { guardrailPolicies } from "../../conventions/admission";
import { scenariosOfAdmissionPolicy } from "../../conventions/threats";
import { SETTINGS } from "../kubernetes/fixtures";

const root = join(__dirname, "..", "..");
const readme = readFileSync(join(root, "README.md"), "utf8");

describe("generated documentation", () => {
  it("is current in every file", () => {
    expect(staleFiles()).toEqual([]);
  });

  it("is found stale when a rendering drifts from the registry", () => {
    const readmeFile = GENERATED.find((f) => f.path === "README.md")!;
    const drifted = readme.replace(
      "| `aks-managed-identity` | critical | mandatory | resource | S5 |",
      "| `aks-managed-identity` | critical | mandatory | resource | S4 |",
    );
    expect(drifted).not.toBe(readme);
    expect(withSections(drifted, readmeFile.sections, "README.md")).not.toBe(drifted);
    expect(() => withSections("no markers", readmeFile.sections, "README.md")).toThrow(
      /README.md: no generated section threat-model/,
    );
  });

  it("lists every policy of the pack once", () => {
    const rows = packPolicyTable().split("\n").slice(2);
    expect(new Set(rows.map((r) => r.split(" | ")[0])).size).toBe(rows.length);
    expect(rows.length).toBeGreaterThan(40);
  });

  it("folds runs of four or more", () => {
    expect(compactList(["S1", "S2", "S3"])).toBe("S1, S2, S3");
    expect(compactList(["S1", "S2", "S3", "S4", "S6"])).toBe("S1-S4, S6");
    expect(compactList(["4.2.1", "4.2.2", "4.2.3", "4.2.4", "4.2.5", "5.1.1"])).toBe("4.2.1-4.2.5, 5.1.1");
    expect(compactList([])).toBe("-");
  });

  it("the admission table names each policy's scenarios as the registry gives them", () => {
    for (const { name } of guardrailPolicies(SETTINGS)) {
      const row = readme.split("\n").find((l) => l.startsWith(`| \`${name}\` |`));
      expect([name, row !== undefined]).toEqual([name, true]);
      const threats = row!.split(" | ").pop()!.replace(/ \|$/, "");
      expect([name, threats.replace(/ \(.*$/, "")]).toEqual([
        name,
        compactList(scenariosOfAdmissionPolicy(name)),
      ]);
    }
  });
});
