/**
 * Makes a policy judge Kubernetes objects by what they are rather than by the Pulumi type that
 * carries them (see `objects.ts`).
 *
 * A resource policy's validations stay as written (`validateResourceOfType(Deployment, ...)` and
 * friends); `judgingObjects` calls each of them once per delivered object whose canonical type it
 * is tagged with, with `type`, `props`, `isType`/`asType` of that object, and reports on the
 * resource that delivers it. A patch is judged by what it sets: a finding counts only if it does not
 * also arise from the patch's bare structure (names and nesting, no values), so "does not set X" is
 * never blamed on a patch that leaves X as the object's owner wrote it; findings its identity alone
 * gives (kind, name, namespace: an exception outside the identity namespace) always count. A
 * consequence: a Namespace patch that leaves out the PSA enforce label is refused like a Namespace
 * without one, since "no enforce label" already arises from the identity. A stack policy sees every
 * delivered object as a resource of its canonical type (same URN, so reports land on the resource).
 */
import type {
  PolicyResource,
  ReportViolation,
  ResourceValidation,
  ResourceValidationArgs,
  StackValidationArgs,
} from "@pulumi/policy";
import type { Props } from "./judge";
import type { PackPolicy, PackResourcePolicy, PackStackPolicy } from "./metadata";
import { deliveredObjects, DeliveredObject, Delivery } from "./objects";
import { StacklessError, UnknownValueError } from "./policy-runtime";

function typeOf(resourceClass: unknown): string | undefined {
  const type = (resourceClass as { __pulumiType?: unknown } | undefined)?.__pulumiType;
  return typeof type === "string" && type !== "" ? type : undefined;
}

/**
 * Deliveries by the props object they were read from (the evaluator shares it between policies),
 * valid only for the same provider props (the effective namespace depends on them).
 */
const deliveries = new WeakMap<object, { type: string; provider?: object; delivery: Delivery | undefined }>();
function deliveryOf(args: { type: string; props: Props; provider?: { props: Props } }): Delivery | undefined {
  const cached = deliveries.get(args.props);
  if (cached && cached.type === args.type && cached.provider === args.provider?.props) return cached.delivery;
  const delivery = deliveredObjects(args);
  deliveries.set(args.props, { type: args.type, provider: args.provider?.props, delivery });
  return delivery;
}

/** Where a delivered object came from, appended to messages about anything but a plain typed resource. */
export function deliveryNote(resourceType: string, object: DeliveredObject): string {
  if (object.how === "object" && object.type === resourceType) return "";
  const what = object.how === "patch" ? "patched through" : "delivered through";
  const where = object.path ? `${object.path} of ` : "";
  return ` [${object.kind} ${what} ${where}${resourceType}]`;
}

/**
 * What the patch would be without the values it sets. `structure`: apiVersion, kind, metadata name
 * and namespace, every object and list, and the `name` of list entries (so a container keeps its
 * identity), no other value; `identity`: apiVersion, kind, metadata name and namespace only.
 */
function skeleton(props: Props, mode: "structure" | "identity"): Props {
  const read = <T>(f: () => T): T | undefined => {
    try {
      return f();
    } catch (e) {
      if (e instanceof UnknownValueError) return undefined;
      throw e;
    }
  };
  const metadata = read(() => props.metadata as Props | undefined);
  const top: Props = {
    apiVersion: read(() => props.apiVersion),
    kind: read(() => props.kind),
    metadata: { name: read(() => metadata?.name), namespace: read(() => metadata?.namespace) },
  };
  if (mode === "identity") return top;
  const walk = (value: unknown, inList: boolean): unknown => {
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      for (let i = 0; i < value.length; i++) {
        const item = read(() => value[i] as unknown);
        if (item !== null && typeof item === "object") out.push(walk(item, true));
      }
      return out;
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as object)) {
      const item = read(() => (value as Record<string, unknown>)[key]);
      if (item !== null && typeof item === "object") out[key] = walk(item, false);
      else if (inList && key === "name") out[key] = item;
    }
    return out;
  };
  for (const key of Object.keys(props)) {
    if (key === "apiVersion" || key === "kind" || key === "metadata") continue;
    const value = read(() => props[key] as unknown);
    if (value !== null && typeof value === "object") top[key] = walk(value, false);
  }
  if (metadata) {
    const labelsAndMore = walk(metadata, false) as Props;
    top.metadata = { ...labelsAndMore, ...(top.metadata as Props) };
  }
  return top;
}

/** What an inner validation's `notApplicable` throws. */
class NotApplicableHere extends StacklessError {}

type Finding = { message: string; urn?: string };
type Result = { findings: Finding[]; unknown?: Error } | undefined;
type MaybePromise<T> = T | Promise<T>;

function isThenable<T>(value: unknown): value is Promise<T> {
  return typeof (value as { then?: unknown } | undefined)?.then === "function";
}

/** `f(value)`, synchronously unless `value` is a promise (this pack's validations are synchronous). */
function after<T, U>(value: MaybePromise<T>, f: (v: T) => MaybePromise<U>): MaybePromise<U> {
  return isThenable<T>(value) ? value.then(f) : f(value);
}

/** The arguments a validation gets for one delivered object (built once per object). */
function argsFor(args: ResourceValidationArgs, type: string, props: Props): ResourceValidationArgs {
  return {
    ...args,
    type,
    props,
    isType: (resourceClass) => typeOf(resourceClass) === type,
    asType: ((resourceClass: unknown) => (typeOf(resourceClass) === type ? props : undefined)) as never,
    notApplicable: (reason?: string) => {
      throw new NotApplicableHere(reason);
    },
  };
}

/** Runs one validation on one object; its findings, or `undefined` if it does not apply. */
function runOn(validate: ResourceValidation, objectArgs: ResourceValidationArgs): MaybePromise<Result> {
  const findings: Finding[] = [];
  const caught = (e: unknown): Result => {
    if (e instanceof NotApplicableHere) return findings.length > 0 ? { findings } : undefined;
    if (e instanceof UnknownValueError) return { findings, unknown: e };
    throw e;
  };
  try {
    const done = validate(objectArgs, (message, urn) => findings.push({ message, urn }));
    return isThenable(done) ? done.then(() => ({ findings }), caught) : { findings };
  } catch (e) {
    return caught(e);
  }
}

/**
 * The findings a patch is answerable for: those its structure alone does not give (values it sets),
 * plus those its identity alone gives (the object it changes is forbidden there, whatever it sets).
 */
function setByPatch(findings: Finding[], structure: Result, identity: Result): Finding[] {
  const left = (structure?.findings ?? []).map((f) => f.message);
  const always = new Set((identity?.findings ?? []).map((f) => f.message));
  return findings.filter((f) => {
    if (always.has(f.message)) return true;
    const i = left.indexOf(f.message);
    if (i < 0) return true;
    left.splice(i, 1);
    return false;
  });
}

function wrapResourcePolicy(policy: PackResourcePolicy): PackResourcePolicy {
  const given = policy.validateResource;
  const validations = (Array.isArray(given) ? given : [given]).filter(
    (v): v is ResourceValidation => typeof v === "function",
  );
  const tagged = validations.map((validate) => ({ validate, type: typeOf(validate) }));
  const judgeObjects: ResourceValidation = (args, report: ReportViolation) => {
    const delivery = deliveryOf(args);
    // Anything but a Kubernetes object: the validations exactly as the server would run them.
    const targets: { type: string; props: Props; object?: DeliveredObject }[] = delivery
      ? delivery.objects.map((object) => ({ type: object.type, props: object.props, object }))
      : [{ type: args.type, props: args.props }];
    const steps: {
      target: (typeof targets)[number];
      validate: ResourceValidation;
      objectArgs: ResourceValidationArgs;
    }[] = [];
    for (const target of targets) {
      let objectArgs: ResourceValidationArgs | undefined;
      for (const { validate, type } of tagged) {
        if (type !== undefined && type !== target.type) continue;
        objectArgs ??= argsFor(args, target.type, target.props);
        steps.push({ target, validate, objectArgs });
      }
    }
    let unknown: Error | undefined = delivery?.unknown;
    // Steps run in order; synchronously as long as every validation is synchronous. No
    // `notApplicable` when nothing applied: the server only lists it as information, and throwing it
    // for most resources of a large stack costs more than the judgement itself.
    const run = (i: number): MaybePromise<void> => {
      if (i === steps.length) {
        if (unknown) throw unknown;
        return;
      }
      const { target, validate, objectArgs } = steps[i];
      return after(runOn(validate, objectArgs), (result) => {
        if (!result) return run(i + 1);
        unknown ??= result.unknown;
        const judged: MaybePromise<Finding[]> =
          target.object?.how === "patch"
            ? // Judge what the patch sets, not what it leaves to the object's owner.
              after(
                runOn(validate, argsFor(args, target.type, skeleton(target.props, "structure"))),
                (structure) =>
                  after(
                    runOn(validate, argsFor(args, target.type, skeleton(target.props, "identity"))),
                    (identity) => setByPatch(result.findings, structure, identity),
                  ),
              )
            : result.findings;
        return after(judged, (findings) => {
          const note = target.object ? deliveryNote(args.type, target.object) : "";
          for (const f of findings) report(`${f.message}${note}`, f.urn);
          return run(i + 1);
        });
      });
    };
    return run(0);
  };

  // For the in-process evaluator's type index (the policy server calls every validation anyway):
  // the resource types this validation can apply to.
  const kubernetesTyped = tagged.some((t) => t.type?.startsWith("kubernetes:"));
  const ownTypes = new Set(tagged.map((t) => t.type));
  const untyped = ownTypes.has(undefined);
  (judgeObjects as AppliesTo).__appliesTo = (type) =>
    untyped || ownTypes.has(type) || (kubernetesTyped && type.startsWith("kubernetes:"));
  return { ...policy, validateResource: judgeObjects };
}

/** A validation that says which resource types it can apply to (see `evaluate.ts`). */
export type AppliesTo = ResourceValidation & { __appliesTo?: (type: string) => boolean };

/** Stack resources with every Kubernetes resource replaced by the objects it delivers. */
/** The props of stack-view objects that a patch delivers (what the patch sets, not the whole object). */
const patchProps = new WeakSet<object>();

/** Whether stack-policy props came from a `*Patch`: a stack policy then blames it only for what it sets. */
export function isPatchDelivered(props: object): boolean {
  return patchProps.has(props);
}

const stackViews = new WeakMap<PolicyResource[], { resources: PolicyResource[]; unknown?: Error }>();
export function objectView(resources: PolicyResource[]): { resources: PolicyResource[]; unknown?: Error } {
  const cached = stackViews.get(resources);
  if (cached) return cached;
  const out: PolicyResource[] = [];
  let unknown: Error | undefined;
  for (const resource of resources) {
    const delivery = deliveredObjects(resource);
    if (!delivery) {
      out.push(resource);
      continue;
    }
    unknown ??= delivery.unknown;
    for (const object of delivery.objects) {
      // A Namespace patch does not declare a namespace: the stack policies read namespaces from declarations.
      if (object.how === "patch" && object.kind === "Namespace") continue;
      const props = object.props;
      if (object.how === "patch" && props !== null && typeof props === "object") patchProps.add(props);
      out.push({
        ...resource,
        type: object.type,
        props,
        name:
          object.how === "object" ? resource.name : `${resource.name}${deliveryNote(resource.type, object)}`,
        isType: (resourceClass) => typeOf(resourceClass) === object.type,
        asType: ((resourceClass: unknown) =>
          typeOf(resourceClass) === object.type ? props : undefined) as never,
      });
    }
  }
  const view = { resources: out, unknown };
  stackViews.set(resources, view);
  return view;
}

function wrapStackPolicy(policy: PackStackPolicy): PackStackPolicy {
  return {
    ...policy,
    validateStack: async (args: StackValidationArgs, report) => {
      const view = objectView(args.resources);
      await policy.validateStack({ ...args, resources: view.resources }, report);
      if (view.unknown) throw view.unknown;
    },
  };
}

/** The policy, judging Kubernetes objects whatever resource type delivers them. */
export function judgingObjects<P extends PackPolicy>(policy: P): P {
  return (
    "validateStack" in policy && typeof policy.validateStack === "function"
      ? wrapStackPolicy(policy)
      : wrapResourcePolicy(policy as PackResourcePolicy)
  ) as P;
}
