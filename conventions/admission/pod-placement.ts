/**
 * NMI eviction and the system pool: pods in team namespaces stay off the platform's nodes and
 * below the platform's priority.
 *
 * A team pod with a system priority class preempts NMI on its node (kube-scheduler) or gets the
 * kubelet's critical-pod admission; NMI removes its iptables rules when it terminates, so IMDS is
 * then open to every pod on that node. A pod tolerating the system pool's taint, or naming a node
 * itself (`spec.nodeName` skips the scheduler and its taint check), lands where only critical
 * add-ons should run. So in a team namespace (label `aks-hardening.io/team`), pods and pod
 * templates may not use a `system-*` priority class (nor a priority above any user-definable
 * class), tolerate a platform pool's taint (or every taint), or set `spec.nodeName`. Platform
 * principals are exempt. The reserved taint keys are a parameter, so dedicated pools can be added.
 */
import { PLATFORM_POOL_TAINT_KEYS, TEAM_LABEL } from "../kubernetes";
import { celStringList, denyPolicy, onWrite, platformPrincipalExpression } from "./cel";
import { POD_SPEC_EXPRESSION, WORKLOAD_TEMPLATE_RULES } from "./identity-namespace-workloads";
import type { AdmissionPolicyDefinition, GuardrailSettings } from "./types";

export const POD_PLACEMENT_POLICY = "aks-hardening-team-pod-placement";

/** The highest priority a user-defined PriorityClass may have (`HighestUserDefinablePriority`). */
export const HIGHEST_USER_PRIORITY = 1_000_000_000;

export const PRIORITY_CLASS_EXPRESSION =
  "has(variables.podSpec.priorityClassName) ? variables.podSpec.priorityClassName : ''";

/**
 * No `system-` class (the prefix is reserved to the built-in classes) and, on pods, no resolved
 * priority above the user range (the Priority admission plugin has filled `spec.priority` by now).
 */
export const PRIORITY_ALLOWED_EXPRESSION =
  `!variables.priorityClass.startsWith('system-')` +
  ` && !(has(variables.podSpec.priority) && variables.podSpec.priority > ${HIGHEST_USER_PRIORITY})`;

/** Tolerations that match a reserved taint: its key, or an empty key with `Exists` (matches all). */
export function reservedTolerationsExpression(taintKeys: readonly string[]): string {
  return (
    "(has(variables.podSpec.tolerations) ? variables.podSpec.tolerations : [])" +
    `.filter(t, has(t.key) && t.key != '' ? t.key in ${celStringList(taintKeys)}` +
    " : (has(t.operator) && t.operator == 'Exists'))" +
    ".map(t, has(t.key) && t.key != '' ? t.key : '<every taint>')"
  );
}

/** `spec.nodeName` is unset, or unchanged on update (the scheduler's binding sets it). */
export const NODE_NAME_ALLOWED_EXPRESSION =
  "!has(variables.podSpec.nodeName) || variables.podSpec.nodeName == ''" +
  " || (request.operation == 'UPDATE' && request.resource.resource == 'pods'" +
  " && has(oldObject.spec.nodeName) && oldObject.spec.nodeName == variables.podSpec.nodeName)";

export function podPlacementPolicy(
  settings: GuardrailSettings,
  reservedTaintKeys: readonly string[] = PLATFORM_POOL_TAINT_KEYS,
): AdmissionPolicyDefinition {
  return denyPolicy({
    name: POD_PLACEMENT_POLICY,
    description:
      "In team namespaces, pods and pod templates use no system priority class, tolerate no platform node-pool taint and set no spec.nodeName (platform principals excepted).",
    namespaceSelector: { matchExpressions: [{ key: TEAM_LABEL, operator: "Exists" }] },
    resourceRules: [onWrite("", "v1", ["pods"]), ...WORKLOAD_TEMPLATE_RULES],
    variables: {
      isPlatform: platformPrincipalExpression(settings),
      podSpec: POD_SPEC_EXPRESSION,
      priorityClass: PRIORITY_CLASS_EXPRESSION,
      reservedTolerations: reservedTolerationsExpression(reservedTaintKeys),
    },
    validations: [
      {
        expression: `variables.isPlatform || (${PRIORITY_ALLOWED_EXPRESSION})`,
        message: "team pods may not use a system priority class (they would preempt NMI)",
        messageExpression:
          "request.resource.resource + ' ' + object.metadata.name + ': priority class \"' + variables.priorityClass + '\"' + (has(variables.podSpec.priority) ? ' (priority ' + string(variables.podSpec.priority) + ')' : '') + ' is reserved to the platform (a team pod could preempt NMI on its node)'",
      },
      {
        expression: "variables.isPlatform || size(variables.reservedTolerations) == 0",
        message: "team pods may not tolerate a platform node pool's taint",
        messageExpression:
          "request.resource.resource + ' ' + object.metadata.name + ': tolerations of ' + variables.reservedTolerations.join(', ') + ' are reserved to the platform (system pool)'",
      },
      {
        expression: `variables.isPlatform || (${NODE_NAME_ALLOWED_EXPRESSION})`,
        message: "team pods may not set spec.nodeName (it skips the scheduler's taint checks)",
        messageExpression:
          "request.resource.resource + ' ' + object.metadata.name + ': spec.nodeName \"' + variables.podSpec.nodeName + '\" is reserved to the platform and the scheduler (it skips taint checks)'",
      },
    ],
  });
}
