/**
 * S4: every namespace enforces Pod Security; only allow-listed system namespaces may be privileged.
 *
 * AKS has no cluster-wide PSA default, and an unlabelled namespace is `privileged`: a pod there may
 * use hostNetwork or NET_ADMIN/NET_RAW and read other pods' token traffic to NMI. So a namespace
 * must enforce `baseline` or `restricted` unless it is on the allow-list (kube-system, the identity
 * namespace, ...), and a team namespace (label `aks-hardening.io/team`) must enforce `restricted`.
 */
import { PSA_LABEL_PREFIX, TEAM_LABEL } from "../conventions";
import { celString, celStringList, validation, valueOrEmpty } from "./cel";
import type { AdmissionPolicyDefinition, GuardrailSettings } from "./types";

export const NAMESPACE_POD_SECURITY_POLICY = "aks-hardening-namespace-pod-security";

const ENFORCE = `${PSA_LABEL_PREFIX}enforce`;

export const NAMESPACE_LABELS_EXPRESSION = "has(object.metadata.labels) ? object.metadata.labels : {}";
export const ENFORCE_LEVEL_EXPRESSION = valueOrEmpty("variables.labels", ENFORCE);

export function privilegedAllowedExpression(settings: GuardrailSettings): string {
  return `object.metadata.name in ${celStringList(settings.privilegedNamespaces)}`;
}

export const ENFORCES_POD_SECURITY_EXPRESSION =
  "variables.privilegedAllowed || variables.enforce in ['baseline', 'restricted']";

export const TEAM_NAMESPACE_RESTRICTED_EXPRESSION = `!(${celString(TEAM_LABEL)} in variables.labels) || variables.enforce == 'restricted'`;

export function namespacePodSecurityPolicy(settings: GuardrailSettings): AdmissionPolicyDefinition {
  const name = NAMESPACE_POD_SECURITY_POLICY;
  return {
    name,
    threats: ["S4"],
    description:
      "Every namespace enforces PSA baseline or restricted (team namespaces restricted); only allow-listed system namespaces may be privileged.",
    validationActions: ["Deny"],
    spec: {
      failurePolicy: "Fail",
      matchConstraints: {
        resourceRules: [
          {
            apiGroups: [""],
            apiVersions: ["v1"],
            operations: ["CREATE", "UPDATE"],
            resources: ["namespaces"],
          },
        ],
      },
      variables: [
        { name: "labels", expression: NAMESPACE_LABELS_EXPRESSION },
        { name: "enforce", expression: ENFORCE_LEVEL_EXPRESSION },
        { name: "privilegedAllowed", expression: privilegedAllowedExpression(settings) },
      ],
      validations: [
        validation(
          name,
          ENFORCES_POD_SECURITY_EXPRESSION,
          `the namespace must carry ${ENFORCE}=baseline or restricted`,
          `'namespace ' + object.metadata.name + ${celString(` must carry ${ENFORCE}=baseline|restricted (only allow-listed system namespaces may be privileged), got "`)} + variables.enforce + '"'`,
        ),
        validation(
          name,
          TEAM_NAMESPACE_RESTRICTED_EXPRESSION,
          `a team namespace must enforce ${ENFORCE}=restricted`,
          `'team namespace ' + object.metadata.name + ${celString(` must carry ${ENFORCE}=restricted, got "`)} + variables.enforce + '"'`,
        ),
      ],
    },
  };
}
