/**
 * `team-namespace-system-priority-quota` on the hardened world with its zero-pod quotas, then a
 * quota missing or counting fewer pods than it should; and a capacity quota beside the cap, which it
 * must accept.
 */
import type { EvaluatedResource } from "../../../policy-pack/evaluate";
import { byName, describePolicy, k8s, run, UNKNOWN } from "../harness";
import { world } from "../kubernetes/fixtures";

const systemPriorityQuota = (name: string, namespace: string) =>
  k8s("core/v1", "ResourceQuota", name, {
    metadata: { name: "no-system-priority", namespace },
    spec: {
      hard: { pods: "0" },
      scopeSelector: {
        matchExpressions: [
          {
            scopeName: "PriorityClass",
            operator: "In",
            values: ["system-node-critical", "system-cluster-critical"],
          },
        ],
      },
    },
  });

describePolicy({
  policy: "team-namespace-system-priority-quota",
  fixture: () => [
    ...world(),
    systemPriorityQuota("quota-payments", "payments"),
    systemPriorityQuota("quota-catalog", "catalog"),
  ],
  mutations: [
    {
      name: "no quota in a team namespace",
      mutate: (rs) => rs.filter((r) => r.name !== "quota-catalog"),
      expect: /Team namespace catalog has no ResourceQuota of zero pods at system-node-critical/,
    },
    {
      name: "a quota that allows pods",
      mutate: (rs) => void (byName(rs, "quota-payments").spec.hard.pods = "10"),
      expect: /Team namespace payments has no ResourceQuota/,
    },
    {
      name: "a quota that leaves system-node-critical out",
      mutate: (rs) =>
        void (byName(rs, "quota-payments").spec.scopeSelector.matchExpressions[0].values = [
          "system-cluster-critical",
        ]),
      expect: /payments has no ResourceQuota/,
    },
    {
      name: "a quota narrowed by scopes",
      mutate: (rs) => void (byName(rs, "quota-payments").spec.scopes = ["Terminating"]),
      expect: /payments has no ResourceQuota/,
    },
    {
      name: "a second expression (ANDed: the quota counts fewer pods)",
      mutate: (rs) =>
        void byName(rs, "quota-payments").spec.scopeSelector.matchExpressions.push({
          scopeName: "Terminating",
          operator: "Exists",
        }),
      expect: /payments has no ResourceQuota/,
    },
    {
      name: "NotIn instead of In",
      mutate: (rs) =>
        void (byName(rs, "quota-payments").spec.scopeSelector.matchExpressions[0].operator = "NotIn"),
      expect: /payments has no ResourceQuota/,
    },
  ],
  unknown: {
    name: "one quota's selector, beside a namespace without quota",
    mutate: (rs) => {
      byName(rs, "quota-payments").spec.scopeSelector.matchExpressions = UNKNOWN;
      return rs.filter((r) => r.name !== "quota-catalog");
    },
    stillReports: /catalog has no ResourceQuota/,
  },
});

describe("team-namespace-system-priority-quota accepts", () => {
  const mandatory = async (policy: string, rs: EvaluatedResource[]) =>
    (await run(policy, rs)).filter((v) => v.enforcementLevel === "mandatory").map((v) => v.message);
  const quotas = () => [
    systemPriorityQuota("quota-payments", "payments"),
    systemPriorityQuota("quota-catalog", "catalog"),
  ];
  const capacity = k8s("core/v1", "ResourceQuota", "capacity", {
    metadata: { name: "team-quota", namespace: "payments" },
    spec: { hard: { pods: "50" } },
  });

  it.each([
    ["before", () => [capacity, ...world(), ...quotas()]],
    ["after", () => [...world(), ...quotas(), capacity]],
  ])("a capacity quota %s the cap, with the cap's values unknown", async (_order, make) => {
    const rs = make();
    byName(rs, "quota-payments").spec.scopeSelector.matchExpressions[0].values = UNKNOWN;
    expect(await mandatory("team-namespace-system-priority-quota", rs)).toEqual([]);
  });
});
