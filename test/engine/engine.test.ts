/**
 * The blueprint through the real Pulumi engine: CLI 3.248.0, the Node.js language host and
 * pulumi-resource-kubernetes (built by `scripts/build-tools.sh --tier pulumi`), a file backend and a
 * passphrase secrets provider, against a throw-away kube-apiserver + etcd + kube-controller-manager
 * + kube-scheduler. The steps run in order on one `local` stack, as a platform engineer would:
 * preview with the policy pack, up, no-change preview and refresh, drift, a bad config, the teams'
 * contracts and stacks, destroy.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { findBinaries } from "../e2e/support/binaries";
import {
  LOCAL_STACK,
  recordBlueprint,
  tokenUsers,
  attackerTeam,
  victimTeam,
  USERS,
} from "../e2e/support/blueprint";
import type { Blueprint } from "../e2e/support/blueprint";
import { startCluster } from "../e2e/support/cluster";
import {
  prepareTarget,
  victimFacts,
  waitForAdmissionPolicies,
  waitForQuotaStatus,
} from "../e2e/support/attack-target";
import { bypassAttempts } from "../e2e/support/bypasses";
import { usePoolPlacements } from "../e2e/support/pods";
import { attempts } from "../e2e/support/scenarios";
import { checkVerdict, verdictOf } from "../e2e/support/verdict";
import type { Cluster } from "../e2e/support/cluster";
import type { KubeClient } from "../e2e/support/client";
import { copyProject, Engine, exportedResources, findPulumiTools } from "./support/pulumi";
import { packComponents, unpackInto } from "../package/pack";
import type { ExportedResource, RunResult } from "./support/pulumi";
import { startFakeKubelet } from "./support/kubelet";
import { TEAM_DEVELOPER_ROLE } from "../../components/kubernetes/team-namespace";
import { CONTRACTS_PROJECT, TEAM_CONTRACT_OUTPUT } from "../../components/team/contract";
import { validateTeamContract } from "../../components/team/stack-reference";
import { credentialsInOutputs } from "../../testing/output-credentials";
import { loginKubeconfig, tokenOf, writeKubelogin } from "./support/team-login";

const STACK = LOCAL_STACK;
const PACK = ["--policy-pack", "policy-pack", "--policy-pack-config", `policy-pack/config/${STACK}.json`];
const K8S_TYPE = /^kubernetes:(?!yaml)/;

let cluster: Cluster;
let engine: Engine;
let project: string;
let blueprint: Blueprint;
let admin: KubeClient;
let kubelet: { stop(): void };

function expectOk(result: RunResult): void {
  if (result.code !== 0)
    throw new Error(
      `pulumi exited ${result.code} (${result.signal ?? "no signal"}):\n${result.output.slice(-6000)}`,
    );
}

async function stackExport(): Promise<ExportedResource[]> {
  const exported = await engine.run(project, ["stack", "export", "--stack", STACK]);
  expectOk(exported);
  return exportedResources(exported.stdout);
}

/** The live object for a Pulumi Kubernetes resource's outputs (apiVersion, kind, metadata). */
async function live(
  outputs: Record<string, unknown>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const metadata = outputs.metadata as { name: string; namespace?: string };
  const at = await admin.pathOf(
    String(outputs.apiVersion),
    String(outputs.kind),
    metadata.namespace,
    metadata.name,
  );
  const res = await admin.request("GET", at);
  return { status: res.status, body: res.body as Record<string, unknown> };
}

/**
 * `<type>::<name>` of a URN. The mocks put the Stack into the parent chain of its direct children
 * (`pulumi:pulumi:Stack$...`), the engine does not, so URNs are compared by type and name.
 */
function typeAndName(urn: string): string {
  const parts = urn.split("::");
  return `${parts[2].split("$").at(-1)}::${parts.slice(3).join("::")}`;
}

beforeAll(async () => {
  const tools = findPulumiTools();
  blueprint = await recordBlueprint(STACK);
  // Attack pods start on the attacker's own pool, as in test:e2e (issue 15).
  usePoolPlacements(blueprint.config);
  const victim = victimTeam(blueprint.config);
  cluster = await startCluster(
    findBinaries(),
    tokenUsers(blueprint.config, victim, attackerTeam(blueprint.config, victim)),
    "engine",
  );
  admin = cluster.clients.bootstrap;
  kubelet = startFakeKubelet(admin);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "aks-hardening-engine-"));
  project = path.join(scratch, "project");
  copyProject(project);
  // The team example runs on the components library as npm ships it (packed, not the sources).
  unpackInto(
    packComponents(project),
    path.join(project, "examples", "team-app"),
    "@aks-hardening/components",
  );
  engine = new Engine(tools, scratch);
  // As README "Deploying" says: the platform's kubeconfig, set as a secret.
  await engine.initStack(project, STACK, [
    { key: "existing.kubeconfig", value: cluster.kubeconfig("bootstrap"), secret: true, path: true },
    // What teams get in their contracts: the same endpoint, users that log in themselves.
    { key: "existing.teamKubeconfig", value: loginKubeconfig(cluster.kubeconfig("bootstrap")), path: true },
  ]);
}, 600_000);

afterAll(async () => {
  kubelet?.stop();
  await cluster?.stop();
});

describe(`the ${STACK} stack through the Pulumi CLI`, () => {
  let planned: { urns: string[]; advisories: string[] };

  test("preview with the policy pack: exit 0, the same resources as npm run plan", async () => {
    const planFile = path.join(project, "plan.json");
    const plan = spawnSync("npm", ["run", "--silent", "plan", "--", "--stack", STACK, "--out", planFile], {
      cwd: project,
      encoding: "utf8",
    });
    expect(plan.status).toBe(0);
    planned = {
      urns: exportedResources(fs.readFileSync(planFile, "utf8"))
        .map((r) => r.urn)
        .sort(),
      // `pod-identity-deprecated  low  advisory  <type>::<name>` rows of the violations table.
      advisories: [...plan.stdout.matchAll(/^(\S+)\s+\S+\s+advisory\s+(\S+)$/gm)]
        .map((m) => `${m[1]} ${m[2]}`)
        .sort(),
    };

    const preview = await engine.run(project, ["preview", "--stack", STACK, "--json", ...PACK]);
    expectOk(preview);
    const json = JSON.parse(preview.stdout);
    const urns = (json.steps as { urn: string }[]).map((s) => s.urn).sort();
    expect(urns.map(typeAndName).sort()).toEqual(planned.urns.map(typeAndName).sort());
  });

  test("up: exit 0, and every Kubernetes object in the stack exists on the API server", async () => {
    const up = await engine.run(project, ["up", "--yes", "--stack", STACK, "--skip-preview", ...PACK]);
    expectOk(up);
    const resources = (await stackExport()).filter((r) => K8S_TYPE.test(r.type) && r.outputs?.kind);
    expect(resources.length).toBeGreaterThan(40);
    const missing: string[] = [];
    for (const r of resources) {
      if ((await live(r.outputs!)).status !== 200) missing.push(r.urn);
    }
    expect(missing).toEqual([]);
  });

  test("the objects the engine deployed are the ones the e2e suite converts from the mocks", async () => {
    const key = (o: {
      apiVersion?: string;
      kind?: string;
      metadata?: { name?: string; namespace?: string };
    }) => `${o.apiVersion}/${o.kind}/${o.metadata?.namespace ?? ""}/${o.metadata?.name}`;
    const deployed = (await stackExport())
      .filter((r) => K8S_TYPE.test(r.type) && r.outputs?.kind)
      .map((r) => key(r.outputs as never))
      .sort();
    const converted = blueprint.manifests.map((m) => key(m.manifest as never)).sort();
    expect(deployed).toEqual(converted);
  });

  test("the attack suite of test:e2e against what the engine deployed: every attempt gets the verdict it gets on the converted manifests", async () => {
    const facts = victimFacts(blueprint);
    const target = await prepareTarget(
      cluster,
      blueprint,
      "hardened",
      blueprint.config.podIdentity.namespace,
    );
    await waitForQuotaStatus(admin, facts.attackerNamespace);
    await waitForAdmissionPolicies(target, facts);
    const failures: string[] = [];
    const all = [...attempts(), ...bypassAttempts()];
    for (const attempt of all) {
      try {
        checkVerdict(verdictOf(await attempt.run(target, facts)), attempt.hardened, "engine-deployed");
      } catch (error) {
        failures.push(
          `${attempt.scenario} ${attempt.actor}: ${attempt.attempt}: ${(error as Error).message}`,
        );
      }
    }
    expect(failures).toEqual([]);
    // The threat-model attempts and the issue-13 bypasses (38 when this was written).
    expect(all.length).toBeGreaterThan(30);
  });

  test("preview --expect-no-changes (with the pack: the plan's advisories, no mandatory violation) and refresh --expect-no-changes are clean", async () => {
    const preview = await engine.run(project, ["preview", "--expect-no-changes", "--stack", STACK, ...PACK]);
    expectOk(preview);
    const advisories = [
      ...preview.stdout.matchAll(/\[advisory\] \[severity: \w+\]\s+(\S+)\s+\((\S+): (\S+)\)/g),
    ]
      .map((m) => `${m[1]} ${m[2]}::${m[3]}`)
      .sort();
    expect(planned.advisories.length).toBeGreaterThan(0);
    expect(advisories).toEqual(planned.advisories);
    expect(preview.stdout).not.toContain("[mandatory]");
    expectOk(await engine.run(project, ["refresh", "--yes", "--expect-no-changes", "--stack", STACK]));
  });

  test("drift behind the engine's back: the cluster refuses the insecure kinds; preview --refresh shows the rest, up --refresh restores it", async () => {
    const namespace = blueprint.config.teams[1].namespaces[0];
    // An extra group on the team RoleBinding and a privileged relabel: refused by the admission
    // policies even for system:masters, so this drift cannot happen through the API.
    const binding = `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings/${TEAM_DEVELOPER_ROLE}`;
    const intruder = { apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "intruder-group" };
    const extraGroup = await admin.request("PATCH", binding, {
      contentType: "application/json-patch+json",
      body: [{ op: "add", path: "/subjects/-", value: intruder }],
    });
    expect([403, 422]).toContain(extraGroup.status);
    expect(extraGroup.text).toContain("aks-hardening-team-rolebinding-subjects");
    const relabel = await admin.request("PATCH", `/api/v1/namespaces/${namespace}`, {
      contentType: "application/merge-patch+json",
      body: { metadata: { labels: { "pod-security.kubernetes.io/enforce": "privileged" } } },
    });
    expect([403, 422]).toContain(relabel.status);
    expect(relabel.text).toContain("aks-hardening-namespace-pod-security");

    // A drift the API allows a platform principal: the team's default-deny NetworkPolicy deleted.
    const policy = `/apis/networking.k8s.io/v1/namespaces/${namespace}/networkpolicies/default-deny-all`;
    expect((await admin.request("DELETE", policy)).status).toBe(200);
    const preview = await engine.run(project, ["preview", "--refresh", "--stack", STACK, ...PACK]);
    expectOk(preview);
    expect(preview.stdout).toMatch(/\+ 1 to create/);
    expect(preview.stdout).toMatch(/NetworkPolicy\s+\S*default-deny-all\s+create/);
    expectOk(
      await engine.run(project, ["up", "--refresh", "--yes", "--skip-preview", "--stack", STACK, ...PACK]),
    );
    expect((await admin.request("GET", policy)).status).toBe(200);
    expectOk(await engine.run(project, ["preview", "--refresh", "--expect-no-changes", "--stack", STACK]));
  });

  test("a bad config: the same problem lines as npm run plan, exit non-zero, nothing changed", async () => {
    const count = (await stackExport()).length;
    expectOk(
      await engine.run(project, ["config", "set", "--stack", STACK, "--path", "teams[0].name", "Team_A!"]),
    );
    const plan = spawnSync("npm", ["run", "--silent", "plan", "--", "--stack", STACK], {
      cwd: project,
      encoding: "utf8",
    });
    expect(plan.status).toBe(2);
    const problems = `${plan.stdout}${plan.stderr}`
      .split("\n")
      .map((l) => l.replace(/^\s*(error:\s*)?/, ""))
      .filter((l) => l.startsWith("teams["));
    expect(problems.length).toBeGreaterThan(0);
    const preview = await engine.run(project, ["preview", "--stack", STACK, ...PACK]);
    expect(preview.code).not.toBe(0);
    for (const line of problems) expect(preview.output).toContain(`error: ${line}`);
    expect(preview.output).not.toMatch(/ConfigValidationError|problems: \[|at validateConfig/);
    expect((await stackExport()).length).toBe(count);
    expectOk(
      await engine.run(project, [
        "config",
        "set",
        "--stack",
        STACK,
        "--path",
        "teams[0].name",
        blueprint.config.teams[0].name,
      ]),
    );
  });

  describe("team stacks: each team's contract published to its own backend, read through a real StackReference as that team's developer", () => {
    /** Per team: its backend (one storage location per team), its login, its developer. */
    const teams = () =>
      [
        { team: victimTeam(blueprint.config), developer: USERS.victimDeveloper },
        {
          team: attackerTeam(blueprint.config, victimTeam(blueprint.config)),
          developer: USERS.attackerDeveloper,
        },
      ].map(({ team, developer }) => {
        const scratch = path.dirname(project);
        return {
          team,
          backend: `file://${path.join(scratch, `backend-${team.name}`)}`,
          env: {
            PULUMI_BACKEND_URL: `file://${path.join(scratch, `backend-${team.name}`)}`,
            PATH: `${path.join(scratch, `kubelogin-${team.name}`)}${path.delimiter}${engine.env.PATH}`,
          },
          token: tokenOf(cluster.kubeconfig(developer)),
          kubeloginDir: path.join(scratch, `kubelogin-${team.name}`),
        };
      });
    const packFlags = () => [
      "--policy-pack",
      path.join(project, "policy-pack"),
      "--policy-pack-config",
      path.join(project, "policy-pack", "config", `${STACK}.json`),
    ];

    /** `npm run contracts:publish` of one team into `backend`, as the platform's CI runs it. */
    const publishContract = (team: string, backend: string) =>
      spawnSync(
        "npm",
        [
          "run",
          "--silent",
          "contracts:publish",
          "--",
          "--platform-stack",
          STACK,
          "--team",
          team,
          "--contract-backend",
          backend,
        ],
        { cwd: project, env: engine.env, encoding: "utf8" },
      );

    test("npm run contracts:publish writes each team's contract, and nothing else, into that team's backend", async () => {
      for (const { team, backend } of teams()) {
        fs.mkdirSync(new URL(backend).pathname, { recursive: true });
        const publish = publishContract(team.name, backend);
        expect(`${publish.status}\n${publish.stdout}${publish.stderr}`).toMatch(/^0\n/);
        const outputs = await engine.run(
          path.join(project, "contracts"),
          ["stack", "output", "--json", "--show-secrets", "--stack", team.name],
          {
            env: { PULUMI_BACKEND_URL: backend },
          },
        );
        expectOk(outputs);
        const published = JSON.parse(outputs.stdout) as Record<string, unknown>;
        expect(Object.keys(published)).toEqual([TEAM_CONTRACT_OUTPUT]);
        const contract = validateTeamContract(published[TEAM_CONTRACT_OUTPUT], team.name);
        expect(contract.namespaces).toEqual(team.namespaces);
        expect(contract.imageRegistries).toEqual(team.imageRegistries);
        expect(credentialsInOutputs(published)).toEqual([]);
      }
      // A team the platform stack has no contract for: refused before any stack is written.
      const unknownTeam = publishContract("team-z", teams()[0].backend);
      expect(unknownTeam.status).toBe(2);
      expect(unknownTeam.stderr).toContain("--team team-z: no such team");
    });

    test("examples/team-app: pulumi up with the pack as each team's developer deploys its workload (pod identity and workload identity)", async () => {
      const app = path.join(project, "examples", "team-app");
      for (const { team, env, token, kubeloginDir } of teams()) {
        writeKubelogin(kubeloginDir, token);
        const identity = team.identities[0];
        await engine.initStack(
          app,
          "engine",
          [
            { key: "contractStack", value: `organization/${CONTRACTS_PROJECT}/${team.name}` },
            { key: "team", value: team.name },
            { key: "identity", value: identity.name },
            { key: "image", value: `${team.imageRegistries[0]}/api:1.0.0` },
          ],
          env,
        );
        expectOk(
          await engine.run(app, ["up", "--yes", "--skip-preview", "--stack", "engine", ...packFlags()], {
            env,
          }),
        );
        const namespace = identity.namespace;
        const deployments = await admin.request("GET", `/apis/apps/v1/namespaces/${namespace}/deployments`);
        const [deployment] = (deployments.body?.items ?? []) as {
          spec: {
            template: { metadata: { labels: Record<string, string> }; spec: { serviceAccountName?: string } };
          };
        }[];
        expect(deployment).toBeDefined();
        const pod = deployment.spec.template;
        if (team.identityMode === "pod-identity") {
          expect(pod.metadata.labels.aadpodidbinding).toBe(`${namespace}.${identity.name}`);
        } else {
          expect(pod.metadata.labels["azure.workload.identity/use"]).toBe("true");
          expect(pod.spec.serviceAccountName).toBe(identity.serviceAccount);
        }
        // The stack acts as whoever logs in: with the other team's developer's login, the same
        // refresh is refused by RBAC in this team's namespace.
        const other = teams().find((t) => t.team.name !== team.name)!;
        writeKubelogin(kubeloginDir, other.token);
        const asOther = await engine.run(app, ["refresh", "--yes", "--stack", "engine"], { env });
        expect(asOther.code).not.toBe(0);
        expect(asOther.output).toMatch(/forbidden/i);
        writeKubelogin(kubeloginDir, token);
      }
      // Without the member's login the same stack cannot reach the cluster at all.
      const [first] = teams();
      const noLogin = await engine.run(app, ["preview", "--refresh", "--stack", "engine"], {
        env: { PULUMI_BACKEND_URL: first.backend },
      });
      expect(noLogin.code).not.toBe(0);
      expect(noLogin.output).toMatch(/kubelogin/);
    });

    test("a team's StackReference reaches its own contract only: not the platform stack, not another team's contract", async () => {
      const probe = path.join(path.dirname(project), "reference-probe");
      fs.cpSync(path.join(__dirname, "fixtures", "reference-probe"), probe, { recursive: true });
      fs.symlinkSync(path.join(project, "node_modules"), path.join(probe, "node_modules"), "dir");
      const [a, b] = teams();
      const read = async (env: NodeJS.ProcessEnv, stack: string, target: string) => {
        await engine.initStack(probe, stack, [{ key: "stack", value: target }], env);
        const up = await engine.run(probe, ["up", "--yes", "--skip-preview", "--stack", stack], { env });
        if (up.code !== 0) return { ok: false, output: up.output };
        const out = await engine.run(
          probe,
          ["stack", "output", "readable", "--json", "--show-secrets", "--stack", stack],
          { env },
        );
        expectOk(out);
        return { ok: true, output: out.stdout, value: JSON.parse(out.stdout) as Record<string, unknown> };
      };
      const own = await read(a.env, "own", `organization/${CONTRACTS_PROJECT}/${a.team.name}`);
      expect(own.ok).toBe(true);
      expect(Object.keys(own.value!)).toEqual([TEAM_CONTRACT_OUTPUT]);
      const platform = await read(a.env, "platform", `organization/aks-hardening/${STACK}`);
      expect(platform.ok).toBe(false);
      expect(platform.output).toContain(`unknown stack "organization/aks-hardening/${STACK}"`);
      const other = await read(a.env, "other", `organization/${CONTRACTS_PROJECT}/${b.team.name}`);
      expect(other.ok).toBe(false);
      expect(other.output).toContain(`unknown stack "organization/${CONTRACTS_PROJECT}/${b.team.name}"`);

      // The control removed: a team given the platform's backend reads every team's contract.
      const shared = await read({}, "shared", `organization/aks-hardening/${STACK}`);
      expect(shared.ok).toBe(true);
      expect(Object.keys(shared.value!.teamContracts as object).sort()).toEqual(
        blueprint.config.teams.map((t) => t.name).sort(),
      );
    });

    test("destroy of each team stack as its developer", async () => {
      const app = path.join(project, "examples", "team-app");
      for (const { env } of teams()) {
        expectOk(await engine.run(app, ["destroy", "--yes", "--skip-preview", "--stack", "engine"], { env }));
      }
    });
  });

  test.each(["typed", "custom-resource"])(
    "a team's raw privileged Deployment (%s) is refused by pulumi preview --policy-pack, and nothing is created",
    async (delivery) => {
      const victim = victimTeam(blueprint.config);
      const namespace = victim.namespaces[0];
      const dir = path.join(path.dirname(project), `raw-${delivery}`);
      fs.cpSync(path.join(__dirname, "fixtures", "raw-workload"), dir, { recursive: true });
      fs.symlinkSync(path.join(project, "node_modules"), path.join(dir, "node_modules"), "dir");
      const stack = `raw-${delivery}`;
      // The team developer's own credentials, as a team's CI would hold them.
      await engine.initStack(dir, stack, [
        { key: "kubeconfig", value: cluster.kubeconfig(USERS.victimDeveloper), secret: true },
        { key: "namespace", value: namespace },
        { key: "delivery", value: delivery },
      ]);
      const pack = path.join(project, "policy-pack");
      const packConfig = path.join(pack, "config", `${STACK}.json`);
      const withPack = (command: string[], config = packConfig) =>
        engine.run(dir, [
          ...command,
          "--stack",
          stack,
          "--policy-pack",
          pack,
          "--policy-pack-config",
          config,
        ]);

      const preview = await withPack(["preview"]);
      expect(preview.code).not.toBe(0);
      expect(preview.stdout).toMatch(/\[mandatory\] \[severity: critical\]\s+k8s-workload-pod-security/);
      const up = await withPack(["up", "--yes"]);
      expect(up.code).not.toBe(0);
      const deployment = await admin.request(
        "GET",
        `/apis/apps/v1/namespaces/${namespace}/deployments/sniffer`,
      );
      expect(deployment.status).toBe(404);

      // The control removed: the same preview with that policy disabled no longer names it.
      const disabled = path.join(path.dirname(project), `pack-config-${delivery}.json`);
      const withoutControl = {
        ...JSON.parse(fs.readFileSync(packConfig, "utf8")),
        "k8s-workload-pod-security": "disabled",
      };
      fs.writeFileSync(disabled, JSON.stringify(withoutControl));
      const unguarded = await withPack(["preview"], disabled);
      expect(unguarded.stdout).toContain("sniffer");
      expect(unguarded.stdout).not.toMatch(/\[mandatory\][^\n]*k8s-workload-pod-security/);
    },
  );

  test("destroy: every resource removed, the team namespaces gone", async () => {
    expectOk(await engine.run(project, ["destroy", "--yes", "--skip-preview", "--stack", STACK]));
    expect(await stackExport()).toEqual([]);
    for (const team of blueprint.config.teams) {
      for (const namespace of team.namespaces) {
        const res = await admin.request("GET", `/api/v1/namespaces/${namespace}`);
        // Gone, or terminating while the namespace controller empties it.
        expect(res.status === 404 || (res.body?.status as { phase?: string })?.phase === "Terminating").toBe(
          true,
        );
      }
    }
  });
});
