/**
 * The cross-team isolation rules (`conventions/isolation.ts`), judged directly: one tenancy with two
 * teams that keep apart, then one mutation per rule, each reported once under the key that was
 * declared, with the earlier owner named. The unmutated tenancy has no problem, so each case fails
 * because of its mutation alone.
 */
import { isolationProblems, MAX_SELECTOR_LENGTH, type Tenancy } from "../../conventions/isolation";
import { USER_ASSIGNED_IDENTITY_PATH } from "../../conventions/kubernetes";

const RG_A = "/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/rg-a";
const RG_B = "/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/rg-b";
const GROUP_A = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
const GROUP_B = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";
const ADMINS = "dddddddd-dddd-4ddd-8ddd-dddddddddddd";
const CLIENT_A = "11111111-1111-4111-8111-111111111111";
const CLIENT_B = "22222222-2222-4222-8222-222222222222";
const uami = (rg: string, name: string) => `${rg}${USER_ASSIGNED_IDENTITY_PATH}${name}`;

function tenancy(): Tenancy {
  return {
    privilegedGroups: [{ value: ADMINS, key: "platformGroupIds[0]" }],
    privilegedNamespaces: [{ value: "kube-system", key: "privilegedNamespaces[0]" }],
    clusterPools: [{ value: "system", key: "cluster.systemPool.name" }],
    teams: [
      {
        key: "teams[0]",
        name: "team-a",
        developerGroupIds: [{ value: GROUP_A, key: "teams[0].developerGroupIds[0]" }],
        namespaces: [
          { value: "team-a", key: "teams[0].namespaces[0]" },
          { value: "team-a-jobs", key: "teams[0].namespaces[1]" },
        ],
        resourceGroupId: { value: RG_A, key: "teams[0].resourceGroupId" },
        nodePool: { value: "poola", key: "teams[0].nodePool.name" },
        identities: [
          {
            key: "teams[0].identities[0]",
            name: "web",
            namespace: "team-a",
            serviceAccount: "web",
            clientId: { value: CLIENT_A, key: "teams[0].identities[0].clientId" },
            resourceId: { value: uami(RG_A, "web"), key: "teams[0].identities[0].resourceId" },
          },
        ],
      },
      {
        key: "teams[1]",
        name: "team-b",
        developerGroupIds: [{ value: GROUP_B, key: "teams[1].developerGroupIds[0]" }],
        namespaces: [{ value: "team-b", key: "teams[1].namespaces[0]" }],
        resourceGroupId: { value: RG_B, key: "teams[1].resourceGroupId" },
        nodePool: { value: "poolb", key: "teams[1].nodePool.name" },
        identities: [
          {
            key: "teams[1].identities[0]",
            name: "web",
            namespace: "team-b",
            serviceAccount: "web",
            clientId: { value: CLIENT_B, key: "teams[1].identities[0].clientId" },
            resourceId: { value: uami(RG_B, "web"), key: "teams[1].identities[0].resourceId" },
          },
        ],
      },
    ],
  };
}

type Mutable = {
  -readonly [K in keyof Tenancy]-?: NonNullable<Tenancy[K]> extends readonly (infer T)[] ? T[] : never;
};
type Team = Mutable["teams"][number];
const teamA = (t: Mutable) => t.teams[0] as Team & { identities: Team["identities"][number][] };
const teamB = (t: Mutable) => t.teams[1] as Team & { identities: Team["identities"][number][] };

const cases: [string, (t: Mutable) => void, { key: string; value: unknown; message: RegExp }][] = [
  [
    "a team name used twice",
    (t) => (t.teams[1] = { ...teamB(t), name: "team-a" }),
    { key: "teams[1].name", value: "team-a", message: /already used by teams\[0\]\.name/ },
  ],
  [
    "a developer group that is a platform group",
    (t) =>
      (t.teams[1] = {
        ...teamB(t),
        developerGroupIds: [{ value: ADMINS, key: "teams[1].developerGroupIds[0]" }],
      }),
    {
      key: "teams[1].developerGroupIds[0]",
      value: ADMINS,
      message: /platform\/admin group \(platformGroupIds\[0\]\)/,
    },
  ],
  [
    "a developer group shared by two teams, in another case",
    (t) =>
      (t.teams[1] = {
        ...teamB(t),
        developerGroupIds: [{ value: GROUP_A.toUpperCase(), key: "teams[1].developerGroupIds[0]" }],
      }),
    {
      key: "teams[1].developerGroupIds[0]",
      value: GROUP_A.toUpperCase(),
      message: /already team "team-a"'s developer group \(teams\[0\]\.developerGroupIds\[0\]\)/,
    },
  ],
  [
    "a namespace owned by two teams",
    (t) =>
      (t.teams[1] = {
        ...teamB(t),
        namespaces: [...teamB(t).namespaces, { value: "team-a-jobs", key: "teams[1].namespaces[1]" }],
      }),
    {
      key: "teams[1].namespaces[1]",
      value: "team-a-jobs",
      message: /already owned by team "team-a" \(teams\[0\]\.namespaces\[1\]\)/,
    },
  ],
  [
    "a team namespace listed as privileged",
    (t) => t.privilegedNamespaces.push({ value: "team-b", key: "privilegedNamespaces[1]" }),
    {
      key: "privilegedNamespaces[1]",
      value: "team-b",
      message: /owned by team "team-b" \(teams\[1\]\.namespaces\[0\]\)/,
    },
  ],
  [
    "a resource group shared by two teams, in another case",
    (t) =>
      (t.teams[1] = {
        ...teamB(t),
        resourceGroupId: { value: RG_A.toUpperCase(), key: "teams[1].resourceGroupId" },
        identities: [],
      }),
    {
      key: "teams[1].resourceGroupId",
      value: RG_A.toUpperCase(),
      message: /already team "team-a"'s resource group/,
    },
  ],
  [
    "a team pool that is the cluster's system pool",
    (t) => (t.teams[1] = { ...teamB(t), nodePool: { value: "system", key: "teams[1].nodePool.name" } }),
    { key: "teams[1].nodePool.name", value: "system", message: /already used by cluster\.systemPool\.name/ },
  ],
  [
    "a pool shared by two teams",
    (t) => (t.teams[1] = { ...teamB(t), nodePool: { value: "poola", key: "teams[1].nodePool.name" } }),
    {
      key: "teams[1].nodePool.name",
      value: "poola",
      message: /teams\[0\]\.nodePool\.name \(team "team-a"\)/,
    },
  ],
  [
    "an identity name used twice in a team",
    (t) =>
      teamA(t).identities.push({
        key: "teams[0].identities[1]",
        name: "web",
        namespace: "team-a-jobs",
        serviceAccount: "web-jobs",
      }),
    {
      key: "teams[0].identities[1].name",
      value: "web",
      message: /already used by teams\[0\]\.identities\[0\]\.name/,
    },
  ],
  [
    "an identity in another team's namespace",
    (t) => (teamB(t).identities[0] = { ...teamB(t).identities[0], namespace: "team-a" }),
    {
      key: "teams[1].identities[0].namespace",
      value: "team-a",
      message: /must be one of team "team-b"'s namespaces \(team-b\); it belongs to team "team-a"/,
    },
  ],
  [
    "a selector longer than a label value",
    (t) =>
      (teamA(t).identities[0] = {
        ...teamA(t).identities[0],
        name: "w".repeat(MAX_SELECTOR_LENGTH - "team-a".length),
      }),
    {
      key: "teams[0].identities[0]",
      value: `team-a.${"w".repeat(MAX_SELECTOR_LENGTH - 6)}`,
      message: /at most 63 characters \(has 64\)/,
    },
  ],
  [
    "two identities on one ServiceAccount",
    (t) =>
      teamA(t).identities.push({
        key: "teams[0].identities[1]",
        name: "api",
        namespace: "team-a",
        serviceAccount: "web",
      }),
    {
      key: "teams[0].identities[1].serviceAccount",
      value: "web",
      message: /already bound to teams\[0\]\.identities\[0\] in namespace "team-a"/,
    },
  ],
  [
    "another team's client ID",
    (t) =>
      (teamB(t).identities[0] = {
        ...teamB(t).identities[0],
        clientId: { value: CLIENT_A, key: "teams[1].identities[0].clientId" },
      }),
    {
      key: "teams[1].identities[0].clientId",
      value: CLIENT_A,
      message: /client ID of team "team-a"'s identity \(teams\[0\]\.identities\[0\]\.clientId\)/,
    },
  ],
  [
    "an identity outside its team's resource group",
    (t) =>
      (teamB(t).identities[0] = {
        ...teamB(t).identities[0],
        resourceId: { value: uami(RG_A, "web"), key: "teams[1].identities[0].resourceId" },
      }),
    {
      key: "teams[1].identities[0].resourceId",
      value: uami(RG_A, "web"),
      message: /must lie in team "team-b"'s resource group/,
    },
  ],
  [
    "one identity declared by two teams whose groups are unknown",
    (t) => {
      const { resourceGroupId: _a, ...a } = teamA(t);
      const { resourceGroupId: _b, ...b } = teamB(t);
      t.teams[0] = a;
      t.teams[1] = {
        ...b,
        identities: [
          {
            ...b.identities[0],
            resourceId: { value: uami(RG_A, "web"), key: "teams[1].identities[0].resourceId" },
          },
        ],
      };
    },
    {
      key: "teams[1].identities[0].resourceId",
      value: uami(RG_A, "web"),
      message: /already declared by team "team-a"/,
    },
  ],
  [
    // Components join names with "-": team-a + b-jobs and team-a-b + jobs make one Namespace name.
    "two teams' namespaces whose joined resource names collide",
    (t) => {
      t.teams[0] = {
        ...teamA(t),
        namespaces: [...teamA(t).namespaces, { value: "b-jobs", key: "teams[0].namespaces[2]" }],
      };
      t.teams[1] = {
        ...teamB(t),
        name: "team-a-b",
        namespaces: [{ value: "jobs", key: "teams[1].namespaces[0]" }],
        identities: [],
      };
    },
    {
      key: "teams[1].namespaces[0]",
      value: "jobs",
      message: /resource name "team-a-b-jobs", as teams\[0\]\.namespaces\[2\] does/,
    },
  ],
  [
    "one team's identities whose namespace and name join to the same objects' name",
    (t) => {
      t.teams[0] = {
        ...teamA(t),
        namespaces: [...teamA(t).namespaces, { value: "team-a-b", key: "teams[0].namespaces[2]" }],
      };
      teamA(t).identities.push(
        { key: "teams[0].identities[1]", name: "b-x", namespace: "team-a", serviceAccount: "bx" },
        { key: "teams[0].identities[2]", name: "x", namespace: "team-a-b", serviceAccount: "x" },
      );
    },
    {
      key: "teams[0].identities[2].name",
      value: "x",
      message: /pod-identity objects the resource name "team-a-team-a-b-x"/,
    },
  ],
];

describe("isolationProblems", () => {
  it("finds nothing in teams that keep apart (same identity name in different teams included)", () => {
    expect(isolationProblems(tenancy())).toEqual([]);
  });

  it.each(cases)("reports %s, once, under its key", (_name, mutate, expected) => {
    const t = tenancy() as Mutable;
    mutate(t);
    expect(isolationProblems(t)).toEqual([
      { key: expected.key, value: expected.value, message: expect.stringMatching(expected.message) },
    ]);
  });

  it('judges nothing it was not given: a malformed name (handed over as "") joins no rule', () => {
    const t = tenancy() as Mutable;
    t.teams[1] = { ...teamB(t), name: "" };
    t.teams.push({ key: "teams[2]", name: "", developerGroupIds: [], namespaces: [], identities: [] });
    expect(isolationProblems(t)).toEqual([]);
  });
});
