/**
 * What every policy of the pack must carry, enforced by the type system (and checked again by the
 * pack-wide test): a kebab-case name, a description, a severity, remediation steps and tags. A
 * policy file writes only its CIS AKS benchmark items as tags; `policies/index.ts` puts the threat
 * scenarios in front, read from the threat registry (`conventions/threats.ts`), never written here.
 */
import type { ResourceValidationPolicy, Severity, StackValidationPolicy } from "@pulumi/policy";

interface Metadata {
  severity: Severity;
  remediationSteps: string;
  tags: string[];
}

export type PackResourcePolicy = ResourceValidationPolicy & Metadata;
export type PackStackPolicy = StackValidationPolicy & Metadata;
export type PackPolicy = PackResourcePolicy | PackStackPolicy;

/**
 * A CIS AKS benchmark item, as encoded by kube-bench `cfg/aks-1.7` (policies.yaml,
 * managedservices.yaml). Only items read there are used.
 */
export type CisItem =
  | "4.1.1"
  | "4.1.2"
  | "4.1.3"
  | "4.1.4"
  | "4.2.1"
  | "4.2.2"
  | "4.2.3"
  | "4.2.4"
  | "4.2.5"
  | "4.4.2"
  | "4.6.1"
  | "4.6.3"
  | "5.1.1"
  | "5.1.4"
  | "5.2.1"
  | "5.4.1"
  | "5.4.2"
  | "5.4.3"
  | "5.4.4"
  | "5.5.1"
  | "5.5.2";

/** A policy's CIS AKS items as tags (`cis-aks-1.7:<item>`). */
export function cisTags(cis: CisItem[]): string[] {
  return cis.map((item) => `cis-aks-1.7:${item}`);
}
