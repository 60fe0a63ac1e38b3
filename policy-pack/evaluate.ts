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
 */
import type {
  EnforcementLevel,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidation,
  ResourceValidationArgs,
  StackValidationArgs,
} from "@pulumi/policy";
import { configWithDefaults } from "./policies/lib/config";
import { settingsProblems } from "./policies/lib/config-validation";
import {
  containsUnknown,
  StacklessError,
  unknownCheckingProxy,
  UnknownValueError,
} from "./policies/lib/policy-runtime";
import type { Props } from "./policies/lib/judge";
import type { AppliesTo } from "./policies/lib/by-object";
import type { PackPolicy, PackStackPolicy } from "./policies/lib/metadata";
import { packEnforcementLevel, policies as packPolicies } from "./policies";

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

/** A policy config file that the pack refuses; `problems` name each key and bad value. */
export class PolicyConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid policy pack config:\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "PolicyConfigError";
  }
}

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

interface ResolvedPolicy {
  policy: PackPolicy;
  level: "advisory" | "mandatory";
  config: Record<string, unknown>;
  /** `getConfig` as the policy receives it (one function per policy, shared by every call). */
  getConfig: <T extends object>() => T;
}

function levelOf(entry: unknown): unknown {
  return typeof entry === "string"
    ? entry
    : (entry as { enforcementLevel?: unknown } | undefined)?.enforcementLevel;
}

/** Validates the config file against the pack and resolves each policy's level and settings. */
export function resolvePolicyConfig(
  policies: PackPolicy[],
  config: Record<string, unknown> = {},
): ResolvedPolicy[] {
  const problems: string[] = [];
  const byName = new Map(policies.map((p) => [p.name, p]));
  for (const [key, entry] of Object.entries(config)) {
    if (key !== "all" && !byName.has(key)) {
      problems.push(`${key}: no policy of that name in the pack (got ${JSON.stringify(entry)})`);
      continue;
    }
    if (typeof entry !== "string" && (typeof entry !== "object" || entry === null || Array.isArray(entry))) {
      problems.push(`${key}: must be an enforcement level or an object (got ${JSON.stringify(entry)})`);
      continue;
    }
    const level = levelOf(entry);
    if (level !== undefined && !LEVELS.includes(level as EnforcementLevel)) {
      problems.push(
        `${key}.enforcementLevel: must be one of ${LEVELS.join(", ")} (got ${JSON.stringify(level)})`,
      );
    }
    if (key === "all" || typeof entry === "string") continue;
    const { enforcementLevel: _level, ...settings } = entry as Record<string, unknown>;
    const schema = byName.get(key)?.configSchema;
    problems.push(...settingsProblems(schema, settings, key));
  }
  if (problems.length > 0) throw new PolicyConfigError(problems);

  const allLevel = levelOf(config.all) as EnforcementLevel | undefined;
  const resolved: ResolvedPolicy[] = [];
  for (const policy of policies) {
    const entry = config[policy.name];
    const level =
      (levelOf(entry) as EnforcementLevel | undefined) ??
      allLevel ??
      policy.enforcementLevel ??
      packEnforcementLevel;
    if (level === "disabled") continue;
    const given =
      typeof entry === "object" && entry !== null ? { ...(entry as Record<string, unknown>) } : {};
    delete given.enforcementLevel;
    const settings = configWithDefaults<Record<string, unknown>>(policy.configSchema ?? { properties: {} }, {
      getConfig: () => given as never,
    });
    resolved.push({
      policy,
      level: level === "advisory" ? "advisory" : "mandatory",
      config: settings,
      getConfig: <T extends object>() => settings as T,
    });
  }
  return resolved;
}

/** Thrown by `notApplicable`, like the server's private NotApplicableError (without a stack trace). */
class NotApplicable extends StacklessError {}

function notApplicable(reason?: string): never {
  throw new NotApplicable(reason);
}

function typeOfClass(resourceClass: unknown): string | undefined {
  const type = (resourceClass as { __pulumiType?: unknown } | undefined)?.__pulumiType;
  return typeof type === "string" && type !== "" ? type : undefined;
}

function isTypeOf(type: string, resourceClass: unknown): boolean {
  const classType = typeOfClass(resourceClass);
  if (classType) return type === classType;
  const isInstance = (resourceClass as { isInstance?: (o: unknown) => boolean }).isInstance;
  return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

function freezeTags(tags: Record<string, string>): ReadonlyMap<string, string> {
  return Object.freeze(new Map(Object.entries(tags)));
}

function optionsOf(resource: EvaluatedResource): PolicyResourceOptions {
  return {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...(resource.parent ? { parent: resource.parent } : {}),
  };
}

function violationOf(
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

function isStackPolicy(policy: PackPolicy): policy is PackStackPolicy {
  return typeof (policy as PackStackPolicy).validateStack === "function";
}

/** Runs a validation; unknowns become the server's advisory note, not-applicable is silent. */
async function runGuarded(
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
