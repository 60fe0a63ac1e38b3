/**
 * `team-namespace-default-deny` on the hardened world, then a team namespace left open (no policy,
 * a partial one, an allow-all beside it, rules that add up to the whole internet); and what adds up
 * to less, which it must accept.
 */
import type { EvaluatedResource } from "../../../policy-pack/evaluate";
import { byName, describePolicy, k8s, run, UNKNOWN } from "../harness";
import { world } from "../kubernetes/fixtures";

describePolicy({
  policy: "team-namespace-default-deny",
  fixture: world,
  mutations: [
    {
      name: "no network policy",
      mutate: (rs) => rs.filter((r) => r.name !== "deny-catalog"),
      expect: /catalog has no default-deny NetworkPolicy for Ingress and Egress/,
    },
    {
      name: "ingress only",
      mutate: (rs) => void (byName(rs, "deny-payments").spec.policyTypes = ["Ingress"]),
      expect: /payments .* for Egress/,
    },
    {
      name: "allow-all egress rule",
      mutate: (rs) => void (byName(rs, "deny-payments").spec.egress = [{}]),
      expect: /payments .* for Egress/,
    },
    {
      name: "an allow-all egress policy beside the default deny",
      mutate: (rs) => [
        ...rs,
        k8s("networking.k8s.io/v1", "NetworkPolicy", "open", {
          metadata: { name: "open", namespace: "payments" },
          spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{}] },
        }),
      ],
      expect: /NetworkPolicy open in team namespace payments: egress\[0\] allows all traffic/,
    },
    {
      name: "an ingress rule from 0.0.0.0/0 on every port",
      mutate: (rs) => [
        ...rs,
        k8s("networking.k8s.io/v1", "NetworkPolicy", "open", {
          metadata: { name: "open", namespace: "catalog" },
          spec: { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }] },
        }),
      ],
      expect: /catalog: ingress\[0\] allows all traffic/,
    },
    {
      name: "an egress rule whose ports all lack a port number",
      mutate: (rs) => [
        ...rs,
        k8s("networking.k8s.io/v1", "NetworkPolicy", "open", {
          metadata: { name: "open", namespace: "payments" },
          spec: {
            podSelector: {},
            policyTypes: ["Egress"],
            egress: [{ ports: [{ protocol: "TCP" }, { protocol: "UDP" }] }],
          },
        }),
      ],
      expect: /payments: egress\[0\] allows all traffic/,
    },
    {
      name: "selects only some pods",
      mutate: (rs) => void (byName(rs, "deny-payments").spec.podSelector = { matchLabels: { app: "api" } }),
      expect: /payments has no default-deny/,
    },
    {
      name: "one egress rule to both halves of the internet",
      mutate: (rs) => [...rs, egressTo("halves", "payments", ["0.0.0.0/1", "128.0.0.0/1"])],
      expect:
        /rules halves egress\[0\] in team namespace payments together allow egress .* every IPv4 address/,
    },
    {
      name: "quarters of the internet in two policies, host bits set in one block",
      mutate: (rs) => [
        ...rs,
        egressTo("low", "payments", ["0.0.0.0/2", "64.0.0.1/2"]),
        egressTo("high", "payments", ["128.0.0.0/1"]),
      ],
      expect: /rules low egress\[0\], high egress\[0\] in team namespace payments together allow egress/,
    },
  ],
  unknown: {
    name: "one policy's podSelector, beside a namespace without policy",
    mutate: (rs) => {
      byName(rs, "deny-payments").spec.podSelector = UNKNOWN;
    },
    stillReports: /payments has no default-deny/,
  },
});

/**
 * An egress-only policy whose rules each reach `blocks` (one rule per list); `webPort` adds a rule to
 * 128.0.0.0/1 on that port only.
 */
function egressTo(
  name: string,
  namespace: string,
  ...rules: (string[] | number | undefined)[]
): EvaluatedResource {
  const blockRules = rules.filter((r): r is string[] => Array.isArray(r) && r.length > 0);
  const port = rules.find((r): r is number => typeof r === "number");
  const egress = [
    ...blockRules.map((cidrs) => ({ to: cidrs.map((cidr) => ({ ipBlock: { cidr } })) })),
    ...(port ? [{ to: [{ ipBlock: { cidr: "128.0.0.0/1" } }], ports: [{ protocol: "TCP", port }] }] : []),
  ];
  return k8s("networking.k8s.io/v1", "NetworkPolicy", name, {
    metadata: { name, namespace },
    spec: { podSelector: {}, policyTypes: ["Egress"], egress },
  });
}

describe("team-namespace-default-deny accepts", () => {
  const mandatory = async (policy: string, rs: EvaluatedResource[]) =>
    (await run(policy, rs)).filter((v) => v.enforcementLevel === "mandatory").map((v) => v.message);

  it.each([
    ["one half of the internet", [egressTo("half", "payments", ["0.0.0.0/1"])]],
    [
      "both halves, one on a single port",
      [egressTo("half", "payments", ["0.0.0.0/1"]), egressTo("web", "payments", [], undefined, 443)],
    ],
    [
      "both halves in different team namespaces",
      [egressTo("a", "payments", ["0.0.0.0/1"]), egressTo("b", "catalog", ["128.0.0.0/1"])],
    ],
  ])("accepts %s", async (_name, extra) => {
    expect(await mandatory("team-namespace-default-deny", [...world(), ...extra])).toEqual([]);
  });

  it("internet egress that excepts the cluster and IMDS", async () => {
    const rs = [
      ...world(),
      k8s("networking.k8s.io/v1", "NetworkPolicy", "internet", {
        metadata: { name: "internet", namespace: "payments" },
        spec: {
          podSelector: {},
          policyTypes: ["Egress"],
          egress: [
            { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "169.254.169.254/32"] } }] },
          ],
        },
      }),
    ];
    expect(await mandatory("team-namespace-default-deny", rs)).toEqual([]);
  });
});
