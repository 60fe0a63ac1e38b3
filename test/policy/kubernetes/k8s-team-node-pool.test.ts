/**
 * `k8s-team-node-pool` (issue 15) on the team-pool world, then a team workload missing its own pool
 * or reaching another team's; and the pack config files give it exactly the teams and pools of their
 * stacks.
 */
import { readFileSync } from "fs";
import path from "path";
import { parse } from "yaml";
import type { EvaluatedResource } from "../../../policy-pack/evaluate";
import { byName, describePolicy, UNKNOWN } from "../harness";
import { KEY, own, world } from "./team-pool-fixtures";

const SETTINGS = {
  teams: {
    catalog: { namespaces: ["catalog"], dedicatedPool: true },
    payments: { namespaces: ["payments"], dedicatedPool: false },
  },
};

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

describe("k8s-team-node-pool beyond the fixture", () => {
  it.each(["dev", "prod", "local"])(
    "config/%s.json gives k8s-team-node-pool exactly the teams and dedicated pools of stacks/Pulumi.%s.yaml",
    (stack) => {
      const root = path.join(__dirname, "../../..");
      const config = parse(readFileSync(path.join(root, `stacks/Pulumi.${stack}.yaml`), "utf8")).config;
      const pack = JSON.parse(readFileSync(path.join(root, `policy-pack/config/${stack}.json`), "utf8"));
      const teams = config["aks-hardening:teams"] as {
        name: string;
        namespaces: string[];
        nodePool?: unknown;
      }[];
      expect(pack["k8s-team-node-pool"]).toEqual({
        teams: Object.fromEntries(
          teams.map((t) => [t.name, { namespaces: t.namespaces, dedicatedPool: t.nodePool !== undefined }]),
        ),
      });
    },
  );
});
