/** The human report: per team reach, per identity who can become it, findings, assumptions. */
import type { Analysis, Reach } from "./analyze";
import { pathText } from "./analyze";
import type { ScenarioPath } from "./scenarios";

function reachLine(r: Reach): string[] {
  const scopes =
    r.scopes.length > 0 ? r.scopes.map((s) => `${s.role} on ${s.scope}`).join("; ") : "no Azure role known";
  return [
    `    - ${r.crossTeam ? "CROSS-TEAM " : ""}${r.identity.label} (owner ${r.owner}), ${r.path.length} hop${r.path.length === 1 ? "" : "s"}: ${pathText(r.path)}`,
    `      Azure: ${scopes}`,
    `      cut by: ${r.cut.control}`,
  ];
}

export function formatText(
  analysis: Analysis,
  subject: string,
  assumptions: string[],
  newOnly?: Set<Reach>,
  scenarios: ScenarioPath[] = [],
): string {
  const lines = [`aks-hardening attack paths: ${subject}`];
  for (const a of assumptions) lines.push(`assumption: ${a}`);
  lines.push("", `Per team (${analysis.teams.length})`);
  for (const t of analysis.teams) {
    const own = t.reaches.filter((r) => !r.crossTeam).length;
    const cross = t.reaches.length - own;
    lines.push(
      `  ${t.team} [${t.namespaces.join(", ")}]: ${
        cross === 0
          ? `reaches only its own identities (${own})`
          : `REACHES ${cross} IDENTIT${cross === 1 ? "Y" : "IES"} IT DOES NOT OWN (and ${own} of its own)`
      }`,
    );
    for (const r of t.reaches) if (!newOnly || newOnly.has(r)) lines.push(...reachLine(r));
  }
  lines.push("", `Per identity (${analysis.identities.length})`);
  for (const i of analysis.identities) {
    const who = i.principals.map((p) => `${p.node} (${p.teams.join(",")})`).join(", ") || "nobody";
    lines.push(`  ${i.identity.label} (owner ${i.owner}): ${who}`);
    if (i.cut.length > 0)
      lines.push(
        `    minimum cut against ${i.cutAgainst === "other-teams" ? "the other teams" : "everyone"} (${i.cut.length}):`,
        ...i.cut.map((e) => `      ${e.kind} ${e.from} -> ${e.to}: ${e.control}`),
      );
  }
  if (scenarios.length > 0) {
    lines.push("", "Threat-model scenarios open to a team (one path each)");
    for (const p of scenarios)
      lines.push(`  ${p.scenario} ${p.team} -> ${p.identity} (owner ${p.owner}): ${pathText(p.path)}`);
  }
  const findings = newOnly ? analysis.findings.filter((f) => newOnly.has(f)) : analysis.findings;
  lines.push(
    "",
    findings.length === 0
      ? `No team reaches an identity it does not own${newOnly ? " on a path the baseline lacks" : ""}.`
      : `${findings.length} cross-team reach${findings.length === 1 ? "" : "es"}${newOnly ? " not in the baseline" : ""}.`,
  );
  return `${lines.join("\n")}\n`;
}
