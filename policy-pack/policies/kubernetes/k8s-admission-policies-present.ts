/**
 * The blueprint's admission policies are part of the stack wherever our team namespaces are: they
 * are the layer that still holds when someone bypasses Pulumi and uses kubectl (S1-S3, S6). Each
 * must be declared exactly as the blueprint builds it from the settings it records, bound so that
 * it denies everywhere, and built from settings that do not make everyone platform.
 */
import {
  ADMISSION_POLICY_PREFIX,
  GUARDRAIL_SETTINGS_ANNOTATION,
  MIC_NAME,
  NMI_NAME,
  TEAM_LABEL,
  platformUserProblem,
} from "../../../conventions/kubernetes";
import {
  GUARDRAIL_POLICY_NAMES,
  guardrailPolicies,
  readGuardrailSettings,
  type AdmissionPolicyDefinition,
  type GuardrailSettings,
} from "../../../conventions/admission";
import { isGuid } from "../../../conventions/formats";
import { describeValue } from "../../../conventions/problems";
import type { PolicyConfigSchema, PolicyResource } from "@pulumi/policy";
import { configWithDefaults } from "../lib/config";
import { firstDifference } from "../lib/difference";
import { type Judge, judged, UNKNOWN } from "../lib/judge";
import { allowedImageRegistriesProperty, identityNamespaceProperty } from "../lib/kubernetes";
import { PackStackPolicy } from "../lib/metadata";
import { metadataEntry, metadataOf, NAMESPACE_TYPE } from "../stack/support/stack-index";
import { podIdentityComponentOf } from "./support/pod-identity";

const POLICY_TYPE = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy";
const BINDING_TYPE = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding";
/** The only fields of a binding that applies its policy to the whole cluster. */
const CLUSTER_WIDE_BINDING_FIELDS = new Set(["policyName", "validationActions"]);
/** failurePolicy is judged on every prefixed policy, with its own message; the rest of a spec here. */
const FAILURE_POLICY_PATH = new Set(["spec.failurePolicy"]);
/**
 * What the API server fills in when a policy leaves it out (admissionregistration/v1 defaults); the
 * Kubernetes provider's server-side preview shows them, so a spec with them is the blueprint's.
 */
const POLICY_DEFAULTS = new Map<string, unknown>([
  ["spec.matchConstraints.matchPolicy", "Equivalent"],
  ["spec.matchConstraints.namespaceSelector", {}],
  ["spec.matchConstraints.objectSelector", {}],
  ["spec.matchConstraints.resourceRules[].scope", "*"],
]);

const admissionConfig: PolicyConfigSchema = {
  properties: {
    policyPrefix: {
      type: "string",
      default: ADMISSION_POLICY_PREFIX,
      description: "Name prefix of the blueprint's ValidatingAdmissionPolicies.",
    },
    requiredPolicies: {
      type: "array",
      items: { type: "string" },
      default: [],
      description:
        "Names of your own policies that must be present too (the blueprint's are always required).",
    },
    identityNamespace: identityNamespaceProperty,
    allowedImageRegistries: allowedImageRegistriesProperty,
  },
};

interface AdmissionConfig {
  policyPrefix: string;
  requiredPolicies: string[];
  identityNamespace: string;
  allowedImageRegistries: string[];
}

export const k8sAdmissionPoliciesPresent: PackStackPolicy = {
  name: "k8s-admission-policies-present",
  description:
    "A stack that declares team namespaces (label aks-hardening.io/team) also declares every one of the blueprint's ValidatingAdmissionPolicies exactly as the blueprint builds them from the settings they record (failing closed, nothing matched or checked less), each with a binding whose validationActions include Deny and that applies to the whole cluster; the recorded settings keep service accounts, anonymous users and team namespaces out of the platform's privileges.",
  severity: "high",
  remediationSteps:
    'Deploy the ClusterGuardrails component (or the KubernetesHardening component, which includes it) in the stack that creates the team namespaces, without transformations of its policies; bind every policy with validationActions: ["Deny"] and no matchResources or paramRef.',
  tags: [],
  configSchema: admissionConfig,
  validateStack: (args, report) =>
    judged(report, (j) => {
      const config = configWithDefaults<AdmissionConfig>(admissionConfig, args);
      const teamNamespaces = new Set<string>();
      for (const r of args.resources) {
        if (r.type !== NAMESPACE_TYPE || metadataEntry(j, r, "labels", TEAM_LABEL) === undefined) continue;
        const name = metadataOf(j, r, "name");
        if (typeof name === "string") teamNamespaces.add(name);
        else teamNamespaces.add(""); // a team namespace whose name is unknown still needs the policies
      }
      if (teamNamespaces.size === 0) return;

      const policies = new Map<string, PolicyResource>();
      for (const r of args.resources) {
        const name = r.type === POLICY_TYPE ? metadataOf(j, r, "name") : undefined;
        const judgedHere =
          typeof name === "string" &&
          (name.startsWith(config.policyPrefix) ||
            config.requiredPolicies.includes(name) ||
            GUARDRAIL_POLICY_NAMES.includes(name));
        if (judgedHere) policies.set(name, r);
      }
      for (const name of [...GUARDRAIL_POLICY_NAMES, ...config.requiredPolicies]) {
        if (!policies.has(name)) j.report(`Required admission policy ${name} is missing.`);
      }
      for (const [name, r] of policies) {
        // `Ignore` admits every request the policy cannot evaluate (a CEL error, a timeout): fail open.
        const failurePolicy = j.read(() => r.props.spec?.failurePolicy as string | undefined);
        if (failurePolicy !== undefined && failurePolicy !== UNKNOWN && failurePolicy !== "Fail")
          j.report(
            `ValidatingAdmissionPolicy ${name} has failurePolicy ${JSON.stringify(failurePolicy)}; it must be Fail (absent means Fail).`,
            r.urn,
          );
      }
      judgeBlueprintPolicies(j, policies, config, teamNamespaces);
      judgeBindings(j, args.resources, policies);
    }),
};

/** Each blueprint policy equals the one built from its recorded settings, and the settings are sound. */
function judgeBlueprintPolicies(
  j: Judge,
  policies: Map<string, PolicyResource>,
  config: AdmissionConfig,
  teamNamespaces: Set<string>,
): void {
  let judgedSettings: string | undefined;
  // Normally every policy records the same settings: build the blueprint's policies once per text.
  const builtFrom = new Map<string, AdmissionPolicyDefinition[]>();
  for (const name of GUARDRAIL_POLICY_NAMES) {
    const r = policies.get(name);
    if (!r) continue;
    const recorded = metadataEntry(j, r, "annotations", GUARDRAIL_SETTINGS_ANNOTATION);
    if (recorded === UNKNOWN) continue;
    if (typeof recorded !== "string") {
      j.report(
        `ValidatingAdmissionPolicy ${name} has no ${GUARDRAIL_SETTINGS_ANNOTATION} annotation, so it cannot be told apart from an edited copy; declare it with the ClusterGuardrails component.`,
        r.urn,
      );
      continue;
    }
    const settings = readGuardrailSettings(recorded);
    if ("problem" in settings) {
      j.report(
        `ValidatingAdmissionPolicy ${name}: annotation ${GUARDRAIL_SETTINGS_ANNOTATION} ${settings.problem} (got ${describeValue(recorded)}).`,
        r.urn,
      );
      continue;
    }
    if (!builtFrom.has(recorded)) builtFrom.set(recorded, guardrailPolicies(settings));
    const built = builtFrom.get(recorded)!.find((d) => d.name === name)!;
    const difference = firstDifference(
      j,
      () => r.props.spec,
      built.spec,
      "spec",
      FAILURE_POLICY_PATH,
      POLICY_DEFAULTS,
    );
    if (difference !== undefined && difference !== UNKNOWN) {
      j.report(
        `ValidatingAdmissionPolicy ${name}: ${difference.path} is ${describeValue(difference.actual)}, but the blueprint builds ${describeValue(difference.expected)} from the settings the policy records; an edited policy matches or checks less than the blueprint's.`,
        r.urn,
      );
    }
    if (judgedSettings === undefined) {
      judgedSettings = recorded;
      for (const problem of settingsProblems(settings, config, teamNamespaces))
        j.report(`ValidatingAdmissionPolicy ${name}: recorded setting ${problem}.`, r.urn);
    } else if (recorded !== judgedSettings) {
      j.report(
        `ValidatingAdmissionPolicy ${name} records other settings than ${GUARDRAIL_POLICY_NAMES.find((n) => policies.has(n))}; the blueprint builds all its policies from one settings object.`,
        r.urn,
      );
    }
  }
}

/**
 * What in the settings would weaken every policy at once: a principal that is not a person or CI
 * principal treated as platform, a team namespace allowed privileged pods, an identity namespace
 * other than the platform's, an image or account there other than MIC's and NMI's.
 */
function settingsProblems(
  settings: GuardrailSettings,
  config: AdmissionConfig,
  teamNamespaces: Set<string>,
): string[] {
  const problems: string[] = [];
  const at = (key: string, value: unknown, why: string): void => {
    problems.push(`${key} ${describeValue(value)} ${why}`);
  };
  if (settings.identityNamespace !== config.identityNamespace)
    at(
      "identityNamespace",
      settings.identityNamespace,
      `is not the identity namespace ${JSON.stringify(config.identityNamespace)}`,
    );
  settings.platformGroupIds.forEach((id, i) => {
    if (!isGuid(id)) at(`platformGroupIds[${i}]`, id, "is not an Entra group object ID (GUID)");
  });
  settings.platformUsers.forEach((user, i) => {
    const why = platformUserProblem(user);
    if (why) at(`platformUsers[${i}]`, user, why);
  });
  settings.privilegedNamespaces.forEach((ns, i) => {
    if (ns === "default" || teamNamespaces.has(ns))
      at(`privilegedNamespaces[${i}]`, ns, "is a team namespace or `default`; those are always restricted");
  });
  settings.pinnedImages.forEach((image, i) => {
    const fromRegistry = config.allowedImageRegistries.some((prefix) => image.startsWith(prefix));
    if (!podIdentityComponentOf(image) || !fromRegistry)
      at(`pinnedImages[${i}]`, image, `is not MIC or NMI from ${config.allowedImageRegistries.join(", ")}`);
  });
  settings.identityServiceAccounts.forEach((account, i) => {
    if (account !== MIC_NAME && account !== NMI_NAME)
      at(`identityServiceAccounts[${i}]`, account, `is not ${MIC_NAME} or ${NMI_NAME}`);
  });
  settings.identityWriterServiceAccounts.forEach((account, i) => {
    if (account !== MIC_NAME) at(`identityWriterServiceAccounts[${i}]`, account, `is not ${MIC_NAME}`);
  });
  return problems;
}

/** A binding's matchResources that narrows nothing: only the API server's defaults. */
function matchesEverything(j: Judge, match: unknown): boolean {
  const difference = firstDifference(j, () => match, {}, "matchResources", new Set(), BINDING_MATCH_DEFAULTS);
  return difference === undefined;
}

const BINDING_MATCH_DEFAULTS = new Map<string, unknown>([
  ["matchResources.matchPolicy", "Equivalent"],
  ["matchResources.namespaceSelector", {}],
  ["matchResources.objectSelector", {}],
]);

/**
 * Each policy needs a binding that denies across the whole cluster. Bindings add up, so another
 * binding (a Warn one, a narrower one) beside it weakens nothing; without it, the policy is narrowed
 * by `matchResources` or parametrised by `paramRef` in every binding it has.
 */
function judgeBindings(j: Judge, resources: PolicyResource[], policies: Map<string, PolicyResource>): void {
  const denying = new Set<string>();
  const undecided = new Set<string>();
  for (const r of resources) {
    if (r.type !== BINDING_TYPE) continue;
    const policyName = j.read(() => r.props.spec?.policyName as string | undefined);
    if (typeof policyName !== "string") continue;
    const actions = j.list(() => r.props.spec?.validationActions as string[] | undefined);
    const fields = j.read(() => Object.keys(r.props.spec ?? {}));
    if (fields === UNKNOWN || !actions.complete) undecided.add(policyName);
    else if (
      actions.known.includes("Deny") &&
      fields.every(
        (f) =>
          CLUSTER_WIDE_BINDING_FIELDS.has(f) ||
          (f === "matchResources" && matchesEverything(j, r.props.spec.matchResources)),
      )
    )
      denying.add(policyName);
  }
  for (const [name, r] of policies) {
    if (!denying.has(name) && !undecided.has(name))
      j.report(
        `ValidatingAdmissionPolicy ${name} has no binding with validationActions Deny that applies to the whole cluster (no matchResources, no paramRef).`,
        r.urn,
      );
  }
}
