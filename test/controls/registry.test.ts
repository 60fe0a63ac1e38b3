/**
 * The control registry's meta-test on the recorded dev stack: every setting the PodIdentity
 * component declares on NMI and MIC has a registry entry, every guard is a policy of the pack, and
 * every weakening of a guarded setting makes its guard report a mandatory violation, while the
 * unmutated stack has none.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { toEvaluated } from "../../cli/resources";
import { evaluatePolicies, EvaluatedResource } from "../../policy-pack/evaluate";
import { policies } from "../../policy-pack/policies";
import { runStack } from "../stacks/whole-program";
import {
  hasPath,
  isGuardedProperty,
  leafPaths,
  PROPERTY_REGISTRY,
  REGISTERED_ELSEWHERE,
  REGISTERED_KINDS,
} from "./property-registry";
import { CONTROL_REGISTRY, ContainerUnderTest, isGuarded } from "./registry";

const config = JSON.parse(
  readFileSync(join(__dirname, "..", "..", "policy-pack", "config", "dev.json"), "utf8"),
) as Record<string, unknown>;

let resources: EvaluatedResource[];
beforeAll(async () => {
  resources = toEvaluated((await runStack("dev")).resources);
}, 120_000);

/** The NMI or MIC container of a copy of the stack (found by its image). */
function containerOf(rs: EvaluatedResource[], component: "nmi" | "mic"): ContainerUnderTest {
  for (const r of rs) {
    const spec = r.props.spec as { template?: { spec?: { containers?: { image?: string }[] } } } | undefined;
    const containers = spec?.template?.spec?.containers ?? [];
    const found = containers.find((c) => c.image?.includes(`/aad-pod-identity/${component}:`));
    if (found) {
      const c = found as ContainerUnderTest;
      c.args ??= [];
      c.env ??= [];
      return c;
    }
  }
  throw new Error(`the dev stack has no ${component} container`);
}

/** `<component> <flag or env var>` for every flag and env var the component declares. */
function declaredSettings(rs: EvaluatedResource[]): string[] {
  return (["nmi", "mic"] as const).flatMap((component) => {
    const c = containerOf(rs, component);
    return [
      ...c.args.map((a) => `${component} ${/^(--?[A-Za-z][\w.-]*)/.exec(a)?.[1] ?? a}`),
      ...c.env.map((e) => `${component} ${e.name}`),
    ];
  });
}

const mandatory = async (rs: EvaluatedResource[]) =>
  (await evaluatePolicies(rs, { config })).filter((v) => v.enforcementLevel === "mandatory");

describe("control registry", () => {
  it("has an entry for every setting the component declares on NMI and MIC", () => {
    const registered = new Set(CONTROL_REGISTRY.map((e) => e.setting));
    const declared = declaredSettings(resources);
    expect(declared.length).toBeGreaterThan(10);
    expect(declared.filter((s) => !registered.has(s))).toEqual([]);
    // ... and no entry for a setting the component no longer declares (unless it must stay absent).
    const stale = CONTROL_REGISTRY.filter(
      (e) => !declared.includes(e.setting) && !(isGuarded(e) && e.absent),
    );
    expect(stale.map((e) => e.setting)).toEqual([]);
    expect(
      declared.filter((s) => CONTROL_REGISTRY.some((e) => e.setting === s && isGuarded(e) && e.absent)),
    ).toEqual([]);
  });

  it("names only guards that are policies of the pack", () => {
    const names = new Set(policies.map((p) => p.name));
    expect(CONTROL_REGISTRY.filter(isGuarded).filter((e) => !names.has(e.guard))).toEqual([]);
  });

  it("the unmutated dev stack has no mandatory violation", async () => {
    expect((await mandatory(resources)).map((v) => `${v.policyName}: ${v.message}`)).toEqual([]);
  });

  const cases = CONTROL_REGISTRY.filter(isGuarded).flatMap((entry) =>
    entry.weakenings.map((w) => [entry.setting, w.name, entry.guard, w] as const),
  );
  it.each(cases)("%s weakened (%s) is refused by %s", async (setting, _name, guard, weakening) => {
    const copy = structuredClone(resources);
    weakening.apply(containerOf(copy, setting.split(" ")[0] as "nmi" | "mic"));
    const refused = (await mandatory(copy)).filter((v) => v.policyName === guard);
    expect(refused.length).toBeGreaterThan(0);
  });
});

describe("control registry: declared properties", () => {
  const kindOf = (r: EvaluatedResource) => r.type.split(":").pop()!;
  const declaredProperties = (rs: EvaluatedResource[]) =>
    [
      ...new Set(
        rs
          .filter((r) => (REGISTERED_KINDS as readonly string[]).includes(kindOf(r)))
          .flatMap((r) => leafPaths(r.props).map((p) => `${kindOf(r)} ${p}`))
          .filter((s) => !REGISTERED_ELSEWHERE.test(s)),
      ),
    ].sort();

  it("has an entry for every leaf the components declare on the registered kinds, and none stale", () => {
    const declared = declaredProperties(resources);
    expect(declared.length).toBeGreaterThan(60);
    const registered = new Set(PROPERTY_REGISTRY.map((e) => e.setting));
    expect(declared.filter((s) => !registered.has(s))).toEqual([]);
    expect([...registered].filter((s) => !declared.includes(s))).toEqual([]);
  });

  it("names only guards that are policies of the pack", () => {
    const names = new Set(policies.map((p) => p.name));
    expect(PROPERTY_REGISTRY.filter(isGuardedProperty).filter((e) => !names.has(e.guard))).toEqual([]);
  });

  const cases = PROPERTY_REGISTRY.filter(isGuardedProperty).flatMap((entry) =>
    entry.weakenings.map((w) => [entry.setting, w.name, entry.guard, entry, w] as const),
  );
  it.each(cases)("%s weakened (%s) is refused by %s", async (setting, _name, guard, entry, weakening) => {
    const copy = structuredClone(resources);
    const [kind, path] = [setting.slice(0, setting.indexOf(" ")), setting.slice(setting.indexOf(" ") + 1)];
    const target = copy.find(
      (r) => kindOf(r) === kind && hasPath(r.props, path) && (entry.target?.(r.props) ?? true),
    );
    if (!target) throw new Error(`the dev stack has no ${kind} with ${path}`);
    weakening.apply(target.props);
    const refused = (await mandatory(copy)).filter((v) => v.policyName === guard);
    expect(refused.map((v) => v.message).length).toBeGreaterThan(0);
  });
});
