/**
 * Pod Security parity with upstream: every `pass` and `fail` pod of Kubernetes' own fixtures
 * (`k8s.io/pod-security-admission` test/testdata/<level>/<version>/{pass,fail}/*.yaml) for both
 * levels at every version the blueprint supports, judged twice: by the shared implementation
 * (`conventions/pod-security.ts`) and by the policy pack, the pods declared as stack
 * resources in a namespace labelled with the level and version. Both must agree with upstream on
 * every pod; the numbers are printed, and the exit status is 1 on any disagreement.
 *
 *   npx ts-node --transpile-only test/pod-security/upstream-fixtures.ts
 *
 * The fixtures come through the Go module proxy (`go mod download`), into Go's module cache: outside
 * the repository, never committed.
 */
import { execFileSync } from "child_process";
import { existsSync, readdirSync, readFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { parse } from "yaml";
import { evaluatePolicies, EvaluatedResource } from "../../policy-pack/evaluate";
import { policies } from "../../policy-pack/policies";
import {
  checkPod,
  Level,
  NEWEST_KNOWN_VERSION,
  OLDEST_SUPPORTED_VERSION,
} from "../../conventions/pod-security";

/** The release whose fixtures and checks the shared implementation follows. */
export const UPSTREAM_MODULE = "k8s.io/pod-security-admission@v0.34.4";

export interface Fixture {
  level: Exclude<Level, "privileged">;
  version: number;
  expect: "pass" | "fail";
  name: string;
  pod: { metadata?: Record<string, unknown>; spec?: Record<string, unknown> };
}

/** Downloads (or finds in Go's cache) the module and returns its directory. */
export function upstreamModuleDir(): string {
  const out = execFileSync("go", ["mod", "download", "-json", UPSTREAM_MODULE], {
    encoding: "utf8",
    env: { ...process.env, GOFLAGS: "-mod=mod", GO111MODULE: "on" },
    cwd: tmpdir(),
  });
  const info = JSON.parse(out) as { Dir?: string; Error?: string };
  if (!info.Dir || !existsSync(info.Dir))
    throw new Error(`go mod download ${UPSTREAM_MODULE}: ${info.Error ?? out}`);
  return info.Dir;
}

/** Every fixture pod of both levels for versions OLDEST_SUPPORTED_VERSION..NEWEST_KNOWN_VERSION. */
export function loadFixtures(moduleDir: string): Fixture[] {
  const out: Fixture[] = [];
  for (const level of ["baseline", "restricted"] as const) {
    for (let version = OLDEST_SUPPORTED_VERSION; version <= NEWEST_KNOWN_VERSION; version++) {
      for (const expect of ["pass", "fail"] as const) {
        const dir = path.join(moduleDir, "test", "testdata", level, `v1.${version}`, expect);
        if (!existsSync(dir)) throw new Error(`upstream fixtures have no ${dir}`);
        for (const file of readdirSync(dir)
          .filter((f) => f.endsWith(".yaml"))
          .sort()) {
          const pod = parse(readFileSync(path.join(dir, file), "utf8")) as Fixture["pod"];
          out.push({ level, version, expect, name: file.replace(/\.yaml$/, ""), pod });
        }
      }
    }
  }
  return out;
}

const key = (f: Fixture) => `${f.level}/v1.${f.version}/${f.expect}/${f.name}`;

/** Fixtures on which the shared implementation disagrees with upstream. */
export function sharedDisagreements(fixtures: Fixture[]): string[] {
  return fixtures.flatMap((f) => {
    const violations = checkPod({ level: f.level, version: f.version }, f.pod);
    const passed = violations.length === 0;
    return passed === (f.expect === "pass")
      ? []
      : [`${key(f)}: ${passed ? "admitted" : violations.map((v) => `${v.check} at ${v.path}`).join("; ")}`];
  });
}

/** The fixtures as one stack: a namespace per level and version, each pod a Pod resource in it. */
export function fixtureStack(fixtures: Fixture[]): {
  resources: EvaluatedResource[];
  urnOf: Map<Fixture, string>;
} {
  const resources: EvaluatedResource[] = [];
  const urnOf = new Map<Fixture, string>();
  const namespaces = new Set<string>();
  for (const f of fixtures) {
    const namespace = `${f.level}-v1-${f.version}`;
    if (!namespaces.has(namespace)) {
      namespaces.add(namespace);
      resources.push({
        urn: `urn:pulumi:psa::fixtures::kubernetes:core/v1:Namespace::${namespace}`,
        type: "kubernetes:core/v1:Namespace",
        name: namespace,
        props: {
          apiVersion: "v1",
          kind: "Namespace",
          metadata: {
            name: namespace,
            labels: {
              "pod-security.kubernetes.io/enforce": f.level,
              "pod-security.kubernetes.io/enforce-version": `v1.${f.version}`,
            },
          },
        },
      });
    }
    const name = `${namespace}-${f.expect}-${f.name}`;
    const urn = `urn:pulumi:psa::fixtures::kubernetes:core/v1:Pod::${name}`;
    urnOf.set(f, urn);
    resources.push({
      urn,
      type: "kubernetes:core/v1:Pod",
      name,
      props: { ...f.pod, metadata: { ...(f.pod.metadata ?? {}), namespace } },
    });
  }
  return { resources, urnOf };
}

/** Fixtures on which the pack's Pod Security policy disagrees with upstream. */
export async function packDisagreements(fixtures: Fixture[]): Promise<string[]> {
  const { resources, urnOf } = fixtureStack(fixtures);
  const policy = policies.filter((p) => p.name === "k8s-workload-pod-security");
  const violations = await evaluatePolicies(resources, { policies: policy });
  const refused = new Map<string, string[]>();
  for (const v of violations) {
    if (!v.urn) continue;
    refused.set(v.urn, [...(refused.get(v.urn) ?? []), v.message]);
  }
  return fixtures.flatMap((f) => {
    const messages = refused.get(urnOf.get(f)!) ?? [];
    const passed = messages.length === 0;
    return passed === (f.expect === "pass")
      ? []
      : [`${key(f)}: ${passed ? "admitted" : messages.join(" | ")}`];
  });
}

/** `pass`/`fail` counts per level, for the printed summary. */
function counts(fixtures: Fixture[]): string {
  const by = (level: string, expect: string) =>
    fixtures.filter((f) => f.level === level && f.expect === expect).length;
  return `baseline ${by("baseline", "pass")} pass + ${by("baseline", "fail")} fail, restricted ${by("restricted", "pass")} pass + ${by("restricted", "fail")} fail`;
}

async function main(): Promise<number> {
  const fixtures = loadFixtures(upstreamModuleDir());
  const shared = sharedDisagreements(fixtures);
  const pack = await packDisagreements(fixtures);
  const agreement = (wrong: string[]) =>
    `${fixtures.length - wrong.length}/${fixtures.length} (${(((fixtures.length - wrong.length) / fixtures.length) * 100).toFixed(1)} %)`;
  console.log(
    `upstream Pod Security fixtures (${UPSTREAM_MODULE}), v1.${OLDEST_SUPPORTED_VERSION}-v1.${NEWEST_KNOWN_VERSION}: ${fixtures.length} pods (${counts(fixtures)})`,
  );
  console.log(`shared implementation agrees on ${agreement(shared)}`);
  console.log(`policy pack agrees on ${agreement(pack)}`);
  for (const line of shared) console.log(`  shared: ${line}`);
  for (const line of pack) console.log(`  pack: ${line}`);
  return shared.length + pack.length === 0 ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 2;
    },
  );
}
