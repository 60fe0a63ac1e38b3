/**
 * The in-process evaluator (`policy-pack/evaluate.ts`, behind `npm run plan` and `npm run audit`)
 * against `@pulumi/policy`'s own analyzer: the same resources go through both, and both must report
 * the same violations. The analyzer side is the package's own `Analyze` and `AnalyzeStack` RPC
 * handlers (what the Pulumi CLI calls over gRPC), fed protobuf requests as the engine builds them;
 * only the transport is left out. Neither side is given a policy config, so both use the schema
 * defaults (the CLI's `Configure` call is the one step not reproduced).
 */
import * as path from "path";
import { toEvaluated } from "../../cli/resources";
import { evaluatePolicies, type EvaluatedResource } from "../../policy-pack/evaluate";
import { packEnforcementLevel, packName, policies } from "../../policy-pack/policies";
import { runStack } from "../stacks/whole-program";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- protobuf messages are untyped here
type Any = any;

/* eslint-disable @typescript-eslint/no-require-imports -- the SDK's protobuf classes have no typings here */
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const analyzerPb = require(path.join(pulumiDir, "proto", "analyzer_pb")) as Record<string, new () => Any>;
const structPb = require(
  require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [pulumiDir] }),
) as {
  Struct: { fromJavaScript(value: unknown): unknown };
};
const server = require("@pulumi/policy/server") as Record<
  string,
  (
    name: string,
    version: string,
    level: string,
    policies: unknown[],
  ) => (call: unknown, cb: (err: unknown, res: Any) => void) => void
>;
/* eslint-enable @typescript-eslint/no-require-imports */

const PACK_VERSION = "0.1.0";

/** `{policy, level, message}` of a diagnostic or a violation, as one comparable line. */
const line = (policy: string, level: string, message: string) => `${policy} [${level}] ${message}`;

const LEVELS: Record<number, string> = { 0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate" };

/** JSON only: what the engine can put in a protobuf Struct (no undefined). */
const plain = (value: unknown) => structPb.Struct.fromJavaScript(JSON.parse(JSON.stringify(value ?? {})));

function analyzerResource(
  Kind: new () => Any,
  r: EvaluatedResource,
  byUrn: Map<string, EvaluatedResource>,
): Any {
  const message = new Kind();
  message.setType(r.type);
  message.setName(r.name);
  message.setUrn(r.urn);
  message.setProperties(plain(r.props));
  const options = new analyzerPb.AnalyzerResourceOptions();
  if (r.parent) options.setParent(r.parent);
  message.setOptions(options);
  const providerUrn = r.provider?.split("::").slice(0, -1).join("::") || r.provider;
  const provider = providerUrn ? (byUrn.get(providerUrn) ?? byUrn.get(r.provider!)) : undefined;
  if (provider) {
    const p = new analyzerPb.AnalyzerProviderResource();
    p.setType(provider.type);
    p.setName(provider.name);
    p.setUrn(provider.urn);
    p.setProperties(plain(provider.props));
    message.setProvider(p);
  }
  if (Kind === analyzerPb.AnalyzerResource) {
    if (r.parent) message.setParent(r.parent);
    message.setDependenciesList(r.dependencies ?? []);
  }
  return message;
}

function call(
  handler: (call: unknown, cb: (err: unknown, res: Any) => void) => void,
  request: Any,
): Promise<Any> {
  return new Promise((resolve, reject) =>
    handler({ request }, (err, res) =>
      err ? reject(err instanceof Error ? err : new Error(JSON.stringify(err))) : resolve(res),
    ),
  );
}

/**
 * The analyzer's diagnostics as comparable lines. Its message is the policy's description, a line
 * break, then what the policy reported (`makeReportViolationFun`); the evaluator keeps the two apart
 * (`description`, `message`), so the description is taken off here, and must be there.
 */
const diagnosticsOf = (response: Any): string[] =>
  response.getDiagnosticsList().map((d: Any) => {
    const prefix = `${d.getDescription()}\n`;
    const message: string = d.getMessage();
    const reported = message.startsWith(prefix)
      ? message.slice(prefix.length)
      : `(no description prefix) ${message}`;
    return line(d.getPolicyname(), LEVELS[d.getEnforcementlevel()], reported);
  });

/** What `@pulumi/policy`'s analyzer reports for `resources`: per-resource analysis, then the stack's. */
async function upstream(resources: EvaluatedResource[]): Promise<string[]> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const analyze = server.makeAnalyzeRpcFun(packName, PACK_VERSION, packEnforcementLevel, policies);
  const analyzeStack = server.makeAnalyzeStackRpcFun(packName, PACK_VERSION, packEnforcementLevel, policies);
  const found: string[] = [];
  for (const r of resources) {
    found.push(...diagnosticsOf(await call(analyze, analyzerResource(analyzerPb.AnalyzeRequest, r, byUrn))));
  }
  const stack = new analyzerPb.AnalyzeStackRequest();
  stack.setResourcesList(resources.map((r) => analyzerResource(analyzerPb.AnalyzerResource, r, byUrn)));
  found.push(...diagnosticsOf(await call(analyzeStack, stack)));
  return found.sort();
}

async function ours(resources: EvaluatedResource[]): Promise<string[]> {
  const violations = await evaluatePolicies(resources);
  return violations.map((v) => line(v.policyName, v.enforcementLevel, v.message)).sort();
}

/** Resources a team might write by hand, each against a different policy. */
const insecure: EvaluatedResource[] = [
  {
    urn: "urn:pulumi:dev::team-app::kubernetes:apps/v1:Deployment::sniffer",
    type: "kubernetes:apps/v1:Deployment",
    name: "sniffer",
    props: {
      metadata: { name: "sniffer", namespace: "team-a" },
      spec: {
        selector: { matchLabels: { app: "sniffer" } },
        template: {
          metadata: { labels: { app: "sniffer", aadpodidbinding: "team-b.web" } },
          spec: {
            hostNetwork: true,
            containers: [{ name: "c", image: "busybox", securityContext: { privileged: true } }],
          },
        },
      },
    },
  },
  {
    urn: "urn:pulumi:dev::team-app::azure-native:authorization:RoleAssignment::owner",
    type: "azure-native:authorization:RoleAssignment",
    name: "owner",
    props: {
      principalId: "0b5e2a51-3c6d-4e7f-8a9b-0c1d2e3f4a5b",
      principalType: "ServicePrincipal",
      roleDefinitionId:
        "/subscriptions/b1756336-c2b1-4461-9a7d-f2c54150fc0f/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
      scope: "/subscriptions/b1756336-c2b1-4461-9a7d-f2c54150fc0f",
    },
  },
];

describe("evaluate.ts and @pulumi/policy's analyzer", () => {
  let dev: EvaluatedResource[];
  beforeAll(async () => {
    dev = toEvaluated((await runStack("dev")).resources);
  }, 120_000);

  it("report the same violations for the dev stack's resources", async () => {
    const expected = await upstream(dev);
    expect(expected.length).toBeGreaterThan(0); // without config the platform group is unset: violations
    expect(await ours(dev)).toEqual(expected);
  }, 120_000);

  it("report the same violations for hand-written insecure resources", async () => {
    const resources = [...dev, ...insecure];
    const expected = await upstream(resources);
    expect(expected.filter((l) => l.includes("sniffer") || l.includes("owner")).length).toBeGreaterThan(0);
    expect(await ours(resources)).toEqual(expected);
  }, 120_000);
});
