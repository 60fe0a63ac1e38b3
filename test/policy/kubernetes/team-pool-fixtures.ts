/**
 * The world of the team node-pool policies (issue 15): a cluster with its system pool, a shared user
 * pool and catalog's own pool, catalog's identity and workload on that pool, a payments workload
 * without one, and NMI tolerating every team's pool.
 */
import type { EvaluatedResource } from "../../../policy-pack/evaluate";
import { k8s, resource } from "../harness";

export const KEY = "aks-hardening.io/team-pool";
export const own = (team: string) => ({
  nodeSelector: { [KEY]: team },
  tolerations: [{ key: KEY, operator: "Equal", value: team, effect: "NoSchedule" }],
});

export function world(): EvaluatedResource[] {
  const deployment = (name: string, namespace: string, spec: Record<string, unknown>) =>
    k8s("apps/v1", "Deployment", name, {
      metadata: { name, namespace },
      spec: {
        template: { spec: { ...spec, containers: [{ name: "app", image: "example.azurecr.io/a:1" }] } },
      },
    });
  return [
    resource("azure-native:containerservice:ManagedCluster", "aks", {
      agentPoolProfiles: [
        { name: "system", mode: "System", nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"] },
      ],
    }),
    resource("azure-native:containerservice:AgentPool", "pool-apps", { agentPoolName: "apps", mode: "User" }),
    resource("azure-native:containerservice:AgentPool", "pool-catalog", {
      agentPoolName: "catalog",
      mode: "User",
      nodeLabels: { [KEY]: "catalog" },
      nodeTaints: [`${KEY}=catalog:NoSchedule`],
    }),
    k8s("core/v1", "Namespace", "ns-catalog", {
      metadata: { name: "catalog", labels: { "aks-hardening.io/team": "catalog" } },
    }),
    k8s("aadpodidentity.k8s.io/v1", "AzureIdentity", "catalog-reader", {
      metadata: { name: "catalog-reader", namespace: "catalog" },
      spec: { type: 0, resourceID: "/x", clientID: "y" },
    }),
    deployment("api", "catalog", own("catalog")),
    deployment("ledger", "payments", { nodeSelector: { "kubernetes.io/os": "linux" } }),
    k8s("apps/v1", "DaemonSet", "nmi", {
      metadata: { name: "nmi", namespace: "aad-pod-identity" },
      spec: {
        template: {
          spec: {
            tolerations: [{ key: KEY, operator: "Exists" }],
            containers: [{ name: "nmi", image: "n" }],
          },
        },
      },
    }),
  ];
}
