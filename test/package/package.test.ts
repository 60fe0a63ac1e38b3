/**
 * The components library as an application team installs it: `npm pack` of the `components`
 * workspace, installed into a scratch project outside the repository (the files of
 * examples/team-app: its own package.json and tsconfig, no import out of the project), type-checked
 * with the project's own compiler, and its program run under Pulumi's mocks with the SDK the project
 * installed. The engine suite runs the same packed library through the real Pulumi CLI.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { POD_IDENTITY_LABEL } from "../../conventions/kubernetes";
import { TEAM_A, contractOf } from "../team/fixtures";
import { REPO_ROOT as ROOT, packComponents, run } from "./pack";

const EXAMPLE = "examples/team-app";
const work = fs.mkdtempSync(path.join(os.tmpdir(), "aks-hardening-package-"));
const project = path.join(work, "team-app");
let tarball = "";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- registered inputs are untyped JSON
type Json = Record<string, any>;

beforeAll(() => {
  tarball = packComponents(work);
  // The example's own files (it has no folders; a local node_modules or build is not part of it).
  fs.mkdirSync(project);
  for (const entry of fs.readdirSync(path.join(ROOT, EXAMPLE), { withFileTypes: true })) {
    if (entry.isFile()) fs.copyFileSync(path.join(ROOT, EXAMPLE, entry.name), path.join(project, entry.name));
  }
  // The project's own dependencies from its package.json, the components from the tarball. The npm
  // cache already holds every pin (the repository's own install), so nothing needs the network.
  run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball], project);
}, 600_000);

afterAll(() => process.env.KEEP_SCRATCH || fs.rmSync(work, { recursive: true, force: true }));

describe("the packed components library", () => {
  it("holds compiled JavaScript and declarations only, the shared conventions included", () => {
    const entries = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).trim().split("\n");
    expect(entries).toEqual(
      expect.arrayContaining([
        "package/package.json",
        "package/bin/components/index.js",
        "package/bin/components/index.d.ts",
        "package/bin/components/team/index.js",
        "package/bin/components/team/index.d.ts",
        "package/bin/conventions/kubernetes.js",
      ]),
    );
    const sources = entries.filter((e) => /\.ts$/.test(e) && !/\.d\.ts$/.test(e));
    expect(sources).toEqual([]);
    expect(entries.filter((e) => /test|\.map$/.test(e))).toEqual([]);
  });
});

describe("a team's own project on the installed package", () => {
  it("imports nothing from outside itself: packages only, no relative path out of the project", () => {
    const imports = fs
      .readdirSync(project)
      .filter((f) => f.endsWith(".ts"))
      .flatMap((f) =>
        [...fs.readFileSync(path.join(project, f), "utf8").matchAll(/from "([^"]+)"/g)].map((m) => m[1]),
      );
    expect(imports).toContain("@aks-hardening/components/team");
    expect(imports.filter((spec) => spec.startsWith("../"))).toEqual([]);
  });

  it("installs the package at its version, one @pulumi/pulumi, and no Azure SDK (the team API needs none)", () => {
    const installed = (name: string) => path.join(project, "node_modules", name, "package.json");
    const version = (file: string) =>
      (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
    expect(version(installed("@aks-hardening/components"))).toBe(
      version(path.join(ROOT, "components/package.json")),
    );
    expect(fs.existsSync(installed("@pulumi/azure-native"))).toBe(false);
    const sdkCopies = run("find", ["node_modules", "-path", "*/@pulumi/pulumi/package.json"], project)
      .trim()
      .split("\n")
      .filter((p) => !p.includes("/@pulumi/pulumi/node_modules/"));
    expect(sdkCopies).toEqual(["node_modules/@pulumi/pulumi/package.json"]);
  });

  it("type-checks with the project's own tsconfig and compiler", () => {
    expect(() =>
      run(process.execPath, ["node_modules/typescript/bin/tsc", "-p", ".", "--noEmit"], project),
    ).not.toThrow();
  });

  describe("its program under mocks", () => {
    let mockRun: (identity: string) => {
      registered: { type: string; name: string; inputs: Json }[];
      error?: string;
    };
    beforeAll(() => {
      run(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "."], project);
      fs.copyFileSync(path.join(__dirname, "mock-run.js"), path.join(project, "mock-run.js"));
      mockRun = (identity) =>
        JSON.parse(
          run(process.execPath, ["mock-run.js"], project, {
            MOCK_STACK: "team-a",
            MOCK_CONFIG: JSON.stringify({
              "team-app:contractStack": "acme/aks-hardening-contracts/team-a",
              "team-app:team": "team-a",
              "team-app:identity": identity,
              "team-app:image": "acrteama.azurecr.io/orders-api:1.4.2",
            }),
            MOCK_CONTRACT_OUTPUTS: JSON.stringify({ teamContract: contractOf(TEAM_A) }),
          }),
        );
    }, 120_000);

    it("deploys the service with the contract's identity, in the identity's namespace", () => {
      const { registered, error } = mockRun("orders-reader");
      expect(error).toBeUndefined();
      const identity = contractOf(TEAM_A).identities.find((i) => i.name === "orders-reader")!;
      const deployment = registered.find((r) => r.type === "kubernetes:apps/v1:Deployment")!;
      expect(deployment.inputs.metadata.namespace).toBe(identity.namespace);
      expect(deployment.inputs.spec.template.metadata.labels[POD_IDENTITY_LABEL]).toBe(
        identity.podIdentitySelector,
      );
      expect(registered.map((r) => r.type)).toEqual(expect.arrayContaining(["kubernetes:core/v1:Service"]));
    });

    it("refuses an identity the contract does not hold, naming the key, before any workload object", () => {
      const { registered, error } = mockRun("billing-writer");
      expect(error).toMatch(/identity/);
      expect(error).toMatch(/billing-writer/);
      expect(registered.filter((r) => r.type.startsWith("kubernetes:apps/"))).toEqual([]);
    });
  });
});
