/**
 * `k8s-workload-placement` (issue 13) on the placement world, then a team workload that could land
 * on NMI's or the system pool's nodes.
 */
import type { EvaluatedResource } from "../../../policy-pack/evaluate";
import { byName, describePolicy, UNKNOWN } from "../harness";
import { world } from "./placement-fixtures";

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
