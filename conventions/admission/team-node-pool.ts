/**
 * Identities stay on their team's nodes (issue 15): in a team namespace, pods and pod templates run
 * only on that team's dedicated pool (when it has one) and never on another team's.
 *
 * aad-pod-identity puts a managed identity on the scale set of every node where a pod using it
 * runs (MIC, standard mode) or on the pools the platform chose (managed mode). Whatever reaches a
 * node's IMDS (an evicted NMI, a host-network pod, a container escape) reaches every identity of
 * that scale set, so two teams on one node are one team for an attacker. A team's pool is labelled
 * and tainted `aks-hardening.io/team-pool=<team>` (`NoSchedule`), and this policy binds placement to
 * ownership, taking the team from the namespace's platform-only `aks-hardening.io/team` label:
 *
 * - a `nodeSelector` on the pool key must name the pod's own team;
 * - a team with a dedicated pool (compiled into the policy) must select it. The scheduler ANDs
 *   `nodeSelector` with required node affinity, so no affinity term can then widen placement;
 * - required node-affinity expressions on the pool key must be `In` the own team only (an `In` of
 *   another team, `NotIn`, `Exists`, `DoesNotExist` all reach pools that are not the team's);
 * - a toleration of the pool taint must be `Equal` to the own team (an `Exists` toleration of the
 *   key tolerates every team's pool).
 *
 * On a pod UPDATE, `nodeSelector` and `affinity` are immutable (judged when the pod was created)
 * and only tolerations can be added, so only a changed toleration list is judged there: a pod that
 * predates the policy (existing mode) can still be updated by its controllers (ownerReferences,
 * finalizers, labels), while its Deployment is refused until it selects the team's pool.
 *
 * `spec.nodeName` (which skips the scheduler and with it taints and selectors: a `NoSchedule` taint
 * lets pods "submitted to Kubelet without going through the scheduler" start) stays refused by
 * `aks-hardening-team-pod-placement`, and `pods/binding` by `aks-hardening-pod-binding-scheduler-only`.
 * Preferred affinity is left alone: it cannot place a pod where the required rules forbid. Platform
 * principals are exempt (they run the platform's own components). Which teams have a pool is
 * compiled into the policy, like the team grants: a namespace labelled with an unknown team gets
 * the "never another team's pool" rules only.
 */
import { TEAM_LABEL, TEAM_POOL_KEY } from "../kubernetes";
import { celString, celStringList, denyPolicy, onWrite, platformPrincipalExpression } from "./cel";
import { POD_SPEC_EXPRESSION, WORKLOAD_TEMPLATE_RULES } from "./identity-namespace-workloads";
import type { AdmissionPolicyDefinition, GuardrailSettings } from "./types";

export const TEAM_NODE_POOL_POLICY = "aks-hardening-team-node-pool";

const KEY = celString(TEAM_POOL_KEY);

/** The pool the pod's `nodeSelector` names, or `''`. */
export const POOL_SELECTOR_EXPRESSION =
  `has(variables.podSpec.nodeSelector) && ${KEY} in variables.podSpec.nodeSelector` +
  ` ? variables.podSpec.nodeSelector[${KEY}] : ''`;

/** Tolerations of the pool taint that are not exactly the own team's, described. */
export const FOREIGN_POOL_TOLERATIONS_EXPRESSION =
  "(has(variables.podSpec.tolerations) ? variables.podSpec.tolerations : [])" +
  `.filter(t, has(t.key) && t.key == ${KEY}` +
  " && !((!has(t.operator) || t.operator == 'Equal') && has(t.value) && t.value == variables.team))" +
  " .map(t, (has(t.operator) ? t.operator : 'Equal') + ' ' + (has(t.value) ? t.value : '<any>'))";

/**
 * Required node-affinity expressions on the pool key that reach beyond the own team's pool. CEL has
 * no flatMap, so each term's offending expressions are folded into one string per term and the
 * empty strings (clean terms) dropped.
 */
export const FOREIGN_POOL_AFFINITY_TERMS_EXPRESSION =
  "(has(variables.podSpec.affinity) && has(variables.podSpec.affinity.nodeAffinity)" +
  " && has(variables.podSpec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution)" +
  " ? variables.podSpec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms : [])" +
  ".map(term, (has(term.matchExpressions) ? term.matchExpressions : [])" +
  `.filter(e, e.key == ${KEY} && !(e.operator == 'In' && has(e.values) && size(e.values) > 0` +
  " && e.values.all(v, v == variables.team)))" +
  ".map(e, e.operator + (has(e.values) ? ' [' + e.values.join(', ') + ']' : '')).join('; '))" +
  ".filter(s, s != '')";

export function teamNodePoolPolicy(settings: GuardrailSettings): AdmissionPolicyDefinition {
  const isolated = (settings.teams ?? []).filter((t) => t.dedicatedPool).map((t) => t.name);
  return denyPolicy({
    name: TEAM_NODE_POOL_POLICY,
    description:
      "In team namespaces, pods and pod templates select their own team's node pool (required when the team has one) and never select, require or tolerate another team's pool (platform principals excepted).",
    namespaceSelector: { matchExpressions: [{ key: TEAM_LABEL, operator: "Exists" }] },
    resourceRules: [onWrite("", "v1", ["pods"]), ...WORKLOAD_TEMPLATE_RULES],
    variables: {
      isPlatform: platformPrincipalExpression(settings),
      podSpec: POD_SPEC_EXPRESSION,
      team: `namespaceObject.metadata.labels[${celString(TEAM_LABEL)}]`,
      isolated: `variables.team in ${celStringList(isolated)}`,
      podUpdate: "request.operation == 'UPDATE' && request.resource.resource == 'pods'",
      tolerationsUnchanged:
        "variables.podUpdate && (has(oldObject.spec.tolerations) ? oldObject.spec.tolerations : []) == (has(object.spec.tolerations) ? object.spec.tolerations : [])",
      poolSelector: POOL_SELECTOR_EXPRESSION,
      foreignTolerations: FOREIGN_POOL_TOLERATIONS_EXPRESSION,
      foreignAffinity: FOREIGN_POOL_AFFINITY_TERMS_EXPRESSION,
    },
    validations: [
      {
        expression:
          "variables.isPlatform || variables.podUpdate || variables.poolSelector == '' || variables.poolSelector == variables.team",
        message: "team pods may select only their own team's node pool",
        messageExpression: `request.resource.resource + ' ' + object.metadata.name + ': nodeSelector ${TEAM_POOL_KEY}=' + variables.poolSelector + ' is not team ' + variables.team + '\\'s pool'`,
      },
      {
        expression:
          "variables.isPlatform || variables.podUpdate || !variables.isolated || variables.poolSelector == variables.team",
        message: "the team has a dedicated node pool: its pods must select it",
        messageExpression: `request.resource.resource + ' ' + object.metadata.name + ': team ' + variables.team + ' has a dedicated node pool; set nodeSelector ${TEAM_POOL_KEY}=' + variables.team + ' (its identities may reach no other node)'`,
      },
      {
        expression: "variables.isPlatform || variables.podUpdate || size(variables.foreignAffinity) == 0",
        message: "team pods may require only their own team's node pool",
        messageExpression: `request.resource.resource + ' ' + object.metadata.name + ': required node affinity on ${TEAM_POOL_KEY} (' + variables.foreignAffinity.join(' | ') + ') reaches beyond team ' + variables.team + '\\'s pool'`,
      },
      {
        expression:
          "variables.isPlatform || variables.tolerationsUnchanged || size(variables.foreignTolerations) == 0",
        message: "team pods may tolerate only their own team's node pool taint",
        messageExpression: `request.resource.resource + ' ' + object.metadata.name + ': tolerations of ${TEAM_POOL_KEY} (' + variables.foreignTolerations.join(', ') + ') reach beyond team ' + variables.team + '\\'s pool (tolerate it with operator Equal and value ' + variables.team + ')'`,
      },
    ],
  });
}
