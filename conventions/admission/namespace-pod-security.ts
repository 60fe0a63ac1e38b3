/**
 * S4: every namespace enforces Pod Security; only allow-listed system namespaces may be privileged.
 *
 * AKS has no cluster-wide PSA default, and an unlabelled namespace is `privileged`: a pod there may
 * use hostNetwork or NET_ADMIN/NET_RAW and read other pods' token traffic to NMI. So a namespace
 * must enforce `baseline` or `restricted` unless it is on the allow-list (kube-system, the identity
 * namespace, ...), and a team namespace (label `aks-hardening.io/team`) must enforce `restricted`.
 */
import { PSA_LABEL_PREFIX, TEAM_LABEL } from "../kubernetes";
import { OBJECT_SUBRESOURCES, celString, celStringList, denyPolicy, onWrite, valueOrEmpty } from "./cel";
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
  return denyPolicy({
    name: NAMESPACE_POD_SECURITY_POLICY,
    description:
      "Every namespace enforces PSA baseline or restricted (team namespaces restricted); only allow-listed system namespaces may be privileged.",
    resourceRules: [onWrite("", "v1", ["namespaces", ...OBJECT_SUBRESOURCES.namespaces])],
    variables: {
      labels: NAMESPACE_LABELS_EXPRESSION,
      enforce: ENFORCE_LEVEL_EXPRESSION,
      privilegedAllowed: privilegedAllowedExpression(settings),
    },
    validations: [
      {
        expression: ENFORCES_POD_SECURITY_EXPRESSION,
        message: `the namespace must carry ${ENFORCE}=baseline or restricted`,
        messageExpression: `'namespace ' + object.metadata.name + ${celString(` must carry ${ENFORCE}=baseline|restricted (only allow-listed system namespaces may be privileged), got "`)} + variables.enforce + '"'`,
      },
      {
        expression: TEAM_NAMESPACE_RESTRICTED_EXPRESSION,
        message: `a team namespace must enforce ${ENFORCE}=restricted`,
        messageExpression: `'team namespace ' + object.metadata.name + ${celString(` must carry ${ENFORCE}=restricted, got "`)} + variables.enforce + '"'`,
      },
    ],
  });
}
