/**
 * The rules that relate one configuration key to others, which a schema of single values cannot
 * say: production and create-mode requirements, unique pool names, a pool for every pod-identity
 * team, nothing named after the identity namespace, and the cross-team isolation rules
 * (`conventions/isolation.ts`).
 *
 * They run on what the schema made of the input even when it found problems (every problem at
 * once), so they read it through `Parsed`, which hands out a value only where the schema raised no
 * problem at that key or above it: a malformed name never joins a uniqueness rule, and a wrong-typed
 * team is not read at all.
 */
import {
  isolationProblems,
  type Declared,
  type TenantIdentity,
  type TenantTeam,
} from "../../conventions/isolation";
import { IDENTITY_NAMESPACE_TAKEN, parseIpv4Cidr } from "../../conventions/formats";
import { PRODUCTION_TIERS } from "./defaults";
import type { Problem } from "../../conventions/problems";
import { isPlainObject, parseJsonText } from "./schema-kit";

/** A key path as zod gives it: `["teams", 0, "name"]`. */
export type Path = readonly PropertyKey[];

/** `teams[0].name` for `["teams", 0, "name"]`. */
export function keyOf(path: Path): string {
  return path.reduce<string>(
    (key, part) =>
      typeof part === "number" ? `${key}[${part}]` : key === "" ? String(part) : `${key}.${String(part)}`,
    "",
  );
}

/** The schema's output read only where it is sound. */
export class Parsed {
  constructor(
    private readonly value: unknown,
    private readonly input: unknown,
    private readonly problemPaths: readonly Path[],
  ) {}

  /** Whether no problem was found at `path` or at any key above it. */
  sound(path: Path): boolean {
    return !this.problemPaths.some((p) => p.length <= path.length && p.every((part, i) => part === path[i]));
  }

  /** Whether a problem was found at `path` or anywhere under it. */
  reportedUnder(path: Path): boolean {
    return this.problemPaths.some((p) => p.length >= path.length && path.every((part, i) => part === p[i]));
  }

  /** The value at `path` when sound and of the type `is` accepts, else `undefined`. */
  get<T>(path: Path, is: (v: unknown) => v is T): T | undefined {
    if (!this.sound(path)) return undefined;
    const found = walk(this.value, path);
    return is(found) ? found : undefined;
  }

  /** The indices of the list at `path` (each item is then judged on its own). */
  indices(path: Path): number[] {
    const found = walk(this.value, path);
    return Array.isArray(found) ? found.map((_, i) => i) : [];
  }

  /** The input as given at `path` (for problems that show what the user wrote, absent keys included). */
  given(path: Path): unknown {
    // Read as the schema reads it: an object or list may be JSON text at any level.
    return walk(this.input, path, parseJsonText);
  }
}

function walk(value: unknown, path: Path, read: (v: unknown) => unknown = (v) => v): unknown {
  let here = read(value);
  for (const part of path) {
    if (typeof here !== "object" || here === null) return undefined;
    here = read((here as Record<PropertyKey, unknown>)[part]);
  }
  return here;
}

const isString = (v: unknown): v is string => typeof v === "string";
const isBoolean = (v: unknown): v is boolean => typeof v === "boolean";
const isArray = (v: unknown): v is unknown[] => Array.isArray(v);

/** The sound strings of the list at `path`, each with its key. */
function declaredStrings(parsed: Parsed, path: Path): Declared[] {
  return parsed.indices(path).flatMap((i) => {
    const value = parsed.get([...path, i], isString);
    return value === undefined ? [] : [{ value, key: keyOf([...path, i]) }];
  });
}

/** Every cross-field problem of a configuration the schema has read (see the module comment); `stack` names the environment, and a `prod*` stack must set `production`. */
export function crossFieldProblems(parsed: Parsed, stack: string): Problem[] {
  const problems: Problem[] = [];
  const report = (path: Path, value: unknown, message: string) =>
    problems.push({ key: keyOf(path), value, message });

  const production = parsed.get(["production"], isBoolean) ?? false;
  if (!production && /^prod/i.test(stack) && parsed.sound(["production"]))
    report(
      ["production"],
      parsed.given(["production"]),
      `stack "${stack}" looks like production; set production: true`,
    );

  const mode = parsed.get(["clusterMode"], isString);
  if (mode === undefined) return problems; // the mode decides what every other key means
  const createMode = mode === "create";
  const identityNamespace = parsed.get(["podIdentity", "namespace"], isString);
  const isolateNodes = parsed.get(["podIdentity", "isolateNodes"], isBoolean) ?? false;

  // The cluster's own pools: unique names, and in production (create mode) zone-redundant.
  const poolPaths: Path[] = [
    ["cluster", "systemPool"],
    ...parsed.indices(["cluster", "userPools"]).map((i) => ["cluster", "userPools", i]),
  ];
  const clusterPools: Declared[] = [];
  for (const path of poolPaths) {
    const name = parsed.get([...path, "name"], isString);
    if (name === undefined) continue;
    const first = clusterPools.find((p) => p.value === name);
    if (first) report([...path, "name"], name, `is already used by ${first.key}`);
    else clusterPools.push({ value: name, key: keyOf([...path, "name"]) });
  }

  const ranges = parsed.get(["cluster", "authorizedIpRanges"], isArray);
  if (production) {
    parsed.indices(["cluster", "authorizedIpRanges"]).forEach((i) => {
      const range = parsed.get(["cluster", "authorizedIpRanges", i], isString);
      const cidr = range === undefined ? undefined : parseIpv4Cidr(range);
      if (typeof cidr === "object" && cidr.prefixLength === 0)
        report(
          ["cluster", "authorizedIpRanges", i],
          range,
          "opens the API server to the whole internet; not allowed in production",
        );
    });
    const emails = parsed.get(["monitoring", "alertEmails"], isArray);
    if (emails?.length === 0 && !parsed.reportedUnder(["monitoring", "alertEmails"]))
      report(
        ["monitoring", "alertEmails"],
        parsed.given(["monitoring", "alertEmails"]),
        "must name at least one receiver in production: an unread alert protects no one",
      );
  }

  // The rules below judge a cluster the blueprint creates; in `existing` mode it creates none.
  if (createMode && parsed.sound(["cluster"])) {
    const privateCluster = parsed.get(["cluster", "privateCluster"], isBoolean) ?? false;
    if (!privateCluster && ranges?.length === 0 && !parsed.reportedUnder(["cluster", "authorizedIpRanges"]))
      report(
        ["cluster", "authorizedIpRanges"],
        parsed.given(["cluster", "authorizedIpRanges"]),
        "must list the CIDRs allowed to reach the public API server (or set cluster.privateCluster: true)",
      );
    if (production) {
      const tier = parsed.get(["cluster", "tier"], isString);
      if (tier !== undefined && !(PRODUCTION_TIERS as readonly string[]).includes(tier))
        report(
          ["cluster", "tier"],
          tier,
          "must be Standard or Premium in production (Free has no uptime SLA)",
        );
      if (parsed.get(["cluster", "defender"], isBoolean) === false)
        report(
          ["cluster", "defender"],
          parsed.given(["cluster", "defender"]),
          "must be true in production (Microsoft Defender for Containers)",
        );
      for (const path of poolPaths) zoneRedundancy(parsed, path, report);
    }
  }

  const teams = parsed.indices(["teams"]).flatMap((t) => {
    const path: Path = ["teams", t];
    if (!parsed.get(path, isPlainObject)) return [];
    if (createMode && production && parsed.get([...path, "nodePool"], isPlainObject))
      zoneRedundancy(parsed, [...path, "nodePool"], report);
    const name = parsed.get([...path, "name"], isString);
    const identityMode = parsed.get([...path, "identityMode"], isString);
    if (isolateNodes && identityMode === "pod-identity" && parsed.given([...path, "nodePool"]) === undefined)
      report(
        [...path, "nodePool"],
        undefined,
        `is required: team "${givenName(parsed, path)}" uses pod identity and podIdentity.isolateNodes is on, so its identities may only be assigned to a pool of its own (${createMode ? "give name, vmSize, minCount and maxCount" : "name the pool the team already has: { name: <pool> }"}); set podIdentity.isolateNodes: false to share nodes`,
      );
    return [tenantTeam(parsed, path, name)];
  });

  // No team and no team namespace may take the identity namespace's name.
  if (identityNamespace !== undefined) {
    for (const team of teams) {
      for (const declared of [{ value: team.name, key: `${team.key}.name` }, ...team.namespaces]) {
        if (declared.value === identityNamespace)
          problems.push({
            key: declared.key,
            value: declared.value,
            message: IDENTITY_NAMESPACE_TAKEN,
          });
      }
    }
  }
  const isIdentityNamespace = (d: Declared) => d.value === identityNamespace;

  problems.push(
    ...isolationProblems({
      teams: teams.map((team) => ({
        ...team,
        name: team.name === identityNamespace ? "" : team.name,
        namespaces: team.namespaces.filter((d) => !isIdentityNamespace(d)),
      })),
      privilegedGroups: [
        ...declaredStrings(parsed, ["cluster", "adminGroupIds"]),
        ...declaredStrings(parsed, ["platformGroupIds"]),
      ],
      privilegedNamespaces: declaredStrings(parsed, ["guardrails", "privilegedNamespaces"]),
      // In create mode the cluster's own pools share the name space with the teams' pools; in
      // existing mode the blueprint declares none (it ignores the cluster pool settings).
      clusterPools: createMode ? clusterPools : [],
    }),
  );
  return problems;
}

/** The team's name as written, for messages (even when malformed). */
function givenName(parsed: Parsed, team: Path): string {
  const name = parsed.given([...team, "name"]);
  return typeof name === "string" ? name : "";
}

function zoneRedundancy(
  parsed: Parsed,
  pool: Path,
  report: (path: Path, value: unknown, message: string) => void,
): void {
  const zones = parsed.get([...pool, "zones"], isArray);
  // Distinct well-formed zones only: a misspelt or repeated zone is its own problem, not a second one.
  const distinct = new Set(declaredStrings(parsed, [...pool, "zones"]).map((z) => z.value));
  if (zones !== undefined && distinct.size < 2 && !parsed.reportedUnder([...pool, "zones"]))
    report([...pool, "zones"], zones, "must span at least 2 availability zones in production");
}

/** A team's sound declarations, for the isolation rules. */
function tenantTeam(parsed: Parsed, path: Path, name: string | undefined): TenantTeam {
  const resourceGroupId = parsed.get([...path, "resourceGroupId"], isString);
  const nodePool = parsed.get([...path, "nodePool", "name"], isString);
  const identities = parsed.indices([...path, "identities"]).flatMap((i): TenantIdentity[] => {
    const at: Path = [...path, "identities", i];
    if (!parsed.get(at, isPlainObject)) return [];
    const identityName = parsed.get([...at, "name"], isString) ?? "";
    const clientId = parsed.get([...at, "existing", "clientId"], isString);
    const resourceId = parsed.get([...at, "existing", "resourceId"], isString);
    const serviceAccount =
      parsed.given([...at, "serviceAccount"]) === undefined
        ? identityName
        : (parsed.get([...at, "serviceAccount"], isString) ?? "");
    return [
      {
        key: keyOf(at),
        name: identityName,
        namespace: parsed.get([...at, "namespace"], isString) ?? "",
        serviceAccount,
        ...(clientId !== undefined
          ? { clientId: { value: clientId, key: keyOf([...at, "existing", "clientId"]) } }
          : {}),
        ...(resourceId !== undefined
          ? { resourceId: { value: resourceId, key: keyOf([...at, "existing", "resourceId"]) } }
          : {}),
      },
    ];
  });
  return {
    key: keyOf(path),
    name: name ?? "",
    developerGroupIds: declaredStrings(parsed, [...path, "developerGroupIds"]),
    namespaces: declaredStrings(parsed, [...path, "namespaces"]),
    identities,
    ...(resourceGroupId !== undefined
      ? { resourceGroupId: { value: resourceGroupId, key: keyOf([...path, "resourceGroupId"]) } }
      : {}),
    ...(nodePool !== undefined
      ? { nodePool: { value: nodePool, key: keyOf([...path, "nodePool", "name"]) } }
      : {}),
  };
}
