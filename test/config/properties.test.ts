/**
 * Property-based checks of config validation: any configuration built by the rules validates, and
 * any single name mutated into an invalid one is reported under that name's key.
 */
import fc from "fast-check";
import { validateConfig } from "../../infra/config/validate";
import { label, validConfig } from "./arbitraries";
import { mutated, problemsOf, type RawConfig } from "./fixtures";

/** Names that break DNS-1123 (every name kind) or are reserved (team and namespace names). */
const syntacticallyInvalid = fc.oneof(
  label.map((l) => l.toUpperCase()),
  label.map((l) => `${l}_x`),
  label.map((l) => `-${l}`),
  label.map((l) => `${l}.x`),
  fc.constant(""),
  fc.constant("x".repeat(64)),
);
const reserved = fc.oneof(
  fc.constant("default"),
  fc.constant("aad-pod-identity"),
  label.map((l) => `kube-${l}`),
);

type Slot = { key: string; set: (c: RawConfig, v: string) => void; reservable: boolean };

/** Every name in a config, with its key path and a setter. */
function nameSlots(config: RawConfig): Slot[] {
  const slots: Slot[] = [];
  config.teams.forEach((t: RawConfig, i: number) => {
    slots.push({ key: `teams[${i}].name`, set: (c, v) => (c.teams[i].name = v), reservable: true });
    t.namespaces.forEach((_: string, j: number) =>
      slots.push({
        key: `teams[${i}].namespaces[${j}]`,
        set: (c, v) => (c.teams[i].namespaces[j] = v),
        reservable: true,
      }),
    );
    t.identities.forEach((_: unknown, j: number) =>
      slots.push({
        key: `teams[${i}].identities[${j}].name`,
        set: (c, v) => (c.teams[i].identities[j].name = v),
        reservable: false,
      }),
    );
  });
  return slots;
}

describe("config validation properties", () => {
  it("accepts every configuration built by the rules and keeps its teams as given", () => {
    fc.assert(
      fc.property(validConfig, (raw) => {
        const config = validateConfig(raw, "dev");
        expect(config.teams.map((t) => [t.name, t.namespaces, t.identities.map((i) => i.namespace)])).toEqual(
          raw.teams.map((t: RawConfig) => [
            t.name,
            t.namespaces,
            t.identities.map((i: RawConfig) => i.namespace),
          ]),
        );
      }),
    );
  });

  it("reports any single name made invalid under that name's key, with the bad value", () => {
    fc.assert(
      fc.property(
        validConfig,
        fc.nat(),
        syntacticallyInvalid,
        reserved,
        fc.boolean(),
        (raw, pick, bad, reservedName, useReserved) => {
          const slots = nameSlots(raw);
          const slot = slots[pick % slots.length];
          const value = useReserved && slot.reservable ? reservedName : bad;
          const problems = problemsOf(mutated(raw, (c) => slot.set(c, value)));
          expect(problems).toContainEqual(expect.objectContaining({ key: slot.key, value }));
        },
      ),
    );
  });

  it("reports a namespace claimed by a second team under the second team's key", () => {
    const twoTeams = validConfig.filter((c) => c.teams.length >= 2);
    fc.assert(
      fc.property(twoTeams, fc.nat(), fc.nat(), (raw, from, to) => {
        const owner = from % raw.teams.length;
        const thief = (owner + 1 + (to % (raw.teams.length - 1))) % raw.teams.length;
        const stolen = raw.teams[owner].namespaces[0];
        const config = mutated(raw, (c) => c.teams[thief].namespaces.push(stolen));
        const key = `teams[${thief}].namespaces[${raw.teams[thief].namespaces.length}]`;
        const problem = problemsOf(config).find(
          (p) => p.key === key || p.key === `teams[${owner}].namespaces[0]`,
        );
        expect(problem?.value).toBe(stolen);
        expect(problem?.message).toMatch(/already owned by team/);
      }),
    );
  });
});
