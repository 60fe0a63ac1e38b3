/**
 * The threat registry against the layers it names: the pack, the admission policies, the components
 * and the attack suite. Each rule is also shown failing on a registry with the matching hole.
 */
import { existsSync } from "fs";
import { join } from "path";
import { guardrailPolicies } from "../../conventions/admission";
import {
  PACK_REMINDERS,
  scenariosOfAdmissionPolicy,
  scenariosOfPackPolicy,
  THREAT_CONTROLS,
  THREAT_SCENARIOS,
  type ThreatControl,
} from "../../conventions/threats";
import { policies } from "../../policy-pack/policies";
import { bypassAttempts } from "../e2e/support/bypasses";
import { attempts, micAttempts } from "../e2e/support/scenarios";
import { SETTINGS } from "../kubernetes/fixtures";
import { registryProblems, type Layers, type Registry } from "./registry-problems";

const COMPONENTS = join(__dirname, "..", "..", "components");

function componentExists(component: string): boolean {
  const [file, symbol] = component.split(" ");
  const path = join(COMPONENTS, file);
  if (!existsSync(path)) return false;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the registry names modules as strings
  const exported = (require(path) as Record<string, unknown>)[symbol];
  return typeof exported === "function";
}

const layers: Layers = {
  packPolicies: policies.map((p) => p.name),
  admissionPolicies: guardrailPolicies(SETTINGS).map((p) => p.name),
  componentExists,
  attacks: [...attempts(), ...bypassAttempts(), ...micAttempts()],
};

const registry = (): Registry =>
  structuredClone({
    controls: THREAT_CONTROLS as Record<string, ThreatControl>,
    scenarios: THREAT_SCENARIOS,
    reminders: PACK_REMINDERS,
  });

describe("threat registry", () => {
  it("names only real policies, components and attacks, and leaves no scenario without a layer", () => {
    expect(registryProblems(registry(), layers)).toEqual([]);
  });

  it("covers every policy of the pack and every admission policy", () => {
    expect(layers.packPolicies.length).toBeGreaterThan(40);
    expect(layers.admissionPolicies.length).toBeGreaterThan(14);
  });

  it("tags each pack policy and annotates each admission policy with the registry's scenarios", () => {
    for (const p of policies) {
      const scenarios = p.tags.filter((t) => /^S\d$/.test(t));
      expect([p.name, scenarios]).toEqual([p.name, scenariosOfPackPolicy(p.name)]);
      expect(scenarios.length).toBeGreaterThan(0);
    }
    for (const name of layers.admissionPolicies)
      expect(scenariosOfAdmissionPolicy(name).length).toBeGreaterThan(0);
  });

  // The same rules on registries with one hole each: every rule can fail.
  const holes: [string, (r: Registry, l: Layers) => void, RegExp][] = [
    [
      "a scenario whose controls have no pack policy",
      (r) => {
        r.scenarios = r.scenarios.map((s) => (s.id === "S5" ? { ...s, controls: ["status-writers"] } : s));
      },
      /^S5: no control with a pack policy$/,
    ],
    [
      "a scenario whose controls have no admission policy",
      (r) => {
        r.scenarios = r.scenarios.map((s) =>
          s.id === "S5" ? { ...s, controls: ["managed-identity-cluster"] } : s,
        );
      },
      /^S5: no control with an admission policy$/,
    ],
    [
      "a scenario no attack exercises",
      (_r, l) => void (l.attacks = l.attacks.filter((a) => a.scenario !== "S5")),
      /^S5: no e2e attack refused on the hardened cluster$/,
    ],
    [
      "a pack policy no control names",
      (r) => {
        r.controls["team-default-deny"].pack = [];
        r.controls["team-default-deny"].noPack = "x";
      },
      /^pack policy team-namespace-default-deny: guards no control/,
    ],
    [
      "an admission policy no control names",
      (r) => {
        r.controls["service-external-ips"].admission = [];
        r.controls["service-external-ips"].noAdmission = "x";
      },
      /^admission policy aks-hardening-service-external-ips: enforces no control/,
    ],
    [
      "a misspelt pack policy",
      (r) => void r.controls["api-server-access"].pack.push("aks-api-server-acess"),
      /^control api-server-access: no pack policy aks-api-server-acess$/,
    ],
    [
      "a component that does not exist",
      (r) => void (r.controls["api-server-access"].component = "azure/cluster.ts AksCluster"),
      /^control api-server-access: no component/,
    ],
    [
      "a control in no scenario",
      (r) => {
        r.scenarios = r.scenarios.map((s) => ({
          ...s,
          controls: s.controls.filter((c) => c !== "api-server-access"),
        }));
      },
      /^control api-server-access: answers no scenario$/,
    ],
    [
      "an admission policy no attack of the control's scenarios shows refusing",
      (r) => {
        r.scenarios = r.scenarios.map((s) => ({
          ...s,
          controls: s.controls.filter((c) => c !== "service-external-ips" || s.id === "S5"),
        }));
        r.scenarios.find((s) => s.id === "S5")!.controls.push("service-external-ips");
      },
      /^control service-external-ips: no e2e attack of its scenarios is refused/,
    ],
    [
      "a missing reason for an empty layer",
      (r) => void delete r.controls["status-writers"].noPack,
      /^control status-writers: no pack policy and no reason$/,
    ],
  ];
  it.each(holes)("finds %s", (_hole, punch, expected) => {
    const r = registry();
    const l = { ...layers };
    punch(r, l);
    const problems = registryProblems(r, l);
    expect(problems.some((p) => expected.test(p))).toBe(true);
  });
});
