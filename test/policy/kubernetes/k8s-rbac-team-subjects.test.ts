/**
 * `k8s-rbac-team-subjects`: RoleBindings in a team's namespaces name only that team and the
 * platform; the config files list exactly the teams of their stack files.
 */
import { readFileSync } from "fs";
import path from "path";
import { parse } from "yaml";
import { evaluatePolicies, type EvaluatedResource } from "../../../policy-pack/evaluate";
import { policies } from "../../../policy-pack/policies";
import { byName, describePolicy, k8s, resource, UNKNOWN } from "../harness";

const PLATFORM = "30ad0ca3-cc4a-49af-b234-677d4f218dbc";
const PAYMENTS = "5754ec6f-95a4-4ad1-a1a1-dc14d0d3a2f6";
const CATALOG = "4886c8c9-ba7a-4d64-900c-690eac568a2f";
const SETTINGS = {
  platformGroups: [PLATFORM],
  teams: {
    payments: { groups: [PAYMENTS], namespaces: ["payments", "payments-batch"] },
    catalog: { groups: [CATALOG], namespaces: ["catalog"] },
  },
};

const binding = (
  name: string,
  namespace: string | undefined,
  subjects: Record<string, string>[],
  extra = {},
) =>
  k8s(
    "rbac.authorization.k8s.io/v1",
    "RoleBinding",
    name,
    {
      metadata: { name, ...(namespace ? { namespace } : {}) },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "edit" },
      subjects,
    },
    extra,
  );

describePolicy({
  policy: "k8s-rbac-team-subjects",
  settings: SETTINGS,
  fixture: () => [
    binding("developers", "payments", [
      { kind: "Group", name: PAYMENTS },
      { kind: "Group", name: PLATFORM },
    ]),
    binding("ci", "payments-batch", [
      { kind: "ServiceAccount", name: "ci" },
      { kind: "ServiceAccount", name: "deployer", namespace: "payments" },
      { kind: "User", name: "system:serviceaccount:payments:runner" },
      { kind: "Group", name: "system:serviceaccounts:payments-batch" },
    ]),
    // Not a team namespace: judged by the other RBAC policies only.
    binding("tools", "platform-tools", [{ kind: "Group", name: CATALOG }]),
  ],
  mutations: [
    {
      name: "another team's group given edit in a team namespace",
      mutate: (rs) => void byName(rs, "developers").subjects.push({ kind: "Group", name: CATALOG }),
      expect: new RegExp(
        `RoleBinding developers in payments \\(team payments\\) names subjects outside the team: Group ${CATALOG}`,
      ),
    },
    {
      name: "another team's service account",
      mutate: (rs) =>
        void byName(rs, "ci").subjects.push({ kind: "ServiceAccount", name: "x", namespace: "catalog" }),
      expect: /ServiceAccount catalog\/x/,
    },
    {
      name: "another team's service account spelled as a user",
      mutate: (rs) =>
        void byName(rs, "ci").subjects.push({ kind: "User", name: "system:serviceaccount:catalog:x" }),
      expect: /User system:serviceaccount:catalog:x/,
    },
    {
      name: "an individual user",
      mutate: (rs) =>
        void byName(rs, "developers").subjects.push({ kind: "User", name: "mallory@example.com" }),
      expect: /User mallory@example.com/,
    },
  ],
  unknown: {
    name: "one subject's name (a known foreign subject beside it is still reported)",
    mutate: (rs) =>
      void byName(rs, "developers").subjects.push(
        { kind: "Group", name: UNKNOWN },
        { kind: "Group", name: CATALOG },
      ),
    stillReports: new RegExp(`Group ${CATALOG}`),
  },
});

describe("k8s-rbac-team-subjects beyond the fixture", () => {
  const mandatory = async (resources: EvaluatedResource[], list = policies) =>
    (
      await evaluatePolicies(resources, { policies: list, config: { "k8s-rbac-team-subjects": SETTINGS } })
    ).filter((v) => v.enforcementLevel === "mandatory" && v.policyName === "k8s-rbac-team-subjects");

  it("judges a binding without metadata.namespace in its provider's namespace", async () => {
    const provider = resource("pulumi:providers:kubernetes", "payments", { namespace: "payments" });
    const hidden = binding("hidden", undefined, [{ kind: "Group", name: CATALOG }], {
      provider: `${provider.urn}::id`,
    });
    expect((await mandatory([provider, hidden])).map((v) => v.message)).toEqual([
      expect.stringMatching(/RoleBinding hidden in payments \(team payments\)/),
    ]);
  });

  it("is the control: without it, the whole pack lets the cross-team grant through", async () => {
    const grant = [binding("grant", "payments", [{ kind: "Group", name: CATALOG }])];
    expect(await mandatory(grant)).toHaveLength(1);
    const others = policies.filter((p) => p.name !== "k8s-rbac-team-subjects");
    const rest = (await evaluatePolicies(grant, { policies: others, config: {} })).filter(
      (v) => v.enforcementLevel === "mandatory",
    );
    expect(rest).toEqual([]);
  });

  it.each(["dev", "prod", "local"])(
    "config/%s.json lists exactly the teams of stacks/Pulumi.%s.yaml",
    (stack) => {
      const root = path.join(__dirname, "../../..");
      const config = parse(readFileSync(path.join(root, `stacks/Pulumi.${stack}.yaml`), "utf8")).config;
      const pack = JSON.parse(readFileSync(path.join(root, `policy-pack/config/${stack}.json`), "utf8"));
      const expected = Object.fromEntries(
        (
          config["aks-hardening:teams"] as {
            name: string;
            developerGroupIds: string[];
            namespaces: string[];
          }[]
        ).map((t) => [t.name, { groups: t.developerGroupIds, namespaces: t.namespaces }]),
      );
      expect(pack["k8s-rbac-team-subjects"]).toEqual({
        platformGroups: config["aks-hardening:platformGroupIds"] ?? [],
        teams: expected,
      });
    },
  );
});
