/**
 * What the threat registry must satisfy against the layers it names, as a pure function so that
 * the test can show each rule failing on a registry with a hole in it.
 */
import type { ThreatControl, ThreatScenario } from "../../conventions/threats";
import type { Attempt } from "../e2e/support/scenarios";

export interface Registry {
  controls: Record<string, ThreatControl>;
  scenarios: ThreatScenario[];
  reminders: Record<string, string>;
}

/** What the layers really hold. */
export interface Layers {
  packPolicies: string[];
  admissionPolicies: string[];
  /** `<path under components/> <export>` for every component the registry may name. */
  componentExists: (component: string) => boolean;
  /** The attack suite (every attempt the e2e run makes). */
  attacks: Attempt[];
}

const refusedByPolicies = (a: Attempt): string[] =>
  a.hardened !== "allowed" && a.hardened.refusedBy === "admission-policy" ? a.hardened.policies : [];

export function registryProblems(registry: Registry, layers: Layers): string[] {
  const problems: string[] = [];
  const controls = Object.entries(registry.controls);
  const inScenario = (id: string) => registry.scenarios.filter((s) => (s.controls as string[]).includes(id));

  for (const [id, c] of controls) {
    if (inScenario(id).length === 0) problems.push(`control ${id}: answers no scenario`);
    if (!layers.componentExists(c.component)) problems.push(`control ${id}: no component ${c.component}`);
    for (const p of c.pack)
      if (!layers.packPolicies.includes(p)) problems.push(`control ${id}: no pack policy ${p}`);
    for (const p of c.admission)
      if (!layers.admissionPolicies.includes(p)) problems.push(`control ${id}: no admission policy ${p}`);
    if (c.pack.length === 0 && !c.noPack) problems.push(`control ${id}: no pack policy and no reason`);
    if (c.admission.length === 0 && !c.noAdmission)
      problems.push(`control ${id}: no admission policy and no reason`);
    // Every admission policy of the control is named by an attack of its scenarios that the hardened
    // cluster must refuse (an attack may accept any of several policies: the server reports one).
    const scenarios = inScenario(id).map((s) => s.id);
    for (const p of c.admission) {
      const shown = layers.attacks.some(
        (a) => scenarios.includes(a.scenario) && refusedByPolicies(a).includes(p),
      );
      if (!shown) problems.push(`control ${id}: no e2e attack of its scenarios is refused by ${p}`);
    }
  }
  for (const s of registry.scenarios) {
    for (const c of s.controls) if (!(c in registry.controls)) problems.push(`${s.id}: unknown control ${c}`);
    const mine = s.controls.map((c) => registry.controls[c]).filter((c) => c !== undefined);
    if (!mine.some((c) => c.pack.length > 0)) problems.push(`${s.id}: no control with a pack policy`);
    if (!mine.some((c) => c.admission.length > 0))
      problems.push(`${s.id}: no control with an admission policy`);
    if (!layers.attacks.some((a) => a.scenario === s.id && a.hardened !== "allowed"))
      problems.push(`${s.id}: no e2e attack refused on the hardened cluster`);
  }
  const guarded = new Set(controls.flatMap(([, c]) => c.pack));
  for (const p of layers.packPolicies)
    if (!guarded.has(p) && !(p in registry.reminders))
      problems.push(`pack policy ${p}: guards no control of the registry`);
  const enforced = new Set(controls.flatMap(([, c]) => c.admission));
  for (const p of layers.admissionPolicies)
    if (!enforced.has(p)) problems.push(`admission policy ${p}: enforces no control of the registry`);
  for (const a of layers.attacks)
    for (const p of refusedByPolicies(a))
      if (!layers.admissionPolicies.includes(p))
        problems.push(`e2e attack "${a.attempt}": unknown policy ${p}`);
  return problems;
}
