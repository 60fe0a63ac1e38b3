/**
 * `spec.nodeName` through the back door: a Binding (`pods/binding`, or the legacy `bindings`
 * resource) places an unscheduled pod on any node, system pool included, without the scheduler's
 * taint and priority checks. Binding is the scheduler's job, so only kube-scheduler and platform
 * principals may create one. (Team roles never grant it; a `*` namespace role does.)
 */
import { SCHEDULER_USER } from "../kubernetes";
import { celString, denyPolicy, platformPrincipalExpression } from "./cel";
import type { AdmissionPolicyDefinition, GuardrailSettings } from "./types";

export const POD_BINDING_POLICY = "aks-hardening-pod-binding-scheduler-only";

export function podBindingPolicy(settings: GuardrailSettings): AdmissionPolicyDefinition {
  return denyPolicy({
    name: POD_BINDING_POLICY,
    description: `Only ${SCHEDULER_USER} and platform principals bind pods to nodes (pods/binding, bindings).`,
    resourceRules: [
      {
        apiGroups: [""],
        apiVersions: ["v1"],
        operations: ["CREATE"],
        resources: ["bindings", "pods/binding"],
      },
    ],
    variables: { isPlatform: platformPrincipalExpression(settings) },
    validations: [
      {
        expression: `variables.isPlatform || request.userInfo.username == ${celString(SCHEDULER_USER)}`,
        message: `only ${SCHEDULER_USER} and platform principals may bind pods to nodes`,
        messageExpression: `request.userInfo.username + ' may not bind pod ' + request.name + ' to node ' + (has(object.target) && has(object.target.name) ? object.target.name : '') + ${celString(` (only ${SCHEDULER_USER} and platform principals)`)}`,
      },
    ],
  });
}
