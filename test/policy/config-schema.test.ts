/**
 * The pack's config validation (`schemaProblems`, ajv): every JSON Schema keyword is checked, every
 * problem is reported at once, and each message names the setting's path and the bad value.
 */
import { schemaProblems, settingsProblems } from "../../policy-pack/policies/lib/config-validation";

describe("schemaProblems", () => {
  const schema = {
    type: "object" as const,
    properties: {
      names: {
        type: "array" as const,
        items: { type: "string" as const, minLength: 2 },
        maxItems: 2,
        uniqueItems: true,
      },
      level: { enum: ["low", "high"] },
      port: { type: "integer" as const, minimum: 1, maximum: 65535 },
    },
    required: ["level"],
    additionalProperties: false,
  };

  it("accepts a valid value", () => {
    expect(schemaProblems(schema, { names: ["ab"], level: "low", port: 443 }, "p")).toEqual([]);
  });

  it("reports every problem at once, with path and value", () => {
    expect(schemaProblems(schema, { names: ["a", "bb"], port: 0, extra: true }, "p").sort()).toEqual(
      [
        'p: is missing required property "level" (got {"names":["a","bb"],"port":0,"extra":true})',
        "p.extra: is not a known setting (got true)",
        'p.names[0]: must NOT have fewer than 2 characters (got "a")',
        "p.port: must be >= 1 (got 0)",
      ].sort(),
    );
  });

  it("checks the keywords a hand-made subset skipped (maxItems, uniqueItems, minLength)", () => {
    const problems = schemaProblems(schema, { level: "low", names: ["ab", "ab", "cd"] }, "p");
    expect(problems).toEqual(
      expect.arrayContaining([
        'p.names: must NOT have more than 2 items (got ["ab","ab","cd"])',
        expect.stringMatching(/^p\.names: must NOT have duplicate items/),
      ]),
    );
  });

  it("gives a value of the wrong type one message, and spells keys as written", () => {
    const typed = {
      type: "object" as const,
      properties: { level: { type: "string" as const, enum: ["low"] } },
    };
    expect(schemaProblems(typed, { level: 5 }, "p")).toEqual(["p.level: must be of type string (got 5)"]);
    const byName = { type: "object" as const, additionalProperties: { type: "string" as const } };
    expect(schemaProblems(byName, { "123": 1, "a/b": 2 }, "p").sort()).toEqual([
      "p.123: must be of type string (got 1)",
      "p.a/b: must be of type string (got 2)",
    ]);
  });

  it("judges a policy's settings against its properties only", () => {
    const policySchema = { properties: { on: { type: "boolean" as const } } };
    expect(settingsProblems(policySchema, { on: "yes" }, "k8s-x")).toEqual([
      'k8s-x.on: must be of type boolean (got "yes")',
    ]);
    expect(settingsProblems(undefined, { on: true }, "k8s-y")).toEqual([
      "k8s-y.on: is not a known setting (got true)",
    ]);
  });
});
