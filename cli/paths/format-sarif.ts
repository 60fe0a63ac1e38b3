/**
 * SARIF 2.1.0 for code scanning: one result per cross-team reach (a team that can become an
 * identity it does not own), located at the stack file and, logically, at the URN of the object
 * whose edge cuts it. One rule per threat scenario the cutting edge belongs to, plus a general one.
 */
import type { Reach } from "./analyze";
import { pathText } from "./analyze";

const GENERAL = "attack-path/cross-team-identity";

function ruleIdOf(r: Reach): string {
  const scenario = r.path.find((e) => e.scenario)?.scenario;
  return scenario ? `attack-path/${scenario}` : GENERAL;
}

export function attackPathSarif(
  findings: Reach[],
  options: { artifactUri: string; toolVersion: string },
): object {
  const ruleIds = [...new Set([GENERAL, ...findings.map(ruleIdOf)])].sort();
  const rules = ruleIds.map((id) => {
    const text =
      id === GENERAL
        ? "A team's principals or pods can obtain a token of a managed identity another team (or the platform) owns."
        : `A team can obtain another team's identity through threat-model scenario ${id.split("/")[1]}.`;
    return {
      id,
      name: id,
      shortDescription: { text },
      fullDescription: { text },
      help: { text: "Cut the edge named in the result (its control), then re-run `npm run paths`." },
      defaultConfiguration: { level: "error" },
      properties: { tags: ["security", "attack-path"], precision: "high", "security-severity": "9.0" },
    };
  });
  const results = findings.map((r) => {
    const urn = r.cut.sources[0] ?? r.path[0].sources[0] ?? r.identity.id;
    return {
      ruleId: ruleIdOf(r),
      ruleIndex: ruleIds.indexOf(ruleIdOf(r)),
      level: "error",
      message: {
        text: `Team ${r.team} can become ${r.identity.label} (owner ${r.owner}) in ${r.path.length} hops: ${pathText(r.path)}. Cut by: ${r.cut.control}`,
      },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: options.artifactUri }, region: { startLine: 1 } },
          logicalLocations: [
            { fullyQualifiedName: urn, name: urn.split("::").pop() ?? urn, kind: "resource" },
          ],
        },
      ],
      partialFingerprints: { "teamAndIdentity/v1": `${r.team}|${r.identity.id}` },
      properties: { team: r.team, owner: r.owner, hops: r.path.length, edgeKinds: r.path.map((e) => e.kind) },
    };
  });
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "aks-hardening-attack-paths", semanticVersion: options.toolVersion, rules } },
        results,
      },
    ],
  };
}
