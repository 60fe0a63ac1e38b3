/**
 * The attack-path analysis judged against the real thing (kube-apiserver + etcd + the role
 * aggregation controller, built by scripts/build-tools.sh):
 * 1. on the default-style install the attack suite uses, the live analysis (`npm run paths --
 *    --kubeconfig`, read with a read-only principal) finds a path to the victim team's identity
 *    through each of S1-S6, and every reported path, walked with the attacker's own token, succeeds;
 * 2. on the hardened `local` install it finds no cross-team path, and walking the baseline's paths
 *    and the edges its controls refused is refused, by the layer the analysis named;
 * 3. the plan of `local` and the live cluster built from it give the same paths.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { analyze, reachKey, type Analysis } from "../../cli/paths/analyze";
import type { BuildContext } from "../../cli/paths/build-context";
import { buildGraph } from "../../cli/paths/build-graph";
import type { GraphEdge } from "../../cli/paths/model";
import { factsFromManifests } from "../../cli/paths/read-resources";
import { LIVE_RESOURCES, readLiveCluster } from "../../cli/paths/read-live";
import { scenarioPaths, type ScenarioPath } from "../../cli/paths/scenarios";
import { SCENARIO_IDS } from "../../conventions/threats";
import type { Team } from "../../cli/paths/teams";
import { POD_IDENTITY_LABEL_POLICY } from "../../conventions/admission/pod-identity-label";
import type { BlueprintConfig } from "../../infra/config/types";
import type { ConvertedManifest, Manifest } from "../../testing/manifests";
import { applyManifests, asConverted, waitForPolicy } from "./support/apply";
import { BASELINE_IDENTITY_NAMESPACE, baselineManifests } from "./support/baseline";
import { findBinaries } from "./support/binaries";
import {
  attackerTeam,
  recordBlueprint,
  tokenUsers,
  USERS,
  victimTeam,
  type Blueprint,
} from "./support/blueprint";
import { startCluster, type Cluster } from "./support/cluster";
import { restrictedPod, usePoolPlacements } from "./support/pods";
import { verdictOf } from "./support/verdict";
import { walk, type Step } from "./attack-paths/walk";

const FIELD_MANAGER = "aks-hardening-e2e-paths";
const READER = "attack-paths-reader";
const clusters: Cluster[] = [];
let blueprint: Blueprint;
let config: BlueprintConfig;
let teams: Team[];
let attacker: string;
let victim: string;
let live: {
  baseline: { ctx: BuildContext; analysis: Analysis };
  hardened: { ctx: BuildContext; analysis: Analysis };
};
let baselineCluster: Cluster;
let hardenedCluster: Cluster;
const rows: string[] = [];

async function applyAs(cluster: Cluster, manifests: ConvertedManifest[], what: string): Promise<void> {
  const rejections = await applyManifests(cluster.clients.bootstrap, manifests, FIELD_MANAGER);
  if (rejections.length > 0)
    throw new Error(`${what}: ${rejections.map((r) => `${r.object}: ${r.message}`).join("\n")}`);
}

/** Exactly the rights the live reader uses: get/list on the kinds it reads, nothing else. */
function readerRbac(): Manifest[] {
  const groups = new Map<string, string[]>();
  for (const r of LIVE_RESOURCES) {
    const group = r.apiVersion.includes("/") ? r.apiVersion.split("/")[0] : "";
    groups.set(group, [...(groups.get(group) ?? []), r.resource]);
  }
  return [
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: READER },
      rules: [...groups].map(([group, resources]) => ({
        apiGroups: [group],
        resources,
        verbs: ["get", "list"],
      })),
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: READER },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: READER },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: READER }],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: "e2e-paths-platform-group-cluster-admin" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: config.platformGroupIds[0] }],
    },
  ];
}

/** A kubeconfig for the reader: the server, its CA, and the reader's static token. */
function readerKubeconfig(cluster: Cluster): string {
  const line = fs
    .readFileSync(path.join(cluster.dir, "tokens.csv"), "utf8")
    .split("\n")
    .find((l) => l.split(",")[1] === READER);
  if (!line) throw new Error("the reader has no token");
  const file = path.join(cluster.dir, "reader.kubeconfig");
  fs.writeFileSync(
    file,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [
        {
          name: "e2e",
          cluster: {
            server: cluster.endpoint.url,
            "certificate-authority-data": Buffer.from(cluster.endpoint.ca).toString("base64"),
          },
        },
      ],
      users: [{ name: READER, user: { token: line.split(",")[0] } }],
      contexts: [{ name: "e2e", context: { cluster: "e2e", user: READER } }],
      "current-context": "e2e",
    }),
    { mode: 0o600 },
  );
  return file;
}

async function analyseLive(cluster: Cluster, teamsOverride?: Team[]) {
  const facts = await readLiveCluster({ kubeconfig: readerKubeconfig(cluster), progress: () => undefined });
  const ctx = buildGraph(facts, teamsOverride);
  return { ctx, analysis: analyze(ctx) };
}

const describeSteps = (steps: Step[]) =>
  steps
    .map(
      (s) =>
        `${s.request}: ${s.verdict.outcome}${s.verdict.outcome === "refused" ? ` by ${s.verdict.layer}${s.verdict.policy ? ` ${s.verdict.policy}` : ""}` : ""}`,
    )
    .join("; ");

beforeAll(async () => {
  const binaries = findBinaries();
  blueprint = await recordBlueprint();
  config = blueprint.config;
  usePoolPlacements(config);
  const victimConfig = victimTeam(config);
  const attackerConfig = attackerTeam(config, victimConfig);
  victim = victimConfig.name;
  attacker = attackerConfig.name;
  // The default-style install carries no team labels: the teams come from the stack's config.
  teams = config.teams.map((t) => ({
    name: t.name,
    namespaces: t.namespaces,
    principals: t.developerGroupIds.map((name) => ({ kind: "Group" as const, name })),
  }));
  const users = [...tokenUsers(config, victimConfig, attackerConfig), { name: READER, groups: [] }];
  const started = await Promise.allSettled([
    startCluster(binaries, users, "paths-hardened"),
    startCluster(binaries, users, "paths-baseline"),
  ]);
  for (const s of started) if (s.status === "fulfilled") clusters.push(s.value);
  const failed = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) throw failed.reason;
  [hardenedCluster, baselineCluster] = clusters;

  for (const cluster of clusters) await applyAs(cluster, asConverted(readerRbac(), "reader"), "reader RBAC");
  await applyAs(hardenedCluster, blueprint.manifests, "hardened blueprint");
  const manifests = blueprint.manifests.map((c) => c.manifest);
  const crds = manifests.filter((m) => m.kind === "CustomResourceDefinition");
  const identityName = victimConfig.identities[0].name;
  const victimIdentity = manifests.find(
    (m) => m.kind === "AzureIdentity" && m.metadata.name === identityName,
  )!;
  const victimBinding = manifests.find(
    (m) =>
      m.kind === "AzureIdentityBinding" &&
      (m.spec as { azureIdentity?: string }).azureIdentity === identityName,
  )!;
  // A classic default install keeps AzureIdentity objects in `default` too (the upstream examples
  // do): the same identity declared there is what S2's new binding points at.
  const classic: Manifest = {
    ...victimIdentity,
    metadata: { name: identityName, namespace: BASELINE_IDENTITY_NAMESPACE },
  };
  await applyAs(
    baselineCluster,
    asConverted(
      [...baselineManifests(config, crds, { identity: victimIdentity, binding: victimBinding }), classic],
      "baseline",
    ),
    "baseline install",
  );
  // Admission policies go live asynchronously: wait until the label policy refuses a probe.
  const developer = hardenedCluster.clients[USERS.attackerDeveloper];
  const probe = restrictedPod("probe", attackerConfig.namespaces[0], {
    aadpodidbinding: `${victimConfig.namespaces[0]}.${identityName}`,
  });
  await waitForPolicy(async () => {
    const v = verdictOf(
      await developer.request("POST", await developer.pathOf("v1", "Pod", probe.metadata.namespace), {
        body: probe,
        query: { dryRun: "All" },
      }),
    );
    return v.outcome === "refused" ? v.policy : undefined;
  }, POD_IDENTITY_LABEL_POLICY);
  live = {
    baseline: await analyseLive(baselineCluster, teams),
    hardened: await analyseLive(hardenedCluster, teams),
  };
}, 600_000);

afterAll(async () => {
  await Promise.all(clusters.map((c) => c.stop()));
  if (rows.length > 0) console.log(`\nAttack paths walked on a real kube-apiserver\n${rows.join("\n")}\n`);
}, 60_000);

const teamOf = (name: string) => teams.find((t) => t.name === name)!;

describe("default-style install", () => {
  let scenarios: ScenarioPath[];
  beforeAll(() => {
    scenarios = scenarioPaths(live.baseline.ctx, teamOf(attacker));
  });

  test("the live analysis finds a path to another team's identity through each of S1-S6", () => {
    expect(scenarios.map((s) => s.scenario)).toEqual([...SCENARIO_IDS]);
    for (const s of scenarios) expect(s.owner).not.toBe(attacker);
    // And the attacker's report: it reaches the victim team's identity, exit status 1.
    const attackerReport = live.baseline.analysis.teams.find((t) => t.team === attacker)!;
    expect(attackerReport.ownOnly).toBe(false);
    expect(attackerReport.reaches.some((r) => r.owner === victim)).toBe(true);
  });

  test.each(SCENARIO_IDS.map((s) => [s]))(
    "%s: walking the reported path with the attacker's token succeeds",
    async (scenario) => {
      const s = scenarios.find((p) => p.scenario === scenario)!;
      const steps = await walk(s.path, baselineCluster.clients[USERS.attackerDeveloper]);
      rows.push(`baseline ${scenario}: ${describeSteps(steps)}`);
      expect(steps.length).toBeGreaterThan(0);
      expect(steps.filter((st) => st.verdict.outcome === "refused").map((st) => st.request)).toEqual([]);
    },
  );

  test("every shortest cross-team path the report gives is walked and succeeds", async () => {
    const findings = live.baseline.analysis.findings.filter((f) => f.team === attacker);
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      const steps = await walk(f.path, baselineCluster.clients[USERS.attackerDeveloper]);
      rows.push(`baseline shortest -> ${f.identity.label}: ${describeSteps(steps)}`);
      expect(steps.length).toBeGreaterThan(0);
      expect(steps.filter((st) => st.verdict.outcome === "refused").map((st) => st.request)).toEqual([]);
    }
  });
});

describe("hardened local install", () => {
  test("the live analysis finds no cross-team path; every team reaches only its own identities", () => {
    expect(live.hardened.analysis.findings.map((f) => `${f.team} -> ${f.identity.label}`)).toEqual([]);
    for (const t of live.hardened.analysis.teams) expect(t.ownOnly).toBe(true);
  });

  test.each(SCENARIO_IDS.map((s) => [s]))(
    "%s: the baseline's path, walked here, is refused",
    async (scenario) => {
      const s = scenarioPaths(live.baseline.ctx, teamOf(attacker)).find((p) => p.scenario === scenario)!;
      const steps = await walk(s.path, hardenedCluster.clients[USERS.attackerDeveloper]);
      rows.push(`hardened ${scenario}: ${describeSteps(steps)}`);
      expect(steps.at(-1)?.verdict.outcome).toBe("refused");
    },
  );

  test("edges the analysis reports as refused by a control are refused by that layer", async () => {
    // The attacker's own namespace: a pod there is allowed, so a refusal is the named control's.
    const podSpec = `pod-spec:${teamOf(attacker).namespaces[0]}`;
    const expectedLayer = (blockedBy: string) =>
      blockedBy.startsWith("Pod Security") ? "psa" : "admission-policy";
    const blocked = live.hardened.ctx.graph.blocked.filter(
      (b) =>
        b.from === podSpec &&
        (b.kind === "HOSTNET_IMDS" ||
          b.kind === "NODE_ESCAPE" ||
          (b.kind === "POD_LABEL_MATCH" && b.blockedBy.startsWith("admission"))),
    );
    expect(blocked.map((b) => b.kind).sort()).toEqual(
      expect.arrayContaining(["HOSTNET_IMDS", "NODE_ESCAPE", "POD_LABEL_MATCH"]),
    );
    for (const b of blocked) {
      const create: GraphEdge = {
        id: "walk",
        from: "group:attacker",
        to: podSpec,
        kind: "CREATE_POD",
        sources: [],
        control: "",
        detail: "",
      };
      const steps = await walk(
        [create, { ...b, id: "blocked" }],
        hardenedCluster.clients[USERS.attackerDeveloper],
      );
      rows.push(`hardened refused ${b.kind} (${b.blockedBy}): ${describeSteps(steps)}`);
      const last = steps.at(-1)!.verdict;
      expect(last.outcome).toBe("refused");
      if (last.outcome === "refused") expect(last.layer).toBe(expectedLayer(b.blockedBy));
    }
  });
});

test("the plan of the local stack and the live cluster built from it give the same paths", () => {
  const plan = buildGraph(factsFromManifests(blueprint.manifests, "plan of stack local"));
  const planAnalysis = analyze(plan);
  const liveLabels = live.hardened.ctx;
  // Both with the teams read from the objects themselves (namespace labels, RoleBindings).
  const liveGraph = buildGraph(liveLabels.facts);
  const liveAnalysis = analyze(liveGraph);
  const keys = (a: Analysis) => a.teams.flatMap((t) => t.reaches.map(reachKey)).sort();
  expect(keys(planAnalysis).length).toBeGreaterThan(0);
  expect(keys(liveAnalysis)).toEqual(keys(planAnalysis));
  // Refusals met from the teams' own footholds (a live cluster also has the built-in controllers'
  // service accounts, which can run pods everywhere; a plan does not declare them).
  const teamFootholds = new Set(config.teams.flatMap((t) => t.namespaces.map((ns) => `pod-spec:${ns}`)));
  const refusals = (ctx: BuildContext) =>
    ctx.graph.blocked
      .filter((b) => teamFootholds.has(b.from))
      .map((b) => `${b.from} ${b.kind} ${b.to} ${b.blockedBy}`)
      .sort();
  expect(refusals(liveGraph)).toEqual(refusals(plan));
});

test("npm run paths -- --kubeconfig reads the live cluster with read-only rights and reports progress on stderr", () => {
  const run = spawnSync(
    "node",
    [
      "-r",
      "./cli/ts-cache-register.js",
      "cli/paths.ts",
      "--kubeconfig",
      readerKubeconfig(hardenedCluster),
      "--format",
      "json",
    ],
    {
      cwd: path.resolve(__dirname, "../.."),
      encoding: "utf8",
      timeout: 180_000,
    },
  );
  expect(run.stderr).toMatch(/\[1\/\d+\] namespaces: \d+ in \d+ ms/);
  expect(run.status).toBe(0);
  const doc = JSON.parse(run.stdout) as { findings: unknown[]; assumptions: string[] };
  expect(doc.findings).toEqual([]);
  // Nothing it needs was refused to the read-only principal.
  expect(doc.assumptions.filter((a) => a.startsWith("could not list"))).toEqual([]);
});
