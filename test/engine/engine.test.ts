/**
 * The blueprint through the real Pulumi engine: CLI 3.248.0, the Node.js language host and
 * pulumi-resource-kubernetes (built by `scripts/build-tools.sh --tier pulumi`), a file backend and a
 * passphrase secrets provider, against a throw-away kube-apiserver + etcd + kube-controller-manager
 * + kube-scheduler. The steps run in order on one `local` stack, as a platform engineer would:
 * preview with the policy pack, up, no-change preview and refresh, drift, a bad config, destroy.
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
import type { Cluster } from "../e2e/support/cluster";
import type { KubeClient } from "../e2e/support/client";
import { copyProject, Engine, exportedResources, findPulumiTools } from "./support/pulumi";
import type { ExportedResource, RunResult } from "./support/pulumi";
import { startFakeKubelet } from "./support/kubelet";
import { TEAM_DEVELOPER_ROLE } from "../../components/kubernetes/team-namespace";

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
  engine = new Engine(tools, scratch);
  // As README "Deploying" says: the platform's kubeconfig, set as a secret.
  await engine.initStack(project, STACK, [
    { key: "existing.kubeconfig", value: cluster.kubeconfig("bootstrap"), secret: true, path: true },
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
