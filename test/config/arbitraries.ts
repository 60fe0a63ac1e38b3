/**
 * Generators of stack configurations that follow every rule (fast-check), shared by the config
 * properties and the program-level property "whatever validation accepts, the program deploys".
 */
import fc from "fast-check";
import { BUILT_IN_ROLES, FORBIDDEN_WORKLOAD_ROLES } from "../../conventions/roles";
import { validCreateConfig, type RawConfig } from "./fixtures";

export const label = fc.stringMatching(/^[a-z][a-z0-9]{0,9}$/);
const developerGroup = (index: number) => `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`;
const grantable = Object.keys(BUILT_IN_ROLES).filter((r) => !(r in FORBIDDEN_WORKLOAD_ROLES));

/** One team: namespaces prefixed with the team name, so every namespace is owned exactly once. */
export const team = (name: string, index: number) =>
  fc
    .record({
      namespaces: fc.uniqueArray(label, { minLength: 1, maxLength: 3 }),
      identityMode: fc.constantFrom("pod-identity", "workload-identity"),
      identities: fc.uniqueArray(
        fc.record({
          name: label,
          namespaceIndex: fc.nat(),
          roles: fc.subarray(grantable, { maxLength: 3 }),
          // A ServiceAccount name is a DNS-1123 subdomain: dots allowed (unique per identity).
          accountSuffix: fc.option(fc.constantFrom(".sa", "-sa", ".reader.v2"), { nil: undefined }),
        }),
        { maxLength: 3, selector: (i) => i.name },
      ),
    })
    .map(({ namespaces, identityMode, identities }) => {
      const owned = namespaces.map((ns) => `${name}-${ns}`);
      return {
        name,
        developerGroupIds: [developerGroup(index)], // each team its own group
        namespaces: owned,
        identityMode,
        identities: identities.map((i) => ({
          name: i.name,
          namespace: owned[i.namespaceIndex % owned.length],
          roles: i.roles,
          ...(i.accountSuffix === undefined ? {} : { serviceAccount: `${i.name}${i.accountSuffix}` }),
        })),
        // isolateNodes (default on): a pod-identity team has its own pool, named uniquely.
        ...(identityMode === "pod-identity"
          ? { nodePool: { name: `team${index}`, vmSize: "Standard_D4ds_v5", minCount: 1, maxCount: 3 } }
          : {}),
      };
    });

export const validConfig: fc.Arbitrary<RawConfig> = fc
  .uniqueArray(label, { minLength: 1, maxLength: 4 })
  .chain((names) => fc.tuple(...names.map((n, i) => team(`t-${n}`, i))))
  .map((teams) => ({ ...validCreateConfig(), teams }));
