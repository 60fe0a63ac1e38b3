/**
 * The CLI's readers and writers, in-process: stack config to runtime config, the stack-export
 * writer and reader, the preview reader, the audit input checks, the graph shape and SARIF.
 */
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { createHash } from "crypto";
import { InputError } from "../../cli/exit-codes";
import { sarifLevel, toSarif } from "../../cli/format-sarif";
import { graphShape } from "../../cli/graph";
import { readAuditInput } from "../../cli/input-file";
import type { PlannedResource } from "../../cli/resources";
import { SECRET_SIG, SIG_KEY, UNKNOWN } from "../../cli/secrets";
import { fromStackExport, toStackExport } from "../../cli/stack-export";
import { loadStackFile, stackRawConfig } from "../../cli/stack-file";
import type { PolicyViolation } from "../../policy-pack/evaluate";
import { policies } from "../../policy-pack/policies";
import { sarifValidator } from "./sarif-schema";

const FIXTURES = path.join(__dirname, "fixtures");
const tmp = mkdtempSync(path.join(tmpdir(), "cli-formats-"));

function write(name: string, text: string): string {
  const file = path.join(tmp, name);
  writeFileSync(file, text);
  return file;
}

const STACK = "urn:pulumi:dev::aks-hardening::pulumi:pulumi:Stack::aks-hardening-dev";
const PROVIDER = "urn:pulumi:dev::aks-hardening::pulumi:providers:kubernetes::k8s";
const NS = "urn:pulumi:dev::aks-hardening::kubernetes:core/v1:Namespace::team-a";
const planned: PlannedResource[] = [
  { urn: STACK, type: "pulumi:pulumi:Stack", custom: false, dependencies: [], inputs: {} },
  {
    urn: PROVIDER,
    type: "pulumi:providers:kubernetes",
    custom: true,
    id: "k8s-id",
    parent: STACK,
    dependencies: [],
    inputs: { kubeconfig: { [SIG_KEY]: SECRET_SIG, value: "apiVersion: v1\nusers: [{token: hunter2}]" } },
  },
  {
    urn: NS,
    type: "kubernetes:core/v1:Namespace",
    custom: true,
    id: "team-a",
    parent: STACK,
    dependencies: [],
    provider: `${PROVIDER}::k8s-id`,
    inputs: { metadata: { name: "team-a" } },
  },
];

describe("stack config", () => {
  it("turns structured values into JSON and secure values into noted placeholders marked secret", () => {
    const loaded = stackRawConfig(
      [
        "config:",
        "  aks-hardening:clusterMode: existing",
        "  aks-hardening:production: false",
        "  aks-hardening:teams:",
        "    - name: a",
        "  aks-hardening:existing:",
        "    kubeconfig:",
        "      secure: v1:abc",
      ].join("\n"),
    );
    expect(loaded.rawConfig["aks-hardening:teams"]).toBe('[{"name":"a"}]');
    expect(loaded.rawConfig["aks-hardening:production"]).toBe("false");
    expect(loaded.rawConfig["aks-hardening:existing"]).not.toContain("v1:abc");
    expect(loaded.secretKeys).toEqual(["aks-hardening:existing"]);
    expect(loaded.placeholders).toEqual([expect.stringMatching(/^existing\.kubeconfig: secure value/)]);
  });

  it("an unknown stack names the stacks that exist", () => {
    write("Pulumi.alpha.yaml", "config: {}\n");
    write("Pulumi.beta.yaml", "config: {}\n");
    expect(() => loadStackFile(tmp, "gamma")).toThrow(/unknown stack "gamma".*Available stacks: alpha, beta/);
  });
});

describe("pulumi stack export format", () => {
  const exported = toStackExport(planned, "3.248.0", new Date("2026-01-01T00:00:00Z"));

  it("writes deployment version 3 with the engine's magic, provider references and parents", () => {
    expect(exported.version).toBe(3);
    expect(exported.deployment.manifest.magic).toBe(createHash("sha256").update("3.248.0").digest("hex"));
    const ns = exported.deployment.resources!.find((r) => r.urn === NS)!;
    expect(ns).toMatchObject({
      custom: true,
      id: "team-a",
      type: "kubernetes:core/v1:Namespace",
      parent: STACK,
      provider: `${PROVIDER}::k8s-id`,
    });
  });

  it("never writes a secret's value, only its envelope", () => {
    const text = JSON.stringify(exported);
    expect(text).not.toContain("hunter2");
    const provider = exported.deployment.resources!.find((r) => r.urn === PROVIDER)!;
    expect(provider.inputs!.kubeconfig).toEqual({ [SIG_KEY]: SECRET_SIG, ciphertext: expect.any(String) });
  });

  it("reads back what it wrote; a secret it cannot decrypt becomes unknown, not a value", () => {
    const back = fromStackExport(JSON.parse(JSON.stringify(exported)), "plan.json");
    expect(back.map((r) => [r.urn, r.parent, r.provider])).toEqual(
      planned.map((r) => [r.urn, r.parent, r.provider]),
    );
    expect(back.find((r) => r.urn === PROVIDER)!.inputs.kubeconfig).toBe(UNKNOWN);
  });

  it("reads the real-format fixture, leaving out resources pending deletion", () => {
    const { resources, source } = readAuditInput(path.join(FIXTURES, "stack-export.json"));
    expect(source).toMatchObject({ kind: "stack-export", project: "aks-hardening", stack: "legacy" });
    expect(resources.map((r) => r.type)).not.toContain("kubernetes:core/v1:Namespace");
    expect(
      resources.find((r) => r.type === "azure-native:containerservice:ManagedCluster")?.inputs,
    ).toMatchObject({
      networkProfile: { networkPlugin: "kubenet" },
    });
  });
});

describe("pulumi preview --json format", () => {
  it("takes each step's new state and skips steps that delete", () => {
    const { resources, source } = readAuditInput(path.join(FIXTURES, "preview.json"));
    expect(source.kind).toBe("preview-json");
    expect(resources.map((r) => r.urn.split("::").pop())).toEqual(["aks-hardening-staging", "ci-deployer"]);
    expect(resources[1].provider).toMatch(/pulumi:providers:azure-native::staging-azure::/);
  });
});

describe("audit input errors", () => {
  it.each([
    ["truncated JSON", '{"version": 3, "deployment": {"resources": [', /not valid JSON \(truncated\?\)/],
    ["malformed JSON", "{version: 3}", /not valid JSON/],
    ["an empty file", "", /the file is empty/],
    [
      "foreign JSON",
      '{"name": "my-package", "version": "1.0.0"}',
      /not a Pulumi document.*found keys: name, version/,
    ],
    ["a JSON array", "[1, 2]", /expected a JSON object.*got an array/],
    [
      "an unsupported deployment version",
      '{"version": 4, "deployment": {}}',
      /deployment version 4 is not supported/,
    ],
    [
      "a resource without a type",
      '{"version": 3, "deployment": {"resources": [{"urn": "u"}]}}',
      /deployment\.resources\[0\]\.type must be a string/,
    ],
    ["a preview step without an op", '{"steps": [{"urn": "u"}]}', /steps\[0\]\.op must be a string/],
  ])("%s is an input error naming the problem", (_case, text, message) => {
    const file = write("input.json", text);
    expect(() => readAuditInput(file)).toThrow(InputError);
    expect(() => readAuditInput(file)).toThrow(message);
  });
});

describe("deployment graph shape", () => {
  it("counts parent, provider and dependency edges on the longest chain and finds the widest level", () => {
    const dep = "urn:pulumi:dev::aks-hardening::kubernetes:core/v1:ServiceAccount::sa";
    const resources: PlannedResource[] = [
      ...planned,
      {
        urn: dep,
        type: "kubernetes:core/v1:ServiceAccount",
        custom: true,
        parent: STACK,
        dependencies: [NS, "urn:elsewhere"],
        inputs: {},
      },
    ];
    const shape = graphShape(resources);
    // Stack -> provider -> namespace -> service account.
    expect(shape.depth).toBe(4);
    expect(shape.criticalPath).toEqual([STACK, PROVIDER, NS, dep]);
    expect(shape.widestLevel).toEqual({ level: 1, width: 1 });
    expect(shape.danglingEdges).toBe(1);
  });
});

describe("SARIF", () => {
  const violation: PolicyViolation = {
    policyName: policies[0].name,
    description: "d",
    enforcementLevel: "mandatory",
    severity: "high",
    message: "the cluster has no managed identity",
    urn: NS,
    resourceType: "kubernetes:core/v1:Namespace",
    resourceName: "team-a",
    remediationSteps: "set identity.type",
    tags: ["S5"],
  };
  const sarif = toSarif(
    [violation, { ...violation, enforcementLevel: "advisory", severity: "low" }],
    policies,
    {
      artifactUri: "stacks/Pulumi.dev.yaml",
      toolVersion: "0.1.0",
    },
  ) as any; // eslint-disable-line @typescript-eslint/no-explicit-any

  it("validates against the SARIF 2.1.0 schema", () => {
    expect(sarifValidator()(sarif)).toEqual([]);
  });

  it("the schema check can fail: a result without a message is refused", () => {
    const broken = JSON.parse(JSON.stringify(sarif));
    delete broken.runs[0].results[0].message;
    expect(sarifValidator()(broken).length).toBeGreaterThan(0);
  });

  it("has a rule per policy and results located at the URN and the stack file", () => {
    expect(sarif.runs[0].tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(
      policies.map((p) => p.name),
    );
    const [first, second] = sarif.runs[0].results;
    expect(first).toMatchObject({ ruleId: policies[0].name, ruleIndex: 0, level: "error" });
    expect(first.locations[0].logicalLocations[0].fullyQualifiedName).toBe(NS);
    expect(first.locations[0].physicalLocation.artifactLocation.uri).toBe("stacks/Pulumi.dev.yaml");
    expect(second.level).toBe("note");
  });

  it("maps enforcement and severity to levels", () => {
    expect(sarifLevel({ enforcementLevel: "mandatory", severity: "low" })).toBe("error");
    expect(sarifLevel({ enforcementLevel: "advisory", severity: "critical" })).toBe("warning");
    expect(sarifLevel({ enforcementLevel: "remediate", severity: "medium" })).toBe("note");
  });
});
