/**
 * The CI workflow offered to teams that fork the blueprint: it must parse, log in to Azure with
 * OIDC and no stored secret, preview each stack with the pack, upload the offline audit's SARIF,
 * and only call npm scripts and files that exist in this repository.
 */
import { existsSync, readFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "../..");
const text = readFileSync(path.join(ROOT, ".github/workflows/preview.yml"), "utf8");
const workflow = parse(text) as {
  permissions: Record<string, string>;
  jobs: Record<
    string,
    {
      strategy: { matrix: { stack: string[] } };
      steps: { uses?: string; run?: string; with?: Record<string, string> }[];
    }
  >;
};
const job = Object.values(workflow.jobs)[0];
const runs = job.steps.map((s) => s.run ?? "").join("\n");
const scripts = (
  JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }
).scripts;

describe(".github/workflows/preview.yml", () => {
  it("parses, with one job per stack and every stack (and its pack config) present", () => {
    expect(Object.keys(workflow.jobs)).toHaveLength(1);
    expect(job.strategy.matrix.stack.length).toBeGreaterThan(0);
    for (const stack of job.strategy.matrix.stack) {
      expect(existsSync(path.join(ROOT, "stacks", `Pulumi.${stack}.yaml`))).toBe(true);
      expect(existsSync(path.join(ROOT, "policy-pack", "config", `${stack}.json`))).toBe(true);
    }
  });

  it("references only npm scripts that package.json defines", () => {
    const referenced = [...runs.matchAll(/npm run (?:--silent )?([\w:-]+)/g)].map((m) => m[1]);
    expect(referenced.length).toBeGreaterThan(0);
    for (const name of referenced) expect(Object.keys(scripts)).toContain(name);
  });

  it("logs in to Azure with OIDC and stores no secret", () => {
    expect(workflow.permissions["id-token"]).toBe("write");
    const login = job.steps.find((s) => s.uses?.startsWith("azure/login@"));
    expect(Object.keys(login?.with ?? {}).sort()).toEqual(["client-id", "subscription-id", "tenant-id"]);
    expect(text).not.toMatch(/\$\{\{\s*secrets\./);
  });

  it("previews with the policy pack and uploads the offline audit's SARIF", () => {
    expect(runs).toMatch(/pulumi preview --stack \$\{\{ matrix\.stack \}\}[\s\S]*--policy-pack policy-pack/);
    expect(runs).toMatch(/npm run --silent audit -- .* --format sarif/);
    expect(job.steps.some((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"))).toBe(true);
    expect(workflow.permissions["security-events"]).toBe("write");
  });
});
