/**
 * In-process evaluator: runs the pack's policies over a list of resources exactly as the policy
 * server would call them, without a Pulumi CLI or a gRPC server.
 *
 * What it reproduces from `@pulumi/policy` 1.21.0 `server.js`:
 * - props wrapped in the package's own `unknownCheckingProxy`, so an unknown read throws the same
 *   `UnknownValueError`, reported as an advisory "can't run policy ... during preview" (props with
 *   no unknown sentinel anywhere are passed as they are: the proxy could never act on them, and
 *   skipping it makes reads several times cheaper);
 * - the type fast path of `validateResourceOfType` (`__pulumiType`), `isType`/`asType`,
 *   `notApplicable`, `getConfig` (per policy, `enforcementLevel` removed), stack tags, the `provider`
 *   of each resource (resource and stack policies), and for stack policies `parent`/`dependencies`
 *   resolved to resource objects;
 * - enforcement levels: policy-specific config, then `all`, then the policy's own level, then the
 *   pack default (`mandatory`); `disabled` skips; `remediate` reports as `mandatory` (this pack has
 *   no remediations).
 * What it adds: `getConfig` returns schema defaults for settings the config leaves out, and the
 * config is validated up front (unknown policy, bad level, a value against the schema), with an
 * error naming the key and the value, as `pulumi preview --policy-pack-config` refuses a bad file.
 *
 * By job: `evaluator/config.ts` resolves the config, `evaluator/server-emulation.ts` is what the
 * server hands a validation, and this file is the loop over resources and stack policies.
 * `test/policy/analyzer-differential.test.ts` runs the same resources through `@pulumi/policy`'s
 * own analyzer server and compares the violations.
 */
import type {
  PolicyResource,
  ResourceValidation,
  ResourceValidationArgs,
  StackValidationArgs,
} from "@pulumi/policy";
import { containsUnknown, unknownCheckingProxy } from "./policies/lib/policy-runtime";
import type { Props } from "./policies/lib/judge";
import type { AppliesTo } from "./policies/lib/by-object";
import type { PackStackPolicy } from "./policies/lib/metadata";
import { policies as packPolicies } from "./policies";
import { resolvePolicyConfig, type ResolvedPolicy } from "./evaluator/config";
import {
  freezeTags,
  isStackPolicy,
  isTypeOf,
  notApplicable,
  optionsOf,
  runGuarded,
  typeOfClass,
  violationOf,
} from "./evaluator/server-emulation";
import type { EvaluatedResource, EvaluateOptions, PolicyViolation } from "./evaluator/types";

export { PolicyConfigError, resolvePolicyConfig } from "./evaluator/config";
export type { EvaluatedResource, EvaluateOptions, PolicyViolation } from "./evaluator/types";

/** Evaluates `resources` with the pack (or `options.policies`); see the module comment. */
export async function evaluatePolicies(
  resources: EvaluatedResource[],
  options: EvaluateOptions = {},
): Promise<PolicyViolation[]> {
  const resolved = resolvePolicyConfig(options.policies ?? packPolicies, options.config ?? {});
  const stackTags = freezeTags(options.stackTags ?? {});
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const proxied = new Map<EvaluatedResource, Props>();
  const propsOf = (r: EvaluatedResource): Props => {
    let props = proxied.get(r);
    if (!props) {
      // The proxy only ever acts on an unknown sentinel; props without one read the same unwrapped,
      // which spares a Proxy allocation per property read (see bench.ts).
      const raw = (r.props ?? {}) as Props;
      props = containsUnknown(raw) ? unknownCheckingProxy(raw) : raw;
      proxied.set(r, props);
    }
    return props;
  };
  const violations: PolicyViolation[] = [];

  // Resource policies, with each validation indexed by the type it is tagged with (if any).
  const byType = new Map<string, { resolved: ResolvedPolicy; validate: ResourceValidation }[]>();
  const untyped: { resolved: ResolvedPolicy; validate: ResourceValidation }[] = [];
  // Validations that say which types they apply to (lib/by-object.ts): skipped for the others,
  // which is what their own `notApplicable` would do, without a thrown error per resource.
  const filtered: {
    resolved: ResolvedPolicy;
    validate: ResourceValidation;
    appliesTo: (t: string) => boolean;
  }[] = [];
  for (const r of resolved) {
    if (isStackPolicy(r.policy)) continue;
    const validations = r.policy.validateResource;
    for (const validate of Array.isArray(validations) ? validations : validations ? [validations] : []) {
      const type = typeOfClass(validate);
      const appliesTo = (validate as AppliesTo).__appliesTo;
      if (!type && appliesTo) filtered.push({ resolved: r, validate, appliesTo });
      else if (!type) untyped.push({ resolved: r, validate });
      else byType.set(type, [...(byType.get(type) ?? []), { resolved: r, validate }]);
    }
  }
  // Per type, the validations that apply, in pack order (built once per type seen).
  const order = new Map(resolved.map((r, i) => [r, i]));
  const applicableByType = new Map<string, { resolved: ResolvedPolicy; validate: ResourceValidation }[]>();
  const applicableTo = (type: string) => {
    let list = applicableByType.get(type);
    if (!list) {
      list = [...(byType.get(type) ?? []), ...untyped, ...filtered.filter((f) => f.appliesTo(type))].sort(
        (a, b) => order.get(a.resolved)! - order.get(b.resolved)!,
      );
      applicableByType.set(type, list);
    }
    return list;
  };
  const providerOf = (resource: EvaluatedResource): EvaluatedResource | undefined =>
    resource.provider ? byUrn.get(resource.provider.split("::").slice(0, 4).join("::")) : undefined;
  for (const resource of resources) {
    const applicable = applicableTo(resource.type);
    if (applicable.length === 0) continue;
    const props = propsOf(resource);
    const providerResource = providerOf(resource);
    // What every policy gets for this resource; only getConfig differs between policies.
    const base: Omit<ResourceValidationArgs, "getConfig"> = {
      type: resource.type,
      props,
      urn: resource.urn,
      name: resource.name,
      opts: optionsOf(resource),
      stackTags,
      isType: (resourceClass) => isTypeOf(resource.type, resourceClass),
      asType: ((resourceClass: unknown) =>
        isTypeOf(resource.type, resourceClass) ? props : undefined) as never,
      notApplicable,
      ...(providerResource
        ? {
            provider: {
              type: providerResource.type,
              props: propsOf(providerResource),
              urn: providerResource.urn,
              name: providerResource.name,
            },
          }
        : {}),
    };
    for (const { resolved: r, validate } of applicable) {
      const args: ResourceValidationArgs = { ...base, getConfig: r.getConfig };
      await runGuarded(r, resource, violations, () =>
        validate(args, (message, urn) =>
          violations.push(violationOf(r, message, urn ? (byUrn.get(urn) ?? resource) : resource)),
        ),
      );
    }
  }

  // Stack policies see every resource, with parent and dependencies resolved to objects.
  const stackPolicies = resolved.filter((r) => isStackPolicy(r.policy));
  if (stackPolicies.length > 0) {
    const policyResources = new Map<string, PolicyResource>();
    for (const resource of resources) {
      const props = propsOf(resource);
      policyResources.set(resource.urn, {
        type: resource.type,
        props,
        urn: resource.urn,
        name: resource.name,
        opts: optionsOf(resource),
        dependencies: [],
        propertyDependencies: {},
        isType: (resourceClass) => isTypeOf(resource.type, resourceClass),
        asType: ((resourceClass: unknown) =>
          isTypeOf(resource.type, resourceClass) ? props : undefined) as never,
      });
    }
    for (const resource of resources) {
      const policyResource = policyResources.get(resource.urn)!;
      const parent = resource.parent ? policyResources.get(resource.parent) : undefined;
      if (parent) policyResource.parent = parent;
      // As the server's getProviderResource: type, props, URN and name of the provider it uses.
      const provider = providerOf(resource);
      if (provider) {
        policyResource.provider = {
          type: provider.type,
          props: propsOf(provider),
          urn: provider.urn,
          name: provider.name,
        };
      }
      policyResource.dependencies = (resource.dependencies ?? [])
        .map((urn) => policyResources.get(urn))
        .filter((d): d is PolicyResource => d !== undefined);
    }
    const all = [...policyResources.values()];
    for (const r of stackPolicies) {
      const args: StackValidationArgs = {
        resources: all,
        stackTags,
        getConfig: () => r.config as never,
        notApplicable,
      };
      await runGuarded(r, undefined, violations, () =>
        (r.policy as PackStackPolicy).validateStack(args, (message, urn) =>
          violations.push(violationOf(r, message, urn ? byUrn.get(urn) : undefined)),
        ),
      );
    }
  }
  return violations;
}
