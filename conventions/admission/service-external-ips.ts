/**
 * CVE-2020-8554: whoever may create or update a Service may set `spec.externalIPs`, and kube-proxy
 * then sends traffic for those addresses (e.g. the cluster DNS, another team's endpoint, IMDS) to
 * that Service's pods. Kubernetes' own answer, the DenyServiceExternalIPs admission plugin, cannot
 * be switched on in AKS; this policy does the same for everyone but platform principals, in every
 * namespace. An unchanged list on update is allowed (objects the platform created stay editable).
 */
import { denyPolicy, onWrite, platformPrincipalExpression } from "./cel";
import type { AdmissionPolicyDefinition, GuardrailSettings } from "./types";

export const SERVICE_EXTERNAL_IPS_POLICY = "aks-hardening-service-external-ips";

export const EXTERNAL_IPS_EXPRESSION =
  "has(object.spec) && has(object.spec.externalIPs) ? object.spec.externalIPs : []";

export const OLD_EXTERNAL_IPS_EXPRESSION =
  "request.operation == 'UPDATE' && has(oldObject.spec) && has(oldObject.spec.externalIPs) ? oldObject.spec.externalIPs : []";

export function serviceExternalIpsPolicy(settings: GuardrailSettings): AdmissionPolicyDefinition {
  return denyPolicy({
    name: SERVICE_EXTERNAL_IPS_POLICY,
    description:
      "Only platform principals set Service spec.externalIPs (CVE-2020-8554: external IPs capture other pods' and nodes' traffic).",
    resourceRules: [onWrite("", "v1", ["services"])],
    variables: {
      isPlatform: platformPrincipalExpression(settings),
      externalIps: EXTERNAL_IPS_EXPRESSION,
      oldExternalIps: OLD_EXTERNAL_IPS_EXPRESSION,
    },
    validations: [
      {
        expression:
          "variables.isPlatform || size(variables.externalIps) == 0 || variables.externalIps == variables.oldExternalIps",
        message: "only platform principals may set spec.externalIPs on a Service",
        messageExpression:
          "'Service ' + object.metadata.name + ': spec.externalIPs ' + variables.externalIps.join(', ') + ' may be set by platform principals only (CVE-2020-8554)'",
      },
    ],
  });
}
