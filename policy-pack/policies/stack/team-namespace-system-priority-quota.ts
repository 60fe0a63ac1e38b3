/**
 * Every team namespace holds a ResourceQuota that allows zero pods at the system priority classes:
 * the quota admission plugin then refuses such a pod from anyone, even past the placement policy
 * (a pod at `system-node-critical` on NMI's node would preempt NMI, issue 13).
 */
import type { PolicyResource } from "@pulumi/policy";
import { SYSTEM_PRIORITY_CLASSES, TEAM_LABEL } from "../../../conventions/kubernetes";
import { Judge, judged, Props, UNKNOWN } from "../lib/judge";
import { PackStackPolicy } from "../lib/metadata";
import { metadataEntry, metadataOf, namespacesByName } from "./support/stack-index";

const RESOURCE_QUOTA_TYPE = "kubernetes:core/v1:ResourceQuota";

/**
 * Whether the quota caps pods at zero for every system class; `UNKNOWN` until up. Scopes and further
 * expressions narrow what a quota counts (they are ANDed), so the cap must stand alone: no `scopes`,
 * one expression, `PriorityClass In` both classes.
 */
function capsSystemPriority(j: Judge, quota: PolicyResource): boolean | typeof UNKNOWN {
  const pods = j.read(() => (quota.props.spec?.hard as Props | undefined)?.pods);
  if (pods === UNKNOWN) return UNKNOWN;
  if (pods !== "0" && pods !== 0) return false;
  const scopes = j.list(() => quota.props.spec?.scopes as string[] | undefined);
  if (scopes.known.length > 0) return false;
  const expressions = j.list(() => quota.props.spec?.scopeSelector?.matchExpressions as Props[] | undefined);
  if (!expressions.complete || !scopes.complete) return UNKNOWN;
  if (expressions.known.length !== 1) return false;
  const [e] = expressions.known;
  const scopeName = j.read(() => e.scopeName);
  const operator = j.read(() => e.operator);
  const values = j.list(() => e.values as string[] | undefined);
  if (scopeName === UNKNOWN || operator === UNKNOWN || !values.complete) return UNKNOWN;
  return (
    scopeName === "PriorityClass" &&
    operator === "In" &&
    SYSTEM_PRIORITY_CLASSES.every((c) => values.known.includes(c))
  );
}

/** One namespace's verdict from several quotas: one that caps wins, then an undecided one. */
function merged(
  a: boolean | typeof UNKNOWN | undefined,
  b: boolean | typeof UNKNOWN,
): boolean | typeof UNKNOWN {
  if (a === true || b === true) return true;
  if (a === UNKNOWN || b === UNKNOWN) return UNKNOWN;
  return false;
}

export const teamNamespaceSystemPriorityQuota: PackStackPolicy = {
  name: "team-namespace-system-priority-quota",
  description: `Every team namespace (label ${TEAM_LABEL}) has a ResourceQuota of zero pods for the priority classes ${SYSTEM_PRIORITY_CLASSES.join(", ")}, so no pod there can preempt NMI or MIC, whoever creates it.`,
  severity: "high",
  remediationSteps: `Add a ResourceQuota in the namespace with \`hard: { pods: "0" }\` and \`scopeSelector.matchExpressions: [{ scopeName: PriorityClass, operator: In, values: [${SYSTEM_PRIORITY_CLASSES.join(", ")}] }]\` (the blueprint's TeamNamespaces does).`,
  tags: [],
  validateStack: (args, report) =>
    judged(report, (j) => {
      const verdicts = new Map<string, boolean | typeof UNKNOWN>();
      for (const r of args.resources) {
        if (r.type !== RESOURCE_QUOTA_TYPE) continue;
        const namespace = metadataOf(j, r, "namespace") ?? "default";
        if (typeof namespace !== "string") continue;
        verdicts.set(namespace, merged(verdicts.get(namespace), capsSystemPriority(j, r)));
      }
      for (const [name, namespace] of namespacesByName(j, args.resources)) {
        if (metadataEntry(j, namespace, "labels", TEAM_LABEL) === undefined) continue;
        const verdict = verdicts.get(name);
        if (verdict === true || verdict === UNKNOWN) continue;
        j.report(
          `Team namespace ${name} has no ResourceQuota of zero pods at ${SYSTEM_PRIORITY_CLASSES.join(", ")}: a pod there could preempt NMI.`,
          namespace.urn,
        );
      }
    }),
};
