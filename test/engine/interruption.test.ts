/**
 * An interrupted `pulumi up` of the local stack through the real engine (the tools of
 * engine.test.ts, with a throw-away control plane, project copy, file backend and stack of its own),
 * as a platform engineer meets it when a deploy is cut short. Each interruption lands while the NMI
 * DaemonSet's create is the one operation in flight (the fake kubelet paused, so its await blocks):
 * an interruption at an arbitrary moment can also cut a create's API request after the server has
 * applied it, which makes a run's outcome a matter of timing (see README "The real Pulumi engine").
 * 1. the CLI and its plugins SIGKILLed (an OOM kill, a lost CI runner): the stack stays locked, the
 *    state keeps a pending create, and the DaemonSet exists on the server unknown to the state;
 * 2. the rerun: refused until `pulumi cancel`; then, the pending create unresolved, `pulumi up` warns
 *    and fails: the re-create collides with the orphan;
 * 3. what the CLI offers for a create that did happen (`refresh --import-pending-creates`), and what
 *    it really does in 3.248.0;
 * 4. the orphan deleted, `pulumi up` again, Ctrl-C (SIGINT): the CLI cancels and records the create;
 * 5. `pulumi up` converges: nothing lost or duplicated; then `pulumi destroy`.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findBinaries } from "../e2e/support/binaries";
import { LOCAL_STACK, recordBlueprint, tokenUsers, attackerTeam, victimTeam } from "../e2e/support/blueprint";
import type { Blueprint } from "../e2e/support/blueprint";
import { startCluster } from "../e2e/support/cluster";
import type { Cluster } from "../e2e/support/cluster";
import type { KubeClient } from "../e2e/support/client";
import { copyProject, Engine, exportedResources, findPulumiTools, pendingOperations } from "./support/pulumi";
import type { ExportedResource, RunResult } from "./support/pulumi";
import { startFakeKubelet } from "./support/kubelet";
import type { FakeKubelet } from "./support/kubelet";
import { killTree, stillAlive } from "./support/processes";

const STACK = LOCAL_STACK;
const PACK = ["--policy-pack", "policy-pack", "--policy-pack-config", `policy-pack/config/${STACK}.json`];
const UP = ["up", "--yes", "--skip-preview", "--stack", STACK, ...PACK];
const K8S_TYPE = /^kubernetes:(?!yaml)/;
/** A whole up takes 1-3 minutes on the shared 2-core machine, more under load. */
const CLI_TIMEOUT = 540_000;
const STEP_TIMEOUT = 1_500_000;

let cluster: Cluster;
let engine: Engine;
let project: string;
let blueprint: Blueprint;
let admin: KubeClient;
let kubelet: FakeKubelet;
let scratch: string | undefined;

interface ObjectRef {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
}
interface LiveObject extends ObjectRef {
  metadata: { name: string; namespace?: string; managedFields?: { manager?: string }[] };
}
const keyOf = (o: ObjectRef) =>
  `${o.apiVersion}/${o.kind}/${o.metadata?.namespace ?? ""}/${o.metadata?.name}`;

function expectOk(result: RunResult): void {
  if (result.code !== 0)
    throw new Error(
      `pulumi exited ${result.code} (${result.signal ?? "no signal"}):\n${result.output.slice(-6000)}`,
    );
}

/** `pulumi stack export` as text (resources and pending operations). */
async function exportStack(): Promise<string> {
  const exported = await engine.run(project, ["stack", "export", "--stack", STACK]);
  expectOk(exported);
  return exported.stdout;
}

/** The lock files of the file backend (`.pulumi/locks/<org>/<project>/<stack>/<id>.json`). */
function locks(): string[] {
  const dir = path.join(engine.backend, ".pulumi", "locks");
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith(".json"));
}

interface PendingOperation {
  type: string;
  resource: { urn: string; type: string };
}
const pendingOf = (exported: string) => pendingOperations(exported) as PendingOperation[];

/** The Kubernetes resources of the state that own an object (`*Patch` resources own none). */
const stateObjects = (exported: string) =>
  exportedResources(exported).filter(
    (r): r is ExportedResource & { outputs: Record<string, unknown> } =>
      K8S_TYPE.test(r.type) && !r.type.endsWith("Patch") && r.outputs?.kind !== undefined,
  );

/** The blueprint's own objects (patches left out: they own no object), from the recording. */
const blueprintObjects = () =>
  blueprint.manifests.filter((m) => !m.patch).map((m) => m.manifest as ObjectRef);
const nmi = () => blueprintObjects().find((o) => o.kind === "DaemonSet")!;

/**
 * A GET that waits out 429 "storage is (re)initializing": the API server answers that for a
 * moment after a CRD is established, and an object must not look absent because of it.
 */
async function get(at: string) {
  for (let attempt = 0; ; attempt++) {
    const res = await admin.request("GET", at);
    if (res.status !== 429 || attempt === 60) return res;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function getObject(object: ObjectRef) {
  const m = object.metadata!;
  return get(await admin.pathOf(object.apiVersion!, object.kind!, m.namespace, m.name));
}

const exists = async (object: ObjectRef) => (await getObject(object)).status === 200;

/** The Pulumi provider's SSA field managers of a live object (`pulumi-kubernetes-<random>`). */
const pulumiManagers = (live: LiveObject) =>
  [...new Set((live.metadata.managedFields ?? []).map((f) => f.manager ?? ""))]
    .filter((m) => m.startsWith("pulumi-kubernetes"))
    .sort();

/**
 * What the API server holds of the blueprint's kinds: every object a Pulumi field manager wrote in
 * the team namespaces and the identity namespace, whatever its name (so that an object the state
 * does not know shows up), and the cluster-scoped objects the blueprint declares, by name. What
 * the controllers make there (`default` ServiceAccounts, the DaemonSet's pods) has no Pulumi field
 * manager and is not the blueprint's.
 */
async function serverObjects(): Promise<string[]> {
  admin.refreshDiscovery(); // the aad-pod-identity group is served only once its CRDs are established
  const namespaced = blueprintObjects().filter((o) => o.metadata?.namespace);
  const namespaces = [...new Set(namespaced.map((o) => o.metadata!.namespace!))];
  const kinds = [...new Map(namespaced.map((o) => [`${o.apiVersion}/${o.kind}`, o])).values()];
  const keys: string[] = [];
  for (const kind of kinds) {
    for (const namespace of namespaces) {
      let at: string;
      try {
        at = await admin.pathOf(kind.apiVersion!, kind.kind!, namespace);
      } catch {
        continue; // a CRD kind not served (yet): no object of it can exist
      }
      const list = await get(at);
      if (list.status === 404) continue; // the namespace itself does not exist
      if (list.status !== 200) throw new Error(`GET ${at}: ${list.status} ${list.text}`);
      for (const item of (list.body?.items ?? []) as LiveObject[]) {
        if (pulumiManagers(item).length === 0) continue;
        keys.push(keyOf({ apiVersion: kind.apiVersion, kind: kind.kind, metadata: item.metadata }));
      }
    }
  }
  for (const object of blueprintObjects().filter((o) => !o.metadata?.namespace)) {
    if (await exists(object)) keys.push(keyOf(object));
  }
  return keys.sort();
}

/**
 * State against server: URNs or objects recorded twice; objects of the state missing on the
 * server (lost); objects on the server the state does not know (orphaned: a destroy would leave
 * them, a re-create collides with them); objects also owned by a Pulumi field manager other than
 * the one the state records (a write of a run the state does not know about).
 */
async function reconcile(exported: string) {
  const state = stateObjects(exported);
  const keys = state.map((r) => keyOf(r.outputs as ObjectRef));
  const twice = (values: string[]) => values.filter((v, i) => values.indexOf(v) !== i);
  const lost: string[] = [];
  const foreignManagers: string[] = [];
  for (const r of state) {
    const live = await getObject(r.outputs as ObjectRef);
    if (live.status !== 200) {
      lost.push(keyOf(r.outputs as ObjectRef));
      continue;
    }
    const managers = pulumiManagers(live.body as unknown as LiveObject);
    if (managers.join() !== String(r.outputs.__fieldManager))
      foreignManagers.push(`${keyOf(r.outputs as ObjectRef)}: ${managers.join(", ")}`);
  }
  const recorded = new Set(keys);
  return {
    duplicateUrns: twice(state.map((r) => r.urn)),
    duplicateObjects: twice(keys),
    lost,
    unknownToState: (await serverObjects()).filter((k) => !recorded.has(k)),
    foreignManagers,
  };
}
const CONSISTENT = {
  duplicateUrns: [],
  duplicateObjects: [],
  lost: [],
  unknownToState: [],
  foreignManagers: [],
};

/** Polls `probe` until true; gives up early when `ended()` says the CLI run it waits on is over. */
async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  ended: () => string | undefined = () => undefined,
  timeoutMs = CLI_TIMEOUT,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    const output = ended();
    if (output !== undefined) throw new Error(`${what}: the CLI ended first:\n${output.slice(-6000)}`);
    if (Date.now() > deadline) throw new Error(`${what}: not after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `pulumi up` started for a test to interrupt: its pid, and its output once it has ended. */
function startUp() {
  const run = { pid: 0, ended: undefined as string | undefined };
  const result = engine
    .run(project, UP, { timeoutMs: CLI_TIMEOUT, onStart: (pid) => (run.pid = pid) })
    .then((r) => {
      run.ended = r.output;
      return r;
    });
  return { run, result };
}

/**
 * Waits until the NMI DaemonSet's create is the one operation of the up in flight: the DaemonSet
 * exists and its pods are bound (with the kubelet paused they never run, so the provider's await
 * blocks), every other object of the blueprint is on the server, and their creates (whose awaits
 * end within seconds) have had time to be recorded.
 */
async function untilOnlyTheDaemonSetAwaits(ended: () => string | undefined): Promise<void> {
  const daemonSet = nmi();
  const others = blueprintObjects().filter((o) => o !== daemonSet);
  await waitFor(
    "the NMI DaemonSet created with its pods bound, and every other object of the blueprint on the server",
    async () => {
      if (!(await exists(daemonSet))) return false;
      const pods = await get(`/api/v1/namespaces/${daemonSet.metadata!.namespace}/pods`);
      const items = (pods.body?.items ?? []) as { spec: { nodeName?: string } }[];
      if (items.length === 0 || !items.every((p) => p.spec.nodeName)) return false;
      admin.refreshDiscovery();
      for (const o of others) if (!(await exists(o))) return false;
      return true;
    },
    ended,
  );
  await new Promise((resolve) => setTimeout(resolve, 20_000));
}

beforeAll(async () => {
  const tools = findPulumiTools();
  blueprint = await recordBlueprint(STACK);
  const victim = victimTeam(blueprint.config);
  cluster = await startCluster(
    findBinaries(),
    tokenUsers(blueprint.config, victim, attackerTeam(blueprint.config, victim)),
    "interrupt",
  );
  admin = cluster.clients.bootstrap;
  kubelet = startFakeKubelet(admin);
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "aks-hardening-interrupt-"));
  project = path.join(scratch, "project");
  copyProject(project);
  engine = new Engine(tools, scratch);
  expectOk(await engine.run(project, ["stack", "init", STACK, "--secrets-provider", "passphrase"]));
  // As README "Deploying" says: the platform's kubeconfig, set as a secret.
  const kubeconfig = cluster.kubeconfig("bootstrap");
  expectOk(
    await engine.run(project, [
      "config",
      "set",
      "--stack",
      STACK,
      "--secret",
      "--path",
      "existing.kubeconfig",
      kubeconfig,
    ]),
  );
}, 600_000);

afterAll(async () => {
  kubelet?.stop();
  await cluster?.stop();
  // The project copy, backend and Pulumi home (with its copy of the provider plugin): ~165 MB.
  if (scratch && !process.env.KEEP_E2E_DIRS) fs.rmSync(scratch, { recursive: true, force: true });
});

describe(`an interrupted pulumi up of the ${STACK} stack`, () => {
  test(
    "SIGKILL of the CLI and its plugins while the NMI DaemonSet awaits its pods: a pending create, and a DaemonSet the state does not know",
    async () => {
      await kubelet.pause();
      const { run, result } = startUp();
      await untilOnlyTheDaemonSetAwaits(() => run.ended);
      const killed = killTree(run.pid);
      const up = await result;
      expect(up.signal).toBe("SIGKILL");
      // The CLI, the language host (shim, upstream host, the program and the policy pack on Node.js)
      // and the provider, in process groups of their own: a group kill would have missed them.
      expect(new Set(killed.map((p) => p.name))).toEqual(
        new Set(["pulumi", "pulumi-language", "node", "pulumi-resource"]),
      );
      expect(new Set(killed.map((p) => p.pgid)).size).toBeGreaterThan(1);
      await waitFor("the killed processes gone", () => Promise.resolve(stillAlive(killed).length === 0));
      expect(locks()).toHaveLength(1);

      const exported = await exportStack();
      expect(pendingOf(exported).map((p) => [p.type, p.resource.type])).toEqual([
        ["creating", "kubernetes:apps/v1:DaemonSet"],
      ]);
      expect(await reconcile(exported)).toEqual({ ...CONSISTENT, unknownToState: [keyOf(nmi())] });
    },
    STEP_TIMEOUT,
  );

  test(
    "the rerun as is: refused, the killed CLI's lock is still held; pulumi cancel (as the error says) removes it",
    async () => {
      const up = await engine.run(project, UP, { timeoutMs: CLI_TIMEOUT });
      expect(up.code).toBe(1);
      // CLI 3.248.0 does not check whether the lock's pid is alive.
      expect(up.output).toMatch(/the stack is currently locked by 1 lock\(s\)[^\n]*`pulumi cancel`/);
      expect(up.output).toMatch(/created by \S+ \(pid \d+\)/);
      expectOk(await engine.run(project, ["cancel", "--yes", "--stack", STACK]));
      expect(locks()).toEqual([]);
    },
    STEP_TIMEOUT,
  );

  test(
    "pulumi up with the pending create unresolved: warns about it, and the DaemonSet's re-create collides with the orphan's field manager",
    async () => {
      kubelet.resume();
      const up = await engine.run(project, UP, { timeoutMs: CLI_TIMEOUT });
      expect(up.code).toBe(1);
      expect(up.output).toContain("Attempting to deploy or update resources with 1 pending operations");
      expect(up.output).toMatch(/DaemonSet::\S+, interrupted while creating/);
      // The provider's create is a server-side apply under a fresh random field manager; the orphan's
      // fields belong to the killed run's, and `fieldRef` is an atomic struct the server completed
      // (apiVersion: v1), so the two applies conflict on it.
      expect(up.output).toMatch(
        /Server-Side Apply field conflict detected[\s\S]*conflict with "pulumi-kubernetes-[0-9a-f]+": \.spec\.template\.spec\.containers\[name="nmi"\]\.env\[name="NODE_NAME"\]\.valueFrom\.fieldRef/,
      );
      const exported = await exportStack();
      // Every update carries a pending create over: it needs a person (or a refresh flag) to resolve.
      expect(pendingOf(exported).map((p) => p.type)).toEqual(["creating"]);
      expect(await reconcile(exported)).toEqual({ ...CONSISTENT, unknownToState: [keyOf(nmi())] });
    },
    STEP_TIMEOUT,
  );

  test(
    "refresh --import-pending-creates <URN> <ID> (the CLI's answer for a create that happened): exit 0 and the pending create gone, but in 3.248.0 nothing is imported",
    async () => {
      const [pending] = pendingOf(await exportStack());
      const daemonSet = nmi();
      // Kubernetes provider IDs are <namespace>/<name>.
      const id = `${daemonSet.metadata!.namespace}/${daemonSet.metadata!.name}`;
      const refresh = await engine.run(
        project,
        // One value per occurrence of the flag: the URN, then the ID.
        [
          "refresh",
          "--yes",
          "--import-pending-creates",
          pending.resource.urn,
          "--import-pending-creates",
          id,
          "--stack",
          STACK,
        ],
        { timeoutMs: CLI_TIMEOUT },
      );
      expectOk(refresh);
      expect(refresh.output).not.toContain("did not correspond to a pending create");
      const exported = await exportStack();
      expect(pendingOf(exported)).toEqual([]);
      // The CLI turns the operation into a pending import, which this refresh then drops like any
      // non-create operation: the effect of --clear-pending-creates. The orphan stays unknown.
      expect(await reconcile(exported)).toEqual({ ...CONSISTENT, unknownToState: [keyOf(daemonSet)] });
    },
    STEP_TIMEOUT,
  );

  test(
    "the orphan deleted, pulumi up again, SIGINT while the DaemonSet awaits its pods: the CLI cancels, exits 1, records the create, leaves nothing pending",
    async () => {
      // A re-create cannot adopt the orphan (the conflict above) and no state records its field
      // manager: with the pending create gone, it is removed (its pods never ran).
      const daemonSet = nmi();
      const m = daemonSet.metadata!;
      const at = await admin.pathOf(daemonSet.apiVersion!, daemonSet.kind!, m.namespace, m.name);
      expect((await admin.request("DELETE", at)).status).toBe(200);
      // Its pods too (the kubelet stand-in removes them), so the new DaemonSet's are the only ones.
      await waitFor("the orphan DaemonSet and its pods gone", async () => {
        const pods = await get(`/api/v1/namespaces/${m.namespace}/pods`);
        return !(await exists(daemonSet)) && ((pods.body?.items ?? []) as unknown[]).length === 0;
      });

      // Ctrl-C while the one operation in flight is the DaemonSet's await, its apply long answered.
      await kubelet.pause();
      const { run, result } = startUp();
      await untilOnlyTheDaemonSetAwaits(() => run.ended);
      process.kill(run.pid, "SIGINT");
      const up = await result;
      // The CLI's Ctrl-C: cancellation is signalled to the providers, so the await ends early
      // (reported as a timeout) instead of running to completion; the state is written, the lock
      // released, and the update reported failed.
      expect(up.signal).toBeNull();
      expect(up.code).toBe(1);
      expect(up.output).toContain("^C received; cancelling.");
      expect(up.output).toMatch(
        /DaemonSet \(\S+\):\s+error:[\s\S]*?was successfully created, but the Kubernetes API server reported that it failed to fully initialize or become live: timed out waiting for the condition/,
      );
      expect(locks()).toEqual([]);
      const exported = await exportStack();
      expect(pendingOf(exported)).toEqual([]);
      // Recorded as created but not initialized, so the next up finishes it.
      const recorded = stateObjects(exported).find((r) => r.type === "kubernetes:apps/v1:DaemonSet") as
        | { initErrors?: string[] }
        | undefined;
      expect(recorded?.initErrors?.join("\n")).toMatch(/timed out waiting for the condition/);
      expect(await reconcile(exported)).toEqual(CONSISTENT);
    },
    STEP_TIMEOUT,
  );

  test(
    "the kubelet back, pulumi up converges: preview --expect-no-changes clean, every object exactly once, owned by the run the state records",
    async () => {
      kubelet.resume();
      expectOk(await engine.run(project, UP, { timeoutMs: CLI_TIMEOUT }));
      expectOk(
        await engine.run(project, ["preview", "--expect-no-changes", "--stack", STACK, ...PACK], {
          timeoutMs: CLI_TIMEOUT,
        }),
      );
      const exported = await exportStack();
      expect(pendingOf(exported)).toEqual([]);
      expect(await reconcile(exported)).toEqual(CONSISTENT);
      const deployed = stateObjects(exported)
        .map((r) => keyOf(r.outputs as ObjectRef))
        .sort();
      expect(deployed).toEqual(blueprintObjects().map(keyOf).sort());
    },
    STEP_TIMEOUT,
  );

  test(
    "destroy: every resource removed, the team namespaces gone",
    async () => {
      expectOk(
        await engine.run(project, ["destroy", "--yes", "--skip-preview", "--stack", STACK], {
          timeoutMs: CLI_TIMEOUT,
        }),
      );
      expect(exportedResources(await exportStack())).toEqual([]);
      for (const namespace of blueprint.config.teams.flatMap((t) => t.namespaces)) {
        const res = await admin.request("GET", `/api/v1/namespaces/${namespace}`);
        // Gone, or terminating while the namespace controller empties it.
        expect(res.status === 404 || (res.body?.status as { phase?: string })?.phase === "Terminating").toBe(
          true,
        );
      }
    },
    STEP_TIMEOUT,
  );
});
