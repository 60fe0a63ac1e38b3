/**
 * The pack's preview-time twins of the issue-13 admission rules: workload placement (system
 * priority classes, platform-pool tolerations, nodeName), Service externalIPs, MIC/NMI priority,
 * and approved clientID/resourceID pairs. One compliant world, one mutation per case.
 */
import type { EvaluatedResource } from "../../policy-pack/evaluate";
import { byName, describePolicy, k8s, UNKNOWN } from "./harness";

const RG = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-aks-payments";
const OWN_ID = `${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/payments-api`;
const OWN_CLIENT = "11111111-2222-4333-8444-555555555555";
const OTHER_CLIENT = "99999999-2222-4333-8444-555555555555";

function world(): EvaluatedResource[] {
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

const apiSpec = (rs: EvaluatedResource[]) => byName(rs, "api").spec.template.spec;

describePolicy({
  policy: "k8s-workload-placement",
  fixture: world,
  mutations: [
    {
      name: "system-node-critical in a team workload (preempts NMI)",
      mutate: (rs) => void (apiSpec(rs).priorityClassName = "system-node-critical"),
      expect: /priorityClassName system-node-critical is reserved to the platform/,
    },
    {
      name: "a CriticalAddonsOnly toleration",
      mutate: (rs) => void apiSpec(rs).tolerations.push({ key: "CriticalAddonsOnly", operator: "Exists" }),
      expect: /tolerates CriticalAddonsOnly/,
    },
    {
      name: "a toleration of every taint",
      mutate: (rs) => void apiSpec(rs).tolerations.push({ operator: "Exists" }),
      expect: /tolerates every taint/,
    },
    {
      name: "spec.nodeName",
      mutate: (rs) => void (apiSpec(rs).nodeName = "aks-system-00000000"),
      expect: /spec.nodeName "aks-system-00000000" skips the scheduler/,
    },
    {
      name: "a reserved taint key added by config (a dedicated pool)",
      mutate: (rs) => void apiSpec(rs).tolerations.push({ key: "pool", value: "catalog" }),
      settings: { reservedTaintKeys: ["CriticalAddonsOnly", "pool"] },
      expect: /tolerates pool/,
    },
    {
      name: "the identity namespace no longer exempt",
      mutate: () => undefined,
      settings: { exemptNamespaces: [] },
      expect: /DaemonSet nmi: tolerates CriticalAddonsOnly/,
    },
  ],
  unknown: {
    name: "nodeName, beside a system priority class",
    mutate: (rs) => {
      apiSpec(rs).nodeName = UNKNOWN;
      apiSpec(rs).priorityClassName = "system-cluster-critical";
    },
    stillReports: /priorityClassName system-cluster-critical/,
  },
});

describePolicy({
  policy: "k8s-service-no-external-ips",
  fixture: world,
  mutations: [
    {
      name: "externalIPs (CVE-2020-8554)",
      mutate: (rs) => void (byName(rs, "api-svc").spec.externalIPs = ["10.0.0.10"]),
      expect: /Service api-svc: spec.externalIPs 10.0.0.10/,
    },
  ],
  unknown: {
    name: "one external IP, beside a known one",
    mutate: (rs) => void (byName(rs, "api-svc").spec.externalIPs = [UNKNOWN, "10.0.0.10"]),
    stillReports: /10.0.0.10/,
  },
});

describePolicy({
  policy: "pod-identity-components-priority",
  fixture: world,
  mutations: [
    {
      name: "NMI without a priority class",
      mutate: (rs) => void delete byName(rs, "nmi").spec.template.spec.priorityClassName,
      expect: /DaemonSet nmi: NMI runs at priorityClassName "\(none\)", must be system-node-critical/,
    },
    {
      name: "MIC at the node-critical class of NMI",
      mutate: (rs) => void (byName(rs, "mic").spec.template.spec.priorityClassName = "system-node-critical"),
      expect: /MIC runs at priorityClassName "system-node-critical", must be system-cluster-critical/,
    },
  ],
  unknown: {
    name: "NMI's priority class",
    mutate: (rs) => void (byName(rs, "nmi").spec.template.spec.priorityClassName = UNKNOWN),
  },
});

describePolicy({
  policy: "pod-identity-client-id-pairs",
  fixture: world,
  mutations: [
    {
      name: "own resourceID with another team's clientID",
      mutate: (rs) => void (byName(rs, "payments-api").spec.clientID = OTHER_CLIENT),
      expect: new RegExp(`clientID=resourceID ${OTHER_CLIENT}=.* is not approved for namespace payments`),
    },
    {
      name: "one clientID with two resourceIDs",
      mutate: (rs) => [
        ...rs,
        k8s("aadpodidentity.k8s.io/v1", "AzureIdentity", "payments-twin", {
          metadata: { name: "payments-twin", namespace: "elsewhere" },
          spec: {
            type: 0,
            resourceID: `${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/twin`,
            clientID: OWN_CLIENT,
          },
        }),
      ],
      expect: /clientID 1111.* is also AzureIdentity payments-api's, with another resourceID/,
    },
    {
      name: "the namespace approves no identity",
      mutate: (rs) =>
        void delete byName(rs, "ns-payments").metadata.annotations["aks-hardening.io/approved-identities"],
      expect: /is not approved for namespace payments/,
    },
  ],
  unknown: {
    name: "the identity's clientID",
    mutate: (rs) => void (byName(rs, "payments-api").spec.clientID = UNKNOWN),
  },
});
