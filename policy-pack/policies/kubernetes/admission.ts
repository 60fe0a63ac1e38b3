/**
 * The blueprint's admission policies are part of the stack wherever our team namespaces are: they
 * are the layer that still holds when someone bypasses Pulumi and uses kubectl (S1-S3, S6).
 */
import { ADMISSION_POLICY_PREFIX, TEAM_LABEL } from "../../../conventions/kubernetes";
import type { PolicyConfigSchema } from "@pulumi/policy";
import { configWithDefaults } from "../lib/config";
import { judged, UNKNOWN } from "../lib/judge";
import { PackStackPolicy } from "../lib/metadata";
import { metadataEntry, metadataOf, NAMESPACE_TYPE } from "../stack/stack-index";

const POLICY_TYPE = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy";
const BINDING_TYPE = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding";

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
      description: "Policy names that must be present (in addition to at least one with the prefix).",
    },
  },
};

export const k8sAdmissionPoliciesPresent: PackStackPolicy = {
  name: "k8s-admission-policies-present",
  description:
    "A stack that declares team namespaces (label aks-hardening.io/team) also declares the blueprint's ValidatingAdmissionPolicies (named aks-hardening-*), each failing closed (failurePolicy Fail) with a binding whose validationActions include Deny.",
  severity: "high",
  remediationSteps:
    'Deploy the ClusterGuardrails component (or the KubernetesHardening component, which includes it) in the stack that creates the team namespaces; bind every policy with validationActions: ["Deny"].',
  tags: [],
  configSchema: admissionConfig,
  validateStack: (args, report) =>
    judged(report, (j) => {
      const { policyPrefix, requiredPolicies } = configWithDefaults<{
        policyPrefix: string;
        requiredPolicies: string[];
      }>(admissionConfig, args);
      const hasTeamNamespace = args.resources.some(
        (r) => r.type === NAMESPACE_TYPE && metadataEntry(j, r, "labels", TEAM_LABEL) !== undefined,
      );
      if (!hasTeamNamespace) return;
      const policies = new Map<string, string>();
      for (const r of args.resources) {
        const name = r.type === POLICY_TYPE ? metadataOf(j, r, "name") : undefined;
        if (typeof name === "string" && (name.startsWith(policyPrefix) || requiredPolicies.includes(name))) {
          policies.set(name, r.urn);
          // `Ignore` admits every request the policy cannot evaluate (a CEL error, a timeout): fail open.
          const failurePolicy = j.read(() => r.props.spec?.failurePolicy as string | undefined);
          if (failurePolicy !== undefined && failurePolicy !== UNKNOWN && failurePolicy !== "Fail")
            j.report(
              `ValidatingAdmissionPolicy ${name} has failurePolicy ${JSON.stringify(failurePolicy)}; it must be Fail (absent means Fail).`,
              r.urn,
            );
        }
      }
      const denying = new Set<string>();
      for (const r of args.resources) {
        if (r.type !== BINDING_TYPE) continue;
        const policyName = j.read(() => r.props.spec?.policyName as string | undefined);
        const actions = j.items(() => r.props.spec?.validationActions as string[] | undefined);
        if (typeof policyName === "string" && actions.includes("Deny")) denying.add(policyName);
      }
      if (policies.size === 0) {
        j.report(
          `The stack declares team namespaces but no ValidatingAdmissionPolicy named ${policyPrefix}*.`,
        );
      }
      for (const name of requiredPolicies) {
        if (!policies.has(name)) j.report(`Required admission policy ${name} is missing.`);
      }
      for (const [name, urn] of policies) {
        if (!denying.has(name))
          j.report(`ValidatingAdmissionPolicy ${name} has no binding with validationActions Deny.`, urn);
      }
    }),
};
