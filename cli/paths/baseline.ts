/**
 * `--baseline old.json`: the reaches whose path an earlier `attack-paths.json` did not have (a
 * path is its team, identity and hops), so a pull request shows only what it opens.
 */
import { InputError } from "../exit-codes";
import { readJsonFile } from "../input-file";
import type { Analysis, Reach } from "./analyze";
import { reachKey } from "./analyze";
import { ATTACK_PATHS_VERSION } from "./format-json";

export function readBaselineKeys(file: string): Set<string> {
  const doc = readJsonFile(file, "baseline") as { version?: unknown; teams?: unknown };
  if (
    typeof doc !== "object" ||
    doc === null ||
    doc.version !== ATTACK_PATHS_VERSION ||
    !Array.isArray(doc.teams)
  )
    throw new InputError(
      `baseline ${file}: not an attack-paths.json of version ${ATTACK_PATHS_VERSION} (got version ${JSON.stringify((doc as { version?: unknown })?.version)})`,
    );
  const keys = new Set<string>();
  for (const t of doc.teams as { reaches?: { key?: unknown }[] }[])
    for (const r of t.reaches ?? []) if (typeof r.key === "string") keys.add(r.key);
  return keys;
}

export function newReaches(analysis: Analysis, baseline: Set<string>): Set<Reach> {
  return new Set(analysis.teams.flatMap((t) => t.reaches).filter((r) => !baseline.has(reachKey(r))));
}
