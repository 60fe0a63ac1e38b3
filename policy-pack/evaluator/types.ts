/** What the in-process evaluator takes and gives: resources as the engine sends them, violations as the CLI prints them. */
import type { PackPolicy } from "../policies/lib/metadata";

export interface EvaluatedResource {
  urn: string;
  type: string;
  name: string;
  props: Record<string, unknown>;
  parent?: string;
  dependencies?: string[];
  /** Provider reference `urn::id` (or a bare URN) of a provider resource in the same list. */
  provider?: string;
}

export interface PolicyViolation {
  policyName: string;
  description: string;
  enforcementLevel: "advisory" | "mandatory" | "remediate";
  severity: string;
  message: string;
  urn?: string;
  resourceType?: string;
  resourceName?: string;
  remediationSteps?: string;
  tags: string[];
}

export interface EvaluateOptions {
  /**
   * Same shape as a `pulumi preview --policy-pack-config` file:
   * `{ "all"?: level, "<policy-name>": level | { enforcementLevel?: level, ...config } }`.
   */
  config?: Record<string, unknown>;
  stackTags?: Record<string, string>;
  /** The policies to run; default: the whole pack. */
  policies?: PackPolicy[];
}
