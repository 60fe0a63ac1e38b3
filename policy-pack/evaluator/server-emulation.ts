/**
 * The parts of `@pulumi/policy` 1.21.0's policy server that a validation can observe: the
 * `notApplicable` escape, the type fast path (`__pulumiType`) behind `isType`/`asType`, resource
 * options, frozen stack tags, the violation record, and how an unknown value or a thrown error is
 * reported. `evaluate.ts` calls policies through these, so a policy sees what `pulumi preview`
 * would show it.
 */
import type { PolicyResourceOptions } from "@pulumi/policy";
import { StacklessError, UnknownValueError } from "../policies/lib/policy-runtime";
import type { PackPolicy, PackStackPolicy } from "../policies/lib/metadata";
import type { ResolvedPolicy } from "./config";
import type { EvaluatedResource, PolicyViolation } from "./types";

/** Thrown by `notApplicable`, like the server's private NotApplicableError (without a stack trace). */
class NotApplicable extends StacklessError {}

export function notApplicable(reason?: string): never {
  throw new NotApplicable(reason);
}

export function typeOfClass(resourceClass: unknown): string | undefined {
  const type = (resourceClass as { __pulumiType?: unknown } | undefined)?.__pulumiType;
  return typeof type === "string" && type !== "" ? type : undefined;
}

export function isTypeOf(type: string, resourceClass: unknown): boolean {
  const classType = typeOfClass(resourceClass);
  if (classType) return type === classType;
  const isInstance = (resourceClass as { isInstance?: (o: unknown) => boolean }).isInstance;
  return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

export function freezeTags(tags: Record<string, string>): ReadonlyMap<string, string> {
  return Object.freeze(new Map(Object.entries(tags)));
}

export function optionsOf(resource: EvaluatedResource): PolicyResourceOptions {
  return {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...(resource.parent ? { parent: resource.parent } : {}),
  };
}

export function violationOf(
  resolved: ResolvedPolicy,
  message: string,
  resource: EvaluatedResource | undefined,
  level: "advisory" | "mandatory" = resolved.level,
): PolicyViolation {
  const { policy } = resolved;
  return {
    policyName: policy.name,
    description: policy.description,
    enforcementLevel: level,
    severity: policy.severity,
    message,
    urn: resource?.urn,
    resourceType: resource?.type,
    resourceName: resource?.name,
    remediationSteps: policy.remediationSteps,
    tags: policy.tags,
  };
}

export function isStackPolicy(policy: PackPolicy): policy is PackStackPolicy {
  return typeof (policy as PackStackPolicy).validateStack === "function";
}

/** Runs a validation; unknowns become the server's advisory note, not-applicable is silent. */
export async function runGuarded(
  resolved: ResolvedPolicy,
  resource: EvaluatedResource | undefined,
  out: PolicyViolation[],
  run: () => void | Promise<void>,
): Promise<void> {
  try {
    const result = run();
    if (result) await result;
  } catch (e) {
    if (e instanceof UnknownValueError) {
      out.push(
        violationOf(
          resolved,
          `can't run policy '${resolved.policy.name}' during preview: ${e.message}`,
          resource,
          "advisory",
        ),
      );
    } else if (!(e instanceof NotApplicable)) {
      const where = resource ? ` on ${resource.urn}` : "";
      throw new Error(`policy '${resolved.policy.name}' failed${where}: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }
}
