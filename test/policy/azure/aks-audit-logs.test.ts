/**
 * `aks-audit-logs`: the hardened cluster with a diagnostic setting that ships its audit and guard
 * logs, then a setting missing, incomplete or aimed at another resource.
 */
import { byName, describePolicy, resource, UNKNOWN } from "../harness";
import { SUB, CLUSTER, hardenedCluster } from "./fixtures";

const CLUSTER_ID = `${SUB}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks`;
const auditFixture = () => [
  resource(CLUSTER, "aks", { ...hardenedCluster(), id: CLUSTER_ID }),
  resource("azure-native:monitor:DiagnosticSetting", "audit", {
    resourceUri: CLUSTER_ID,
    logs: [
      { category: "kube-audit-admin", enabled: true },
      { category: "guard", enabled: true },
    ],
  }),
];

describePolicy({
  policy: "aks-audit-logs",
  fixture: auditFixture,
  mutations: [
    {
      name: "no diagnostic setting",
      mutate: (rs) => rs.filter((r) => r.name !== "audit"),
      expect: /no diagnostic setting/,
    },
    {
      name: "guard log disabled",
      mutate: (rs) => void (byName(rs, "audit").logs[1].enabled = false),
      expect: /kube-audit-admin and guard/,
    },
    {
      name: "setting for another resource",
      mutate: (rs) => void (byName(rs, "audit").resourceUri = `${SUB}/resourceGroups/rg-aks`),
      expect: /no diagnostic setting/,
    },
  ],
  unknown: {
    name: "the setting's resourceUri (the cluster ID at preview), with no dependency recorded",
    mutate: (rs) => void (byName(rs, "audit").resourceUri = UNKNOWN),
    stillReports: /no diagnostic setting/,
  },
});
