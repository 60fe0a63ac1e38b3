/**
 * The teams whose reach is computed, and the principals each one starts from.
 *
 * Without a teams file they are read from the cluster itself, as the blueprint marks them: a
 * namespace labelled `aks-hardening.io/team: <team>` belongs to that team, and every Group or User
 * bound by a RoleBinding in one of its namespaces is one of its principals (a group bound in two
 * teams' namespaces is a principal of both, which is itself a cross-team link). Principals that hold
 * every right cluster-wide are the platform's and are not a team's entry point. With
 * `--teams <file>` ({"teams": [{"name", "namespaces", "groups"?, "users"?}]}) the file decides, for
 * clusters that carry no team labels (a default-style install).
 */
import { InputError } from "../exit-codes";
import { readJsonFile } from "../input-file";
import type { ClusterView } from "./cluster-view";
import type { Grant, Rbac, Subject } from "./rbac";
import { ALL } from "./rbac";

export interface Team {
  name: string;
  namespaces: string[];
  /** Groups and users (the team's people); the namespaces' service accounts are added as entry points too. */
  principals: Subject[];
}

export interface TeamsFile {
  teams: { name: string; namespaces: string[]; groups?: string[]; users?: string[] }[];
}

/** Every right, cluster-wide: the platform (cluster-admin), never a team's entry point. */
export function holdsEveryRight(grants: Grant[]): boolean {
  return grants.some(
    (g) =>
      g.scope === ALL &&
      g.rule.verbs.includes(ALL) &&
      g.rule.resources.includes(ALL) &&
      g.rule.apiGroups.includes(ALL),
  );
}

export function teamsFromCluster(view: ClusterView, rbac: Rbac): Team[] {
  const teams = new Map<string, Team>();
  for (const ns of view.namespaceNames()) {
    const team = view.teamOfNamespace(ns);
    if (!team) continue;
    const t = teams.get(team) ?? { name: team, namespaces: [], principals: [] };
    t.namespaces.push(ns);
    teams.set(team, t);
  }
  const platform = (s: Subject) => holdsEveryRight(rbac.grantsOf(s));
  for (const t of teams.values()) {
    const namespaces = new Set(t.namespaces);
    const seen = new Set<string>();
    for (const b of view.objects) {
      if (b.kind !== "RoleBinding" || !b.namespace || !namespaces.has(b.namespace)) continue;
      for (const raw of (Array.isArray(b.body.subjects) ? b.body.subjects : []) as Record<
        string,
        unknown
      >[]) {
        if (raw.kind !== "Group" && raw.kind !== "User") continue;
        const s: Subject = { kind: raw.kind, name: String(raw.name) };
        const key = `${s.kind}:${s.name}`;
        if (seen.has(key) || platform(s)) continue;
        seen.add(key);
        t.principals.push(s);
      }
    }
  }
  return [...teams.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export function readTeamsFile(file: string): Team[] {
  const doc = readJsonFile(file, "teams file") as Partial<TeamsFile>;
  if (typeof doc !== "object" || doc === null || !Array.isArray(doc.teams))
    throw new InputError(
      `teams file ${file}: expected {"teams": [...]}, got ${JSON.stringify(doc).slice(0, 80)}`,
    );
  return doc.teams.map((t, i) => {
    const where = `teams file ${file}: teams[${i}]`;
    if (typeof t?.name !== "string" || t.name === "")
      throw new InputError(`${where}.name: must be a non-empty string (got ${JSON.stringify(t?.name)})`);
    for (const key of ["namespaces", "groups", "users"] as const) {
      const v = t[key];
      if (v === undefined && key !== "namespaces") continue;
      if (!Array.isArray(v) || v.some((x) => typeof x !== "string"))
        throw new InputError(`${where}.${key}: must be a list of strings (got ${JSON.stringify(v)})`);
    }
    return {
      name: t.name,
      namespaces: [...t.namespaces],
      principals: [
        ...(t.groups ?? []).map((name): Subject => ({ kind: "Group", name })),
        ...(t.users ?? []).map((name): Subject => ({ kind: "User", name })),
      ],
    };
  });
}
