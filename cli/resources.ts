/**
 * The one resource shape every input is read into (a recorded plan, a `pulumi stack export`, a
 * `pulumi preview --json`), so that evaluation, the summary and the threat report never care where
 * the resources came from.
 */
import type { EvaluatedResource } from "../policy-pack/evaluate";
import { unwrapSecrets } from "./secrets";

export interface PlannedResource {
  urn: string;
  /** Full type token, e.g. `kubernetes:core/v1:Namespace`. */
  type: string;
  /** `true` for provider-managed resources, `false` for components and the stack. */
  custom: boolean;
  /** Provider-assigned ID (a fake one under mocks). */
  id?: string;
  /** Parent URN; absent for the root stack. */
  parent?: string;
  /** URNs this resource depends on. */
  dependencies: string[];
  /** Provider reference `<provider urn>::<provider id>`. */
  provider?: string;
  /** Inputs as the engine received them (secrets may still be in their envelope). */
  inputs: Record<string, unknown>;
  /** Outputs, when the source has them. */
  outputs?: Record<string, unknown>;
}

/** Where the resources came from: shown in the output and used for SARIF locations. */
export interface ResourceSource {
  kind: "plan" | "stack-export" | "preview-json";
  /** Project and stack as read from the URNs (or the stack file). */
  project?: string;
  stack?: string;
  /** Repository-relative file that declared the stack (SARIF physical location). */
  sourceFile?: string;
}

/** `urn:pulumi:<stack>::<project>::<qualified type>::<name>`: the name may itself contain `::`. */
export function parseUrn(urn: string): { stack?: string; project?: string; name: string } {
  const parts = urn.split("::");
  if (parts.length < 4) return { name: urn };
  return {
    stack: parts[0].replace(/^urn:pulumi:/, ""),
    project: parts[1],
    name: parts.slice(3).join("::"),
  };
}

/** The evaluator's view: props are the plain inputs (as CrossGuard passes them to policies). */
export function toEvaluated(resources: PlannedResource[]): EvaluatedResource[] {
  return resources.map((r) => ({
    urn: r.urn,
    type: r.type,
    name: parseUrn(r.urn).name,
    props: unwrapSecrets(r.inputs) as Record<string, unknown>,
    parent: r.parent,
    dependencies: r.dependencies,
    provider: r.provider,
  }));
}

/** Project and stack named by the first URN that has them. */
export function identifyStack(resources: PlannedResource[]): { project?: string; stack?: string } {
  for (const r of resources) {
    const { project, stack } = parseUrn(r.urn);
    if (project && stack) return { project, stack };
  }
  return {};
}
