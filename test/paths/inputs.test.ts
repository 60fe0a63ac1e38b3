/**
 * Bad input to the attack-path readers is an InputError naming the key and the value, and each
 * reader accepts what it documents.
 */
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { InputError } from "../../cli/exit-codes";
import { readBaselineKeys } from "../../cli/paths/baseline";
import { buildGraph } from "../../cli/paths/build-graph";
import { emptyFacts } from "../../cli/paths/facts";
import { readKubeconfig } from "../../cli/paths/kubeconfig";
import { mergeAzureFacts } from "../../cli/paths/read-live";
import { parsePathFormat } from "../../cli/paths/report";
import { readTeamsFile } from "../../cli/paths/teams";

const dir = mkdtempSync(join(tmpdir(), "paths-inputs-"));
const file = (name: string, text: string) => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};
const fails = (fn: () => unknown, message: RegExp) => {
  expect(fn).toThrow(InputError);
  expect(fn).toThrow(message);
};

test("--format names the bad value", () => {
  expect(parsePathFormat(undefined)).toBe("table");
  expect(parsePathFormat("mermaid")).toBe("mermaid");
  fails(() => parsePathFormat("xml"), /--format: "xml" is not one of table, json, sarif, mermaid/);
});

test("teams file: shape and each key", () => {
  const ok = readTeamsFile(
    file("ok.json", JSON.stringify({ teams: [{ name: "a", namespaces: ["a"], groups: ["g"] }] })),
  );
  expect(ok).toEqual([{ name: "a", namespaces: ["a"], principals: [{ kind: "Group", name: "g" }] }]);
  fails(() => readTeamsFile(file("list.json", "[]")), /expected \{"teams": \[\.\.\.\]\}/);
  fails(
    () => readTeamsFile(file("name.json", JSON.stringify({ teams: [{ namespaces: [] }] }))),
    /teams\[0\]\.name: must be a non-empty string \(got undefined\)/,
  );
  fails(
    () => readTeamsFile(file("ns.json", JSON.stringify({ teams: [{ name: "a", namespaces: "a" }] }))),
    /teams\[0\]\.namespaces: must be a list of strings \(got "a"\)/,
  );
});

test("kubeconfig: context, server and missing entries are named", () => {
  const config = (extra: Record<string, unknown>) =>
    JSON.stringify({
      clusters: [
        {
          name: "c",
          cluster: {
            server: "https://127.0.0.1:6443",
            "certificate-authority-data": Buffer.from("CA").toString("base64"),
          },
        },
      ],
      users: [{ name: "u", user: { token: "t" } }],
      contexts: [{ name: "x", context: { cluster: "c", user: "u" } }],
      "current-context": "x",
      ...extra,
    });
  const conn = readKubeconfig(file("kc.json", config({})));
  expect(conn).toMatchObject({ server: "https://127.0.0.1:6443", ca: "CA", token: "t", context: "x" });
  fails(
    () => readKubeconfig(file("kc.json", config({})), "nope"),
    /contexts: no entry named "nope" \(have: x\)/,
  );
  fails(
    () =>
      readKubeconfig(
        file("http.json", config({ clusters: [{ name: "c", cluster: { server: "http://x" } }] })),
      ),
    /clusters\[c\]\.cluster\.server: must be an https:\/\/ URL \(got "http:\/\/x"\)/,
  );
  fails(() => readKubeconfig(join(dir, "absent")), /cannot read \(no such file\)/);
  fails(
    () => readKubeconfig(file("nocontext.json", config({ "current-context": undefined }))),
    /current-context: not set; pass --context/,
  );
});

test("azure facts: unknown keys and malformed entries are named; good facts are read", () => {
  const facts = emptyFacts("x");
  mergeAzureFacts(
    facts,
    file(
      "az.json",
      JSON.stringify({
        cluster: { issuer: "https://i/" },
        identities: [{ name: "id", clientId: "C", resourceId: "/Subscriptions/S/x" }],
        roleAssignments: [{ principalId: "P", roleId: "/x/roleDefinitions/ABC", scope: "/Subscriptions/S" }],
      }),
    ),
  );
  expect(facts.azureKnown).toBe(true);
  expect(facts.identities[0].resourceId).toBe("/subscriptions/s/x");
  expect(facts.roleAssignments[0]).toMatchObject({
    principalId: "p",
    roleId: "abc",
    scope: "/subscriptions/s",
  });
  fails(
    () => mergeAzureFacts(emptyFacts("x"), file("bad.json", JSON.stringify({ identity: [] }))),
    /identity: is not a known key/,
  );
  fails(
    () =>
      mergeAzureFacts(emptyFacts("x"), file("ra.json", JSON.stringify({ roleAssignments: [{ scope: 1 }] }))),
    /roleAssignments\[0\]: needs principalId, roleId and scope strings/,
  );
});

test("baseline: only an attack-paths.json of the same version", () => {
  fails(
    () => readBaselineKeys(file("old.json", JSON.stringify({ version: 0, teams: [] }))),
    /not an attack-paths.json of version 1 \(got version 0\)/,
  );
  expect(
    readBaselineKeys(file("new.json", JSON.stringify({ version: 1, teams: [{ reaches: [{ key: "k" }] }] }))),
  ).toEqual(new Set(["k"]));
});

test("a cluster without team labels says how to name the teams", () => {
  const facts = emptyFacts("x");
  buildGraph(facts);
  expect(facts.assumptions.join("\n")).toMatch(/no teams found: .* pass --teams <file>/);
});
