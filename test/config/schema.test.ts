/**
 * The configuration schema as the reference reads it: every key a user may set is documented (a
 * key without documentation is refused when the reference is rendered), and `Pulumi.yaml`'s
 * generated block goes stale when the schema's documentation changes.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { z } from "zod";
import { GENERATED, withSections } from "../../cli/docs";
import { configReference, referenceRows } from "../../infra/config/reference";
import { documented, refused, text } from "../../infra/config/schema-kit";

describe("configuration reference", () => {
  it("gives every key a type, a default and a meaning", () => {
    for (const row of configReference()) {
      expect([row.path, row.type.length > 0, row.default.length > 0, row.description.length > 10]).toEqual([
        row.path,
        true,
        true,
        true,
      ]);
    }
  });

  it("lists each key of both modes once, existing-only keys included", () => {
    const paths = configReference().map((r) => r.path);
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths).toEqual(
      expect.arrayContaining(["teams[].resourceGroupId", "existing.kubeconfig", "cluster.location"]),
    );
    // Placed where the existing branch has them: the team's resource group after its identities.
    expect(paths.indexOf("teams[].resourceGroupId")).toBe(
      paths.indexOf("teams[].identities[].existing.resourceId") + 1,
    );
  });

  it("refuses to render a key that has no documentation, and skips a refused one", () => {
    const shape = {
      documentedKey: documented(text(), { description: "A key with its meaning." }),
      refusedKey: refused("is not used here"),
      undocumentedKey: text(),
    };
    expect(() => referenceRows(shape, "demo")).toThrow(
      /config key demo\.undocumentedKey has no documentation/,
    );
    const { undocumentedKey: _, ...documentedOnly } = shape;
    expect(referenceRows(documentedOnly, "demo").map((r) => r.path)).toEqual(["demo.documentedKey"]);
    expect(z.globalRegistry.get(shape.refusedKey)).toEqual({ refused: true });
  });

  it("makes Pulumi.yaml stale when its config block drifts from the schema", () => {
    const file = GENERATED.find((f) => f.path === "Pulumi.yaml")!;
    const text = readFileSync(join(__dirname, "..", "..", "Pulumi.yaml"), "utf8");
    expect(withSections(text, file.sections, file.path, file.comment)).toBe(text);
    const drifted = text.replace("    default: false\n", "    default: true\n");
    expect(drifted).not.toBe(text);
    expect(withSections(drifted, file.sections, file.path, file.comment)).toBe(text);
  });
});
