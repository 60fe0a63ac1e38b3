/**
 * Control-plane audit logs reach Log Analytics: every AKS cluster in the stack has a diagnostic
 * setting that ships `kube-audit-admin` (or `kube-audit`) and `guard`. This is how exec into the
 * identity namespace and RBAC changes are seen (the monitoring recommendation of the threat model in the README).
 */
import type { PolicyResource } from "@pulumi/policy";
import { judged, Judge, Props } from "../lib/judge";
import { PackStackPolicy } from "../lib/metadata";

const CLUSTER_TYPE = "azure-native:containerservice:ManagedCluster";
const DIAGNOSTIC_SETTING_TYPE = "azure-native:monitor:DiagnosticSetting";

/** Log categories (or category groups) a diagnostic setting enables. */
function enabledCategories(judge: Judge, setting: PolicyResource): Set<string> {
  const enabled = new Set<string>();
  for (const log of judge.items(() => setting.props.logs as Props[] | undefined)) {
    if (judge.read(() => log.enabled) !== true) continue;
    const category = judge.read(() => (log.category ?? log.categoryGroup) as string | undefined);
    if (typeof category === "string") enabled.add(category.toLowerCase());
  }
  return enabled;
}

/** Whether `setting` targets `cluster`: by the cluster's ID, or by depending on it for its resourceUri. */
function targets(judge: Judge, setting: PolicyResource, cluster: PolicyResource): boolean {
  if (setting.dependencies.some((d) => d.urn === cluster.urn)) return true;
  if ((setting.propertyDependencies.resourceUri ?? []).some((d) => d.urn === cluster.urn)) return true;
  const uri = judge.read(() => setting.props.resourceUri as string | undefined);
  const id = judge.read(() => cluster.props.id as string | undefined);
  return typeof uri === "string" && typeof id === "string" && uri.toLowerCase() === id.toLowerCase();
}

function coversAudit(categories: Set<string>): boolean {
  const audit = ["kube-audit-admin", "kube-audit", "audit", "alllogs"].some((c) => categories.has(c));
  const guard = ["guard", "audit", "alllogs"].some((c) => categories.has(c));
  return audit && guard;
}

export const aksAuditLogs: PackStackPolicy = {
  name: "aks-audit-logs",
  description:
    "Each AKS cluster has a diagnostic setting that sends the kube-audit-admin (or kube-audit) and guard logs to a workspace, so exec into the identity namespace and RBAC changes are recorded.",
  severity: "medium",
  remediationSteps:
    'Add `new monitor.DiagnosticSetting(..., { resourceUri: cluster.id, workspaceId, logs: [{ category: "kube-audit-admin", enabled: true }, { category: "guard", enabled: true }] })`.',
  tags: [],
  validateStack: (args, report) =>
    judged(report, (j) => {
      const clusters = args.resources.filter((r) => r.type === CLUSTER_TYPE);
      const settings = args.resources.filter((r) => r.type === DIAGNOSTIC_SETTING_TYPE);
      for (const cluster of clusters) {
        const covered = settings.some((s) => targets(j, s, cluster) && coversAudit(enabledCategories(j, s)));
        if (!covered) {
          j.report(
            `Cluster ${cluster.name} has no diagnostic setting enabling kube-audit-admin and guard logs.`,
            cluster.urn,
          );
        }
      }
    }),
};
