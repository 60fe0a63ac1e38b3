/**
 * Kubernetes RBAC is on: every in-cluster control (who may write identity objects, exec, read
 * secrets) rests on it.
 */
import { validateResourceOfType } from "@pulumi/policy";
import { ManagedCluster } from "@pulumi/azure-native/containerservice/managedCluster";
import { judged } from "../lib/judge";
import { PackResourcePolicy, cisTags } from "../lib/metadata";
import { isNot } from "./support/cluster";

export const aksKubernetesRbac: PackResourcePolicy = {
  name: "aks-kubernetes-rbac",
  description:
    "Kubernetes RBAC is enabled: every in-cluster control (who may write identity objects, exec, read secrets) rests on it.",
  severity: "critical",
  remediationSteps: "Set `enableRBAC: true`.",
  tags: cisTags(["4.1.1"]),
  validateResource: validateResourceOfType(ManagedCluster, (cluster, _args, report) =>
    judged(report, (j) => j.check(() => isNot(true)(cluster.enableRBAC), "enableRBAC must be true.")),
  ),
};
