/**
 * SARIF 2.1.0 output for code scanning. Rules are the pack's policies (so a clean run still
 * documents what was checked); each violation is a result located logically at its URN and
 * physically at the file that declared the stack, so the code host can show it in a pull request.
 */
import type { Policy } from "@pulumi/policy";
import type { PolicyViolation } from "../policy-pack/evaluate";
import { sortViolations } from "./format-table";

type SarifLevel = "error" | "warning" | "note";

/**
 * mandatory blocks the deployment -> error; a remediated or advisory finding of high/critical
 * severity -> warning; the rest -> note.
 */
export function sarifLevel(v: Pick<PolicyViolation, "enforcementLevel" | "severity">): SarifLevel {
  if (v.enforcementLevel === "mandatory") return "error";
  return v.severity === "critical" || v.severity === "high" ? "warning" : "note";
}

/** GitHub code scanning ranks security results by this number (0-10, as a string). */
const SECURITY_SEVERITY: Record<string, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "2.0" };

export interface SarifOptions {
  /** Repository-relative file that declared the stack (stack file or Pulumi.yaml). */
  artifactUri: string;
  toolVersion: string;
}

export function toSarif(
  violations: PolicyViolation[],
  policies: readonly Policy[],
  options: SarifOptions,
): object {
  const ruleIndex = new Map<string, number>();
  const rules = policies.map((p, i) => {
    ruleIndex.set(p.name, i);
    const level =
      p.enforcementLevel === "disabled"
        ? "none"
        : sarifLevel({
            enforcementLevel: p.enforcementLevel ?? "mandatory",
            severity: p.severity ?? "medium",
          });
    const help = [p.description, p.remediationSteps ? `Remediation: ${p.remediationSteps}` : ""]
      .filter(Boolean)
      .join("\n\n");
    return {
      id: p.name,
      name: p.name,
      shortDescription: { text: p.displayName ?? p.name },
      fullDescription: { text: p.description },
      help: { text: help, markdown: help },
      ...(p.url ? { helpUri: p.url } : {}),
      defaultConfiguration: { level },
      properties: {
        tags: ["security", ...(p.tags ?? [])],
        precision: "high",
        "security-severity": SECURITY_SEVERITY[p.severity ?? "medium"],
      },
    };
  });
  const results = sortViolations(violations).map((v) => {
    const index = ruleIndex.get(v.policyName);
    return {
      ruleId: v.policyName,
      ...(index !== undefined ? { ruleIndex: index } : {}),
      level: sarifLevel(v),
      message: {
        text: `${v.message}${v.remediationSteps ? ` Remediation: ${v.remediationSteps}` : ""}`,
      },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: options.artifactUri }, region: { startLine: 1 } },
          logicalLocations: [
            {
              fullyQualifiedName: v.urn ?? "(stack)",
              name: v.resourceName ?? v.urn ?? "(stack)",
              kind: "resource",
            },
          ],
        },
      ],
      // Stable across runs so code scanning tracks one alert per policy and resource.
      partialFingerprints: { "policyAndResource/v1": `${v.policyName}|${v.urn ?? ""}` },
      properties: { enforcementLevel: v.enforcementLevel, severity: v.severity, tags: v.tags },
    };
  });
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "aks-hardening-policy-pack",
            semanticVersion: options.toolVersion,
            rules,
          },
        },
        results,
      },
    ],
  };
}
