/**
 * The world of the issue-13 twins (workload placement, Service externalIPs, MIC/NMI priority,
 * approved client-ID pairs): a team namespace that approves its one identity, a team workload and
 * Service, and NMI and MIC at their system priority classes. Smaller than the hardened world, so a
 * case breaks exactly the field it names.
 */
import type { EvaluatedResource } from "../../../policy-pack/evaluate";
import { k8s } from "../harness";

export const RG = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-aks-payments";
const OWN_ID = `${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/payments-api`;
export const OWN_CLIENT = "11111111-2222-4333-8444-555555555555";

export function world(): EvaluatedResource[] {
  const image = (c: string) => `mcr.microsoft.com/oss/azure/aad-pod-identity/${c}:v1.8.17`;
  return [
    k8s("core/v1", "Namespace", "ns-payments", {
      metadata: {
        name: "payments",
        labels: { "aks-hardening.io/team": "payments" },
        annotations: {
          "aks-hardening.io/azure-resource-group-id": RG,
          "aks-hardening.io/approved-identities": `${OWN_CLIENT}=${OWN_ID}`,
        },
      },
    }),
    k8s("aadpodidentity.k8s.io/v1", "AzureIdentity", "payments-api", {
      metadata: { name: "payments-api", namespace: "payments" },
      spec: { type: 0, resourceID: OWN_ID, clientID: OWN_CLIENT },
    }),
    k8s("apps/v1", "Deployment", "api", {
      metadata: { name: "api", namespace: "payments" },
      spec: {
        template: {
          spec: {
            priorityClassName: "payments-high",
            tolerations: [{ key: "gpu", operator: "Exists" }],
            containers: [{ name: "api", image: "example.azurecr.io/api:1" }],
          },
        },
      },
    }),
    k8s("core/v1", "Service", "api-svc", {
      metadata: { name: "api", namespace: "payments" },
      spec: { ports: [{ port: 80 }], selector: { app: "api" } },
    }),
    k8s("apps/v1", "DaemonSet", "nmi", {
      metadata: { name: "nmi", namespace: "aad-pod-identity" },
      spec: {
        template: {
          spec: {
            priorityClassName: "system-node-critical",
            tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists" }],
            containers: [{ name: "nmi", image: image("nmi") }],
          },
        },
      },
    }),
    k8s("apps/v1", "Deployment", "mic", {
      metadata: { name: "mic", namespace: "aad-pod-identity" },
      spec: {
        template: {
          spec: {
            priorityClassName: "system-cluster-critical",
            containers: [{ name: "mic", image: image("mic") }],
          },
        },
      },
    }),
  ];
}
