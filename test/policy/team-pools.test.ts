/**
 * The pack's twins of the team node-pool rules (issue 15): a team workload on its own pool only,
 * team pools labelled and tainted for one team, and a pool for every pod-identity team of a stack
 * that creates the cluster. One compliant world, one mutation per case.
 */
import type { EvaluatedResource } from "../../policy-pack/evaluate";
import { byName, describePolicy, k8s, resource, UNKNOWN } from "./harness";

const KEY = "aks-hardening.io/team-pool";
const own = (team: string) => ({
  nodeSelector: { [KEY]: team },
  tolerations: [{ key: KEY, operator: "Equal", value: team, effect: "NoSchedule" }],
});
const SETTINGS = {
  teams: {
    catalog: { namespaces: ["catalog"], dedicatedPool: true },
    payments: { namespaces: ["payments"], dedicatedPool: false },
  },
};

function world(): EvaluatedResource[] {
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

const spec = (rs: EvaluatedResource[], name: string) => byName(rs, name).spec.template.spec;

describePolicy({
  policy: "k8s-team-node-pool",
  fixture: world,
  settings: SETTINGS,
  mutations: [
    {
      name: "a workload of a team with a pool, without its selector",
      mutate: (rs) => void delete spec(rs, "api").nodeSelector,
      expect:
        /Deployment api in catalog \(team catalog\): team catalog has a dedicated node pool; set nodeSelector/,
    },
    {
      name: "a workload selecting another team's pool",
      mutate: (rs) => void Object.assign(spec(rs, "ledger"), own("catalog")),
      expect:
        /Deployment ledger in payments \(team payments\): nodeSelector aks-hardening.io\/team-pool=catalog is not team payments's pool/,
    },
    {
      name: "a workload tolerating another team's taint",
      mutate: (rs) => void (spec(rs, "ledger").tolerations = own("catalog").tolerations),
      expect: /tolerates aks-hardening.io\/team-pool \(Equal catalog\), beyond its own pool/,
    },
    {
      name: "a workload tolerating every team's pool (Exists)",
      mutate: (rs) => void spec(rs, "api").tolerations.push({ key: KEY, operator: "Exists" }),
      expect: /tolerates aks-hardening.io\/team-pool \(Exists <any>\)/,
    },
    {
      name: "a required node affinity to another team's pool",
      mutate: (rs) =>
        void (spec(rs, "api").affinity = {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: KEY, operator: "In", values: ["payments"] }] }],
            },
          },
        }),
      expect: /requires aks-hardening.io\/team-pool In \[payments\], beyond its own pool/,
    },
    {
      name: "the identity namespace no longer exempt (NMI tolerates every team's pool)",
      mutate: () => undefined,
      settings: { ...SETTINGS, exemptNamespaces: [] },
      expect: /DaemonSet nmi in aad-pod-identity: tolerates aks-hardening.io\/team-pool \(Exists <any>\)/,
    },
  ],
  unknown: {
    name: "a toleration's value, beside a foreign selector",
    mutate: (rs) => {
      spec(rs, "api").tolerations[0].value = UNKNOWN;
      spec(rs, "api").nodeSelector = { [KEY]: "payments" };
    },
    stillReports: /nodeSelector aks-hardening.io\/team-pool=payments is not team catalog's pool/,
  },
});

describePolicy({
  policy: "aks-team-node-pool",
  fixture: world,
  mutations: [
    {
      name: "a team pool without its taint (any pod could land there)",
      mutate: (rs) => void (byName(rs, "pool-catalog").nodeTaints = []),
      expect: /AgentPool pool-catalog: labelled for team catalog without the taint/,
    },
    {
      name: "a pool labelled for one team and tainted for another (shared)",
      mutate: (rs) => void (byName(rs, "pool-catalog").nodeTaints = [`${KEY}=payments:NoSchedule`]),
      expect: /labelled for team catalog but tainted for payments: one pool serves one team/,
    },
    {
      name: "a taint that only prefers",
      mutate: (rs) => void (byName(rs, "pool-catalog").nodeTaints = [`${KEY}=catalog:PreferNoSchedule`]),
      expect: /PreferNoSchedule does not keep other pods off/,
    },
    {
      name: "a team taint without the label",
      mutate: (rs) => void delete byName(rs, "pool-catalog").nodeLabels,
      expect: /taint aks-hardening.io\/team-pool=catalog without the label/,
    },
    {
      name: "a team pool in System mode",
      mutate: (rs) => void (byName(rs, "pool-catalog").mode = "System"),
      expect: /a team pool in System mode/,
    },
    {
      name: "an inline cluster pool labelled for a team, untainted",
      mutate: (rs) =>
        void byName(rs, "aks").agentPoolProfiles.push({ name: "inline", nodeLabels: { [KEY]: "x" } }),
      expect: /ManagedCluster aks pool inline: labelled for team x without the taint/,
    },
  ],
  unknown: {
    name: "a pool's label",
    mutate: (rs) => void (byName(rs, "pool-catalog").nodeLabels = { [KEY]: UNKNOWN }),
  },
});

describePolicy({
  policy: "aks-pod-identity-team-pools",
  fixture: world,
  mutations: [
    {
      name: "a pod-identity team without a pool labelled for it",
      mutate: (rs) => rs.filter((r) => r.name !== "pool-catalog"),
      expect:
        /team catalog \(namespace catalog, AzureIdentity catalog-reader\) has no node pool labelled aks-hardening.io\/team-pool=catalog/,
    },
  ],
  unknown: {
    name: "a pool's label",
    mutate: (rs) => void (byName(rs, "pool-catalog").nodeLabels = { [KEY]: UNKNOWN }),
  },
});
