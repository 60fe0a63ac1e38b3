/**
 * The hardening, proven on a real kube-apiserver + etcd (built by scripts/build-tools.sh):
 * 1. everything the blueprint declares for the local stack is accepted by the real API server;
 * 2. every attack of the threat model, made by a team-B principal with its own token, is refused,
 *    and by the layer we expect (RBAC, Pod Security Admission, or the named admission policy);
 * 3. the same attacks SUCCEED on a second API server running a default-style install, so each
 *    check is shown able to fail;
 * 4. a third API server gets everything a standard-mode, create-mode stack (`dev`) declares, MIC's
 *    Deployment, RBAC and PodDisruptionBudget included, and a developer of one of its teams attacks
 *    MIC there (compared with the same attacks on the default-style install).
 * A summary table (scenario, attempt, hardened, baseline) is printed at the end.
 */
import type { Manifest } from "../../testing/manifests";
import { MIC_NAME, NMI_NAME, NMI_PRIORITY_CLASS, teamPoolPlacement } from "../../conventions/kubernetes";
import { HIGHEST_USER_PRIORITY } from "../../conventions/admission/pod-placement";
import { IDENTITY_NAMESPACE_WORKLOADS_POLICY } from "../../conventions/admission/identity-namespace-workloads";
import {
  applyManifests,
  asConverted,
  describeObject,
  FIELD_MANAGER,
  waitForPolicy,
  type Rejection,
} from "./support/apply";
import {
  grantPlatformAdmin,
  prepareTarget,
  victimFacts,
  waitForAdmissionPolicies,
  waitForQuotaStatus,
} from "./support/attack-target";
import { BASELINE_IDENTITY_NAMESPACE, baselineManifests } from "./support/baseline";
import { findBinaries } from "./support/binaries";
import { bypassAttempts } from "./support/bypasses";
import { attackMatrix, judge, matrixCounts, type MatrixActor } from "./support/matrix";
import {
  attackerTeam,
  namespaceOwnerUser,
  overprivilegedUser,
  recordBlueprint,
  STANDARD_MODE_ATTACKER_TEAM,
  STANDARD_MODE_STACK,
  standardModeUsers,
  teamNamed,
  tokenUsers,
  USERS,
  victimIdentityObjects,
  victimTeam,
  type Blueprint,
} from "./support/blueprint";
import type { KubeClient } from "./support/client";
import { FAKE_NODE_CAPACITY, FAKE_NODES, startCluster, teamNode, type Cluster } from "./support/cluster";
import { POOL_ATTEMPTS, teamWorkloadDeployment } from "./support/pools";
import type { TeamConfig } from "../../infra/config/types";
import { eventually, nodeFillingPod, podsOf, podState, preempted, unschedulable } from "./support/preemption";
import { ATTACK_IMAGE, usePoolPlacements } from "./support/pods";
import { attempts, micAttempts, type Attempt, type Target, type VictimFacts } from "./support/scenarios";
import { checkVerdict, describeVerdict, verdictOf } from "./support/verdict";

const clusters: Cluster[] = [];
let blueprint: Blueprint;
let standardMode: Blueprint;
let hardenedRejections: Rejection[];
let standardModeRejections: Rejection[];
let baselineRejections: Rejection[];
let facts: VictimFacts;
let hardened: Target;
let baseline: Target;
let standardModeTarget: Target;
let standardModeCluster: Cluster;
/** What the baseline's preemption run showed (for the summary table). */
let baselineNmiPreempted: string | undefined;
const rows: { scenario: string; actor: string; attempt: string; hardened: string; baseline: string }[] = [];

beforeAll(async () => {
  const binaries = findBinaries();
  blueprint = await recordBlueprint();
  standardMode = await recordBlueprint(STANDARD_MODE_STACK);
  usePoolPlacements(blueprint.config);
  usePoolPlacements(standardMode.config);
  const { config } = blueprint;
  const victim = victimTeam(config);
  const attacker = attackerTeam(config, victim);
  const users = tokenUsers(config, victim, attacker);
  const standardModeAttacker = teamNamed(standardMode.config, STANDARD_MODE_ATTACKER_TEAM);
  const started = await Promise.allSettled([
    startCluster(binaries, users, "hardened"),
    startCluster(binaries, users, "baseline"),
    // Its own server: the dev stack declares the same CRDs, policies and namespaces as the local one.
    startCluster(binaries, standardModeUsers(standardMode.config, standardModeAttacker), "standard-mode"),
  ]);
  for (const s of started) if (s.status === "fulfilled") clusters.push(s.value);
  const failed = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) throw failed.reason;
  const [hardenedCluster, baselineCluster] = clusters;
  standardModeCluster = clusters[2];

  facts = victimFacts(blueprint);

  // The platform group's admin first: the objects are applied as the platform admin
  // (prepareTarget grants it again, a no-op).
  for (const cluster of [hardenedCluster, baselineCluster])
    await grantPlatformAdmin(cluster, config.platformGroupIds[0]);
  await grantPlatformAdmin(standardModeCluster, standardMode.config.platformGroupIds[0]);

  // Hardened: exactly what the blueprint declares, applied as the platform admin.
  const admin = hardenedCluster.clients[USERS.platformAdmin];
  hardenedRejections = await applyManifests(admin, blueprint.manifests, FIELD_MANAGER);
  const crds = blueprint.manifests
    .map((c) => c.manifest)
    .filter((m) => m.kind === "CustomResourceDefinition");
  baselineRejections = await applyManifests(
    baselineCluster.clients[USERS.platformAdmin],
    asConverted(
      baselineManifests(config, crds, victimIdentityObjects(blueprint, facts.selector)),
      "baseline",
    ),
    FIELD_MANAGER,
  );

  standardModeRejections = await applyManifests(
    standardModeCluster.clients[USERS.platformAdmin],
    standardMode.manifests,
    FIELD_MANAGER,
  );

  hardened = await prepareTarget(hardenedCluster, blueprint, "hardened", config.podIdentity.namespace);
  baseline = await prepareTarget(baselineCluster, blueprint, "baseline", BASELINE_IDENTITY_NAMESPACE);
  standardModeTarget = {
    label: "standard-mode",
    developer: standardModeCluster.clients[USERS.standardModeDeveloper],
    identityNamespace: standardMode.config.podIdentity.namespace,
  };
  await waitForQuotaStatus(hardenedCluster.clients.bootstrap, facts.attackerNamespace);
  await waitForAdmissionPolicies(hardened, facts);
}, 600_000);

afterAll(async () => {
  await Promise.all(clusters.map((c) => c.stop()));
  if (rows.length === 0) return;
  const header = {
    scenario: "scenario",
    actor: "actor",
    attempt: "attempt",
    hardened: "hardened",
    baseline: "baseline (default install)",
  };
  const all = [header, ...rows];
  const width = (k: keyof typeof header) => Math.max(...all.map((r) => r[k].length));
  const line = (r: typeof header) =>
    (Object.keys(header) as (keyof typeof header)[]).map((k) => r[k].padEnd(width(k))).join(" | ");
  console.log(
    `\nAttack scenarios on a real kube-apiserver\n${line(header)}\n${"-".repeat(line(header).length)}\n${rows.map(line).join("\n")}\n`,
  );
}, 60_000);

test("the real API server accepts every Kubernetes object the blueprint declares", () => {
  const kinds = new Set(blueprint.manifests.map((c) => c.manifest.kind));
  for (const kind of [
    "CustomResourceDefinition",
    "Namespace",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "RoleBinding",
  ]) {
    expect(kinds).toContain(kind);
  }
  expect(hardenedRejections).toEqual([]);
  expect(baselineRejections).toEqual([]);
  console.log(
    `applied ${blueprint.manifests.length} blueprint objects:\n${blueprint.manifests.map(describeObject).join("\n")}`,
  );
});

test("the built-in admin and edit roles carry rules (role aggregation runs)", async () => {
  // Without kube-controller-manager these roles exist but are empty (checked on 1.34.4: only their
  // aggregationRule is set), and "granted admin" would grant nothing: the defence-in-depth rows
  // would prove less than they claim.
  for (const cluster of clusters) {
    if (!cluster.aggregation) {
      throw new Error(
        "kube-controller-manager not found: set KUBE_CONTROLLER_MANAGER_BIN or run `npm run tools:build`",
      );
    }
    for (const role of ["admin", "edit"]) {
      const res = await cluster.clients.bootstrap.request(
        "GET",
        `/apis/rbac.authorization.k8s.io/v1/clusterroles/${role}`,
      );
      expect((res.body?.rules as unknown[] | undefined)?.length ?? 0).toBeGreaterThan(0);
    }
  }
});

/** The scenario, with the route when the attempt names one (`S4 (13.1 NMI)`). */
const labelOf = (a: Attempt) => (a.route ? `${a.scenario} (${a.route})` : a.scenario);

/** Runs one attempt on a hardened-style target and on the baseline, records the row, checks both. */
async function runAttempt(attempt: Attempt, target: Target, actor: string): Promise<void> {
  const onHardened = verdictOf(await attempt.run(target, facts));
  const onBaseline = verdictOf(await attempt.run(baseline, facts));
  rows.push({
    scenario: labelOf(attempt),
    actor,
    attempt: attempt.attempt,
    hardened: describeVerdict(onHardened),
    baseline: describeVerdict(onBaseline) + (attempt.baselineNote ? ` (${attempt.baselineNote})` : ""),
  });
  checkVerdict(onHardened, attempt.hardened, target.label);
  checkVerdict(onBaseline, attempt.baseline, "baseline");
}

describe.each(attempts().map((a) => [`${labelOf(a)} ${a.actor}: ${a.attempt}`, a] as const))(
  "%s",
  (_name, attempt) => {
    test("refused on the hardened cluster by the expected layer; outcome on the baseline as expected", () =>
      runAttempt(attempt, hardened, ACTOR_LABELS[attempt.actor]));
  },
);

describe("13.1 on a real kube-scheduler: can a pod on NMI's node preempt NMI?", () => {
  // The attacker's own team pool node (team-b of the local stack): a team pod may run nowhere else.
  const userNode = FAKE_NODES.teamB.name;
  const nmiOnUserNode = async (admin: KubeClient, namespace: string, selector: string) =>
    eventually(`NMI pod on ${userNode} in ${namespace}`, 90_000, async () =>
      (await podsOf(admin, namespace, selector)).find((p) => p.nodeName === userNode && !preempted(p)),
    );
  const record = (attempt: string, hardenedText: string, baselineText: string) =>
    rows.push({
      scenario: "13.1 NMI",
      actor: "scheduler",
      attempt,
      hardened: hardenedText,
      baseline: baselineText,
    });

  beforeAll(() => {
    for (const cluster of clusters.slice(0, 2)) {
      if (!cluster.scheduler || !cluster.controllers)
        throw new Error("kube-scheduler or kube-controller-manager not found: run `npm run tools:build`");
    }
  });

  test("baseline: a team pod at system-node-critical that needs NMI's room preempts the default NMI", async () => {
    const admin = clusters[1].clients.bootstrap;
    const nmi = await nmiOnUserNode(admin, BASELINE_IDENTITY_NAMESPACE, "app=nmi");
    const pod = nodeFillingPod("preempt-nmi", facts.attackerNamespace, userNode, FAKE_NODE_CAPACITY.cpu, {
      priorityClassName: NMI_PRIORITY_CLASS,
    });
    expect(verdictOf(await baseline.developer.create(pod as Manifest)).outcome).toBe("allowed");
    const victim = await eventually("NMI preempted on the baseline", 90_000, async () => {
      const state = await podState(admin, BASELINE_IDENTITY_NAMESPACE, nmi.name);
      return preempted(state) ? state : undefined;
    });
    expect(preempted(victim)).toBe(true);
    baselineNmiPreempted = `NMI ${victim.name} preempted (${victim.conditions.find((c) => c.type === "DisruptionTarget")?.reason ?? "deleted"})`;
  });

  test("hardened: NMI runs at system-node-critical on every node, each team pool and the system pool included", async () => {
    const admin = clusters[0].clients.bootstrap;
    const nmiPods = await eventually("NMI on every fake node", 90_000, async () => {
      const pods = await podsOf(admin, hardened.identityNamespace, `app.kubernetes.io/component=${NMI_NAME}`);
      const nodes = new Set(pods.map((p) => p.nodeName));
      return Object.values(FAKE_NODES).every((n) => nodes.has(n.name)) ? pods : undefined;
    });
    for (const p of nmiPods) {
      expect(p.priorityClassName).toBe(NMI_PRIORITY_CLASS);
      expect(p.priority).toBe(2_000_001_000);
    }
  });

  test("hardened: the strongest pod a team may create (priority 1e9) finds no victim on NMI's node", async () => {
    const admin = clusters[0].clients.bootstrap;
    const platform = clusters[0].clients[USERS.platformAdmin];
    const created = await platform.create({
      apiVersion: "scheduling.k8s.io/v1",
      kind: "PriorityClass",
      metadata: { name: "e2e-team-top" },
      value: HIGHEST_USER_PRIORITY,
    } as Manifest);
    expect(created.status).toBe(201);
    const nmi = await nmiOnUserNode(
      admin,
      hardened.identityNamespace,
      `app.kubernetes.io/component=${NMI_NAME}`,
    );
    const pod = nodeFillingPod("team-top", facts.attackerNamespace, userNode, FAKE_NODE_CAPACITY.cpu, {
      priorityClassName: "e2e-team-top",
    });
    expect(describeVerdict(verdictOf(await hardened.developer.create(pod as Manifest)))).toBe(
      "allowed (201)",
    );
    const message = await eventually("the scheduler gives up on the team pod", 90_000, async () =>
      unschedulable(await podState(admin, facts.attackerNamespace, "team-top")),
    );
    expect(preempted(await podState(admin, hardened.identityNamespace, nmi.name))).toBe(false);
    record(
      "team pod at the top user priority (1e9), pinned to NMI's node, needing its room",
      `NMI kept; pod unschedulable (${message.slice(0, 60)})`,
      baselineNmiPreempted ?? "not run",
    );
  });

  test("hardened: not even a platform pod at system-node-critical preempts NMI (equal priority)", async () => {
    const admin = clusters[0].clients.bootstrap;
    const platform = clusters[0].clients[USERS.platformAdmin];
    const nmi = await nmiOnUserNode(
      admin,
      hardened.identityNamespace,
      `app.kubernetes.io/component=${NMI_NAME}`,
    );
    const pod = nodeFillingPod("platform-critical", "kube-system", userNode, FAKE_NODE_CAPACITY.cpu, {
      priorityClassName: NMI_PRIORITY_CLASS,
      // The team pool's taint tolerated, so that only the lack of a victim can keep it off.
      tolerations: teamPoolPlacement(FAKE_NODES.teamB.team).tolerations,
    });
    expect(describeVerdict(verdictOf(await platform.create(pod as Manifest)))).toBe("allowed (201)");
    const message = await eventually("the scheduler gives up on the critical pod", 90_000, async () =>
      unschedulable(await podState(admin, "kube-system", "platform-critical")),
    );
    expect(preempted(await podState(admin, hardened.identityNamespace, nmi.name))).toBe(false);
    record(
      `pod at ${NMI_PRIORITY_CLASS} (platform only), pinned to NMI's node, needing its room`,
      `NMI kept; pod unschedulable (${message.slice(0, 60)})`,
      baselineNmiPreempted ?? "not run",
    );
  });
});

describe("issue 15 on a real kube-scheduler: identities stay on their team's nodes", () => {
  const victimName = () => victimTeam(blueprint.config).name;
  const attacker = () => attackerTeam(blueprint.config, victimTeam(blueprint.config));
  const clientOf = (cluster: Cluster, team: TeamConfig) =>
    cluster.clients[team.name === victimName() ? USERS.victimDeveloper : USERS.attackerDeveloper];
  /** Every pod of a name (a bare pod) or of an `app` label (a Deployment's), with its node. */
  const landed = (admin: KubeClient, namespace: string, name: string) =>
    eventually(`a pod of ${name} scheduled in ${namespace}`, 90_000, async () => {
      const pods = await podsOf(admin, namespace, `app=${name}`);
      return pods.find((p) => p.nodeName !== undefined && p.nodeName !== "");
    });

  test("each team's TeamWorkload pods are scheduled on its own pool, and nowhere else", async () => {
    const cluster = clusters[0];
    for (const team of blueprint.config.teams) {
      expect(team.nodePool).toBeDefined();
      await waitForQuotaStatus(cluster.clients.bootstrap, team.namespaces[0]);
      const deployment = teamWorkloadDeployment(team, "web");
      const verdict = verdictOf(await clientOf(cluster, team).create(deployment));
      expect([team.name, describeVerdict(verdict)]).toEqual([team.name, "allowed (201)"]);
      const pod = await eventually(`TeamWorkload pods of ${team.name} scheduled`, 90_000, async () => {
        const pods = await podsOf(
          cluster.clients.bootstrap,
          team.namespaces[0],
          "app.kubernetes.io/name=web",
        );
        return pods.length > 0 && pods.every((p) => p.nodeName) ? pods : undefined;
      });
      for (const p of pod) expect([team.name, p.nodeName]).toEqual([team.name, teamNode(team.name).name]);
      rows.push({
        scenario: "15 pools",
        actor: `team ${team.name}`,
        attempt: "TeamWorkload Deployment (no placement written by the team)",
        hardened: `pods on ${teamNode(team.name).name}`,
        baseline: "-",
      });
    }
  });

  describe.each(POOL_ATTEMPTS.map((a, i) => [a.attempt, a, i] as const))(
    "team B: %s",
    (_name, attempt, i) => {
      test("refused on the hardened cluster by the named policy; scheduled onto the target node on the baseline", async () => {
        const ns = facts.attackerNamespace;
        const name = `pool-${i}`;
        const victim = victimName();
        const onHardened = verdictOf(await hardened.developer.create(attempt.manifest(name, ns, victim)));
        const onBaseline = verdictOf(await baseline.developer.create(attempt.manifest(name, ns, victim)));
        let reached = "not scheduled";
        if (onBaseline.outcome === "allowed") {
          reached = (await landed(clusters[1].clients.bootstrap, ns, name)).nodeName ?? reached;
        }
        rows.push({
          scenario: "15 pools",
          actor: "team-B developer",
          attempt: attempt.attempt,
          hardened: describeVerdict(onHardened),
          baseline: `${describeVerdict(onBaseline)}; pod on ${reached}`,
        });
        expect(onHardened.outcome).toBe("refused");
        if (onHardened.outcome === "refused") {
          expect(onHardened.layer).toBe("admission-policy");
          expect(attempt.policies).toContain(onHardened.policy);
        }
        expect(onBaseline.outcome).toBe("allowed");
        expect(reached).toBe(attempt.reaches(victim));
        expect(attacker().name).not.toBe(victim);
      });
    },
  );
});

const ACTOR_LABELS: Record<Attempt["actor"], string> = {
  developer: "team-B developer",
  overprivileged: "team-B ns admin",
  "namespace-owner": "team-B ns owner (*)",
  platform: "platform",
};

describe.each(bypassAttempts().map((a) => [`${labelOf(a)} ${a.actor}: ${a.attempt}`, a] as const))(
  "issue 13, %s",
  (_name, attempt) => {
    test("refused on the hardened cluster by the expected layer; succeeds on the baseline", () =>
      runAttempt(attempt, hardened, ACTOR_LABELS[attempt.actor]));
  },
);

describe("aad-pod-identity standard mode (stack dev): MIC on a real API server", () => {
  const inIdentityNamespace = (kind: string, name: string) =>
    standardMode.manifests.find(
      (c) =>
        c.manifest.kind === kind &&
        c.manifest.metadata.name === name &&
        c.manifest.metadata.namespace === standardMode.config.podIdentity.namespace,
    )?.manifest;

  test("MIC's pods are scheduled on the system pool and NMI on every node, team pools included (issue 15)", async () => {
    const admin = standardModeCluster.clients.bootstrap;
    const ns = standardMode.config.podIdentity.namespace;
    const mic = await eventually("MIC pods scheduled", 90_000, async () => {
      const pods = await podsOf(admin, ns, `app.kubernetes.io/component=${MIC_NAME}`);
      return pods.length > 0 && pods.every((p) => p.nodeName) ? pods : undefined;
    });
    for (const p of mic) expect(p.nodeName).toBe(FAKE_NODES.system.name);
    await eventually("NMI on every fake node", 90_000, async () => {
      const nodes = new Set(
        (await podsOf(admin, ns, `app.kubernetes.io/component=${NMI_NAME}`)).map((p) => p.nodeName),
      );
      return Object.values(FAKE_NODES).every((n) => nodes.has(n.name)) ? nodes : undefined;
    });
    rows.push({
      scenario: "15 pools",
      actor: "scheduler",
      attempt: "MIC (standard mode, stack dev) and NMI placement",
      hardened: `MIC on ${FAKE_NODES.system.name} only; NMI on all ${Object.keys(FAKE_NODES).length} nodes`,
      baseline: "-",
    });
  });

  test("the real API server accepts every object the stack declares, MIC's Deployment, RBAC and PDB included", async () => {
    expect(standardMode.config.podIdentity.mode).toBe("standard");
    expect(standardModeRejections).toEqual([]);
    const mic = inIdentityNamespace("Deployment", MIC_NAME);
    const micAccount = inIdentityNamespace("ServiceAccount", MIC_NAME);
    const budgets = standardMode.manifests.filter(
      (c) =>
        c.manifest.kind === "PodDisruptionBudget" &&
        c.manifest.metadata.namespace === standardMode.config.podIdentity.namespace,
    );
    // MIC's RBAC: every binding whose subject is MIC's service account.
    const micBindings = standardMode.manifests.filter((c) =>
      ((c.manifest.subjects as { kind: string; name: string; namespace?: string }[] | undefined) ?? []).some(
        (subject) =>
          subject.kind === "ServiceAccount" &&
          subject.name === MIC_NAME &&
          subject.namespace === standardMode.config.podIdentity.namespace,
      ),
    );
    expect(mic).toBeDefined();
    expect(micAccount).toBeDefined();
    expect(budgets.length).toBeGreaterThan(0);
    expect(micBindings.map((c) => c.manifest.kind)).toEqual(
      expect.arrayContaining(["ClusterRoleBinding", "RoleBinding"]),
    );
    // Stored, not just answered: read each back from the server.
    const admin = standardModeCluster.clients.bootstrap;
    for (const m of [
      mic,
      micAccount,
      ...budgets.map((c) => c.manifest),
      ...micBindings.map((c) => c.manifest),
    ]) {
      if (!m) continue;
      const res = await admin.request(
        "GET",
        await admin.pathOf(m.apiVersion, m.kind, m.metadata.namespace, m.metadata.name),
      );
      expect(`${m.kind} ${m.metadata.name}: ${res.status}`).toBe(`${m.kind} ${m.metadata.name}: 200`);
    }
    console.log(
      `applied ${standardMode.manifests.length} objects of stack ${STANDARD_MODE_STACK}:\n${standardMode.manifests.map(describeObject).join("\n")}`,
    );
  });

  test("the pods MIC's and NMI's controllers would create pass Pod Security and the identity-namespace policy", async () => {
    // PSA and the workload admission policy judge pods, not their Deployment/DaemonSet, and with no
    // deployment controller or kubelet here no pod is made: each pod template is sent as a
    // dry-run pod by the platform admin (nothing is stored).
    const platform = standardModeCluster.clients[USERS.platformAdmin];
    const dryRunPod = async (pod: Manifest) =>
      verdictOf(
        await platform.request("POST", await platform.pathOf("v1", "Pod", pod.metadata.namespace), {
          body: pod,
          query: { dryRun: "All" },
        }),
      );
    const workloads = standardMode.manifests
      .map((c) => c.manifest)
      .filter((m) => m.kind === "Deployment" || m.kind === "DaemonSet");
    expect(workloads.map((m) => m.metadata.name).sort()).toEqual([MIC_NAME, NMI_NAME]);
    const podOf = (workload: Manifest): Manifest & { spec: { containers: { image: string }[] } } => {
      const template = (workload.spec as { template: { metadata?: object; spec: object } }).template;
      return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
          ...template.metadata,
          name: `${workload.metadata.name}-template`,
          namespace: workload.metadata.namespace,
        },
        spec: structuredClone(template.spec) as { containers: { image: string }[] },
      };
    };
    // The policy must be live (and able to refuse) before a pass means anything: the MIC pod with
    // one change, an image that is not pinned, is denied by it.
    const unpinned = podOf(workloads.find((m) => m.metadata.name === MIC_NAME) as Manifest);
    unpinned.spec.containers[0].image = ATTACK_IMAGE;
    await waitForPolicy(async () => {
      const v = await dryRunPod(unpinned);
      return v.outcome === "refused" ? v.policy : undefined;
    }, IDENTITY_NAMESPACE_WORKLOADS_POLICY);
    for (const workload of workloads) {
      const v = await dryRunPod(podOf(workload));
      const detail = v.outcome === "allowed" ? "" : ` — ${v.message}`;
      expect(`${workload.kind} ${workload.metadata.name}: ${describeVerdict(v)}${detail}`).toBe(
        `${workload.kind} ${workload.metadata.name}: allowed (201)`,
      );
    }
  });

  describe.each(micAttempts().map((a) => [`${labelOf(a)}: ${a.attempt}`, a] as const))(
    "%s",
    (_name, attempt) => {
      test(`refused for a ${STANDARD_MODE_ATTACKER_TEAM} developer by the expected layer; outcome on the baseline as expected`, () =>
        runAttempt(
          attempt,
          standardModeTarget,
          `dev ${STANDARD_MODE_ATTACKER_TEAM} developer (MIC running)`,
        ));
    },
  );
});

describe("attack matrix: every discovered resource, subresource and verb, per actor and scope", () => {
  test("the authorizer's answers hold no unexpected allow; counts per verdict", async () => {
    const victim = victimTeam(blueprint.config);
    const attacker = attackerTeam(blueprint.config, victim);
    const actors: MatrixActor[] = [
      {
        label: "team-B developer",
        user: USERS.attackerDeveloper,
        groups: attacker.developerGroupIds,
        kind: "developer",
      },
      ...[
        { label: "team-B ns admin", user: overprivilegedUser(attacker) },
        { label: "team-B ns owner (*)", user: namespaceOwnerUser(attacker) },
      ].map((actor) => ({
        ...actor,
        groups: ["system:serviceaccounts", `system:serviceaccounts:${attacker.namespaces[0]}`],
        kind: "over-granted" as const,
      })),
    ];
    const matrix = await attackMatrix(clusters[0].clients.bootstrap, actors, {
      own: facts.attackerNamespace,
      victim: facts.victimNamespace,
      identity: hardened.identityNamespace,
    });
    const counts = matrixCounts(matrix);
    const list = (verdict: string) =>
      [
        ...new Set(
          matrix
            .filter((r) => r.verdict === verdict)
            .map((r) => `${r.actor} ${r.scope} ${r.resource} ${r.verb}${r.by ? ` <- ${r.by}` : ""}`),
        ),
      ].sort();
    const contained = [...new Set(matrix.filter((r) => r.by).map((r) => `${r.resource} <- ${r.by}`))].sort();
    console.log(
      `attack matrix on the hardened cluster: ${matrix.length} rows\n` +
        Object.entries(counts)
          .sort()
          .map(([k, v]) => `  ${k}: ${v}`)
          .join("\n") +
        `\ncontained (over-granted principals, own namespace):\n  ${contained.join("\n  ")}` +
        `\nuntested:\n  ${list("untested").join("\n  ") || "(none)"}`,
    );
    expect(matrix.length).toBeGreaterThan(1000);
    expect(list("UNEXPECTED ALLOW")).toEqual([]);

    // The same matrix on the default-style install must find what the hardening removes.
    const onBaseline = await attackMatrix(clusters[1].clients.bootstrap, actors, {
      own: facts.attackerNamespace,
      victim: facts.victimNamespace,
      identity: baseline.identityNamespace,
    });
    const baselineUnexpected = onBaseline.filter((r) => r.verdict === "UNEXPECTED ALLOW");
    console.log(
      `attack matrix on the baseline: ${onBaseline.length} rows, ${baselineUnexpected.length} unexpected allows, e.g.\n  ` +
        [...new Set(baselineUnexpected.map((r) => `${r.actor} ${r.scope} ${r.resource} ${r.verb}`))]
          .slice(0, 8)
          .join("\n  "),
    );
    expect(baselineUnexpected.length).toBeGreaterThan(0);
    // A kind the catalogue does not know is reported, not passed silently.
    expect(judge(actors[2], "own", "example.com/widgets", "create", true).verdict).toBe("untested");
    expect(judge(actors[0], "own", "rbac.authorization.k8s.io/rolebindings", "create", true).verdict).toBe(
      "UNEXPECTED ALLOW",
    );
  });
});
