/**
 * Makes a policy judge Kubernetes objects by what they are rather than by the Pulumi type that
 * carries them (see `objects.ts`).
 *
 * A resource policy's validations stay as written (`validateResourceOfType(Deployment, ...)` and
 * friends); `judgingObjects` calls each of them once per delivered object whose canonical type it
 * is tagged with, with `type`, `props`, `isType`/`asType` of that object, and reports on the
 * resource that delivers it. A patch is judged by what it sets: a finding counts only if it does not
 * also arise from the patch's bare skeleton (names and structure, no values), so "does not set X" is
 * never blamed on a patch that leaves X as the object's owner wrote it. A stack policy sees every
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
import { UnknownValueError } from "./policy-runtime";

function typeOf(resourceClass: unknown): string | undefined {
  const type = (resourceClass as { __pulumiType?: unknown } | undefined)?.__pulumiType;
  return typeof type === "string" && type !== "" ? type : undefined;
}

/**
 * Deliveries by the props object they were read from (the evaluator shares it between policies),
 * valid only for the same provider props (the effective namespace depends on them).
 */
const deliveries = new WeakMap<object, { provider?: object; delivery: Delivery | undefined }>();
function deliveryOf(args: { type: string; props: Props; provider?: { props: Props } }): Delivery | undefined {
  const cached = deliveries.get(args.props);
  if (cached && cached.provider === args.provider?.props) return cached.delivery;
  const delivery = deliveredObjects(args);
  deliveries.set(args.props, { provider: args.provider?.props, delivery });
  return delivery;
}

/** Where a delivered object came from, appended to messages about anything but a plain typed resource. */
export function deliveryNote(resourceType: string, object: DeliveredObject): string {
  if (object.how === "object" && object.type === resourceType) return "";
  const what = object.how === "patch" ? "patched through" : "delivered through";
  const where = object.path ? `${object.path} of ` : "";
  return ` [${object.kind} ${what} ${where}${resourceType}]`;
}

/** The patch's skeleton: apiVersion, kind, names and structure, every other value left out. */
function skeleton(value: unknown, key?: string): unknown {
  let v: unknown;
  try {
    v = value;
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      for (let i = 0; i < v.length; i++) {
        const item = skeleton(v[i]);
        if (item !== undefined && typeof item === "object") out.push(item);
      }
      return out;
    }
    if (v !== null && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v)) {
        const item = skeleton((v as Record<string, unknown>)[k], k);
        if (item !== undefined) out[k] = item;
      }
      return out;
    }
    return key && ["apiVersion", "kind", "name", "namespace"].includes(key) ? v : undefined;
  } catch (e) {
    if (e instanceof UnknownValueError) return undefined;
    throw e;
  }
}

class NotApplicableHere extends Error {}

type Finding = { message: string; urn?: string };

/** Runs one validation on one object; returns its findings, or `undefined` if it does not apply. */
async function runOn(
  validate: ResourceValidation,
  args: ResourceValidationArgs,
  type: string,
  props: Props,
): Promise<{ findings: Finding[]; unknown?: Error } | undefined> {
  const findings: Finding[] = [];
  const objectArgs: ResourceValidationArgs = {
    ...args,
    type,
    props,
    isType: (resourceClass) => typeOf(resourceClass) === type,
    asType: ((resourceClass: unknown) => (typeOf(resourceClass) === type ? props : undefined)) as never,
    notApplicable: (reason?: string) => {
      throw new NotApplicableHere(reason);
    },
  };
  try {
    await validate(objectArgs, (message, urn) => findings.push({ message, urn }));
  } catch (e) {
    if (e instanceof NotApplicableHere) return findings.length > 0 ? { findings } : undefined;
    if (e instanceof UnknownValueError) return { findings, unknown: e };
    throw e;
  }
  return { findings };
}

function wrapResourcePolicy(policy: PackResourcePolicy): PackResourcePolicy {
  const given = policy.validateResource;
  const validations = (Array.isArray(given) ? given : [given]).filter(
    (v): v is ResourceValidation => typeof v === "function",
  );
  const tagged = validations.map((validate) => ({ validate, type: typeOf(validate) }));
  const judgeObjects: ResourceValidation = async (args, report: ReportViolation) => {
    const delivery = deliveryOf(args);
    // Anything but a Kubernetes object: the validations exactly as the server would run them.
    const targets: { type: string; props: Props; object?: DeliveredObject }[] = delivery
      ? delivery.objects.map((object) => ({ type: object.type, props: object.props, object }))
      : [{ type: args.type, props: args.props }];
    let applied = false;
    let unknown: Error | undefined = delivery?.unknown;
    for (const target of targets) {
      for (const { validate, type } of tagged) {
        if (type !== undefined && type !== target.type) continue;
        const result = await runOn(validate, args, target.type, target.props);
        if (!result) continue;
        applied = true;
        unknown ??= result.unknown;
        let findings = result.findings;
        if (target.object?.how === "patch") {
          // Judge what the patch sets, not what it leaves to the object's owner.
          const bare = await runOn(validate, args, target.type, skeleton(target.props) as Props);
          const left = (bare?.findings ?? []).map((f) => f.message);
          findings = findings.filter((f) => {
            const i = left.indexOf(f.message);
            if (i < 0) return true;
            left.splice(i, 1);
            return false;
          });
        }
        const note = target.object ? deliveryNote(args.type, target.object) : "";
        for (const f of findings) report(`${f.message}${note}`, f.urn);
      }
    }
    if (unknown) throw unknown;
    if (!applied) args.notApplicable(`Policy ${policy.name} does not apply to ${args.type}`);
  };
  return { ...policy, validateResource: judgeObjects };
}

/** Stack resources with every Kubernetes resource replaced by the objects it delivers. */
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
