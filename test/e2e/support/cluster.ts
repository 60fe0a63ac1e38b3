/**
 * A throw-away control plane on loopback: etcd + kube-apiserver, plus (when built)
 * kube-controller-manager with the controllers the suite relies on (`CONTROLLERS`) and
 * kube-scheduler, and fake nodes shaped like an AKS cluster's (`FAKE_NODES`: one node per team pool
 * of the local stack, labelled and tainted `aks-hardening.io/team-pool=<team>`, and one system-pool
 * node tainted `CriticalAddonsOnly`). Random free ports, a temp dir, fresh
 * service-account keys and a static token file. RBAC authorization, anonymous auth off.
 *
 * No kubelet runs: pods are scheduled (bound to a node) but never start, which is enough for
 * admission, quota, scheduling and preemption to be real.
 *
 * Every process is started in its own process group and killed with it on `stop()` (the suite's
 * afterAll, which also runs when tests fail). If the test runner itself dies first (killed,
 * Ctrl-C, crash), a small watcher process kills the groups and removes the temp dir.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { teamPoolLabels, teamPoolTaint } from "../../../conventions/kubernetes";
import { KubeClient, type ServerEndpoint } from "./client";
import type { Binaries } from "./binaries";

/** A user of the static token file (as Entra authentication would present it: a name and groups). */
export interface TokenUser {
  name: string;
  groups: string[];
}

export interface Cluster {
  endpoint: ServerEndpoint;
  /** A client per user name (plus `bootstrap`, member of system:masters). */
  clients: Record<string, KubeClient>;
  dir: string;
  /** Whether kube-controller-manager (role aggregation) runs. */
  aggregation: boolean;
  /** Whether kube-controller-manager runs (with every controller of `CONTROLLERS`). */
  controllers: boolean;
  /** Whether kube-scheduler runs (then the `FAKE_NODES` exist as Node objects). */
  scheduler: boolean;
  /** A kubeconfig (JSON text, CA inline) holding the static token of `user` (a name of `clients`). */
  kubeconfig(user: string): string;
  stop(): Promise<void>;
}

/**
 * The kube-controller-manager controllers (1.34 names, see `kube-controller-manager --help`):
 * role aggregation fills the built-in admin/edit roles; quota fills ResourceQuota status (without
 * it the quota admission plugin refuses every pod in a namespace with a quota: "status unknown");
 * the workload controllers turn Deployments/DaemonSets into pods; namespace deletion, `default`
 * ServiceAccounts, garbage collection and PodDisruptionBudget status behave as on a real cluster;
 * Service endpoints are filled (the Kubernetes provider waits for them before a Service is ready).
 */
export const CONTROLLERS: readonly string[] = [
  "namespace-controller",
  "daemonset-controller",
  "deployment-controller",
  "replicaset-controller",
  "clusterrole-aggregation-controller",
  "serviceaccount-controller",
  "garbage-collector-controller",
  "resourcequota-controller",
  "disruption-controller",
  "endpoints-controller",
];

/** The user kube-scheduler authenticates as (the built-in `system:kube-scheduler` roles name it). */
export const SCHEDULER_USER = "system:kube-scheduler";

/** Taint of the system-pool node, as AKS sets it on a pool with `onlyCriticalAddonsEnabled`. */
export const SYSTEM_POOL_TAINT = { key: "CriticalAddonsOnly", value: "true", effect: "NoSchedule" } as const;

/** What each fake node offers the scheduler (allocatable = capacity: no kubelet reserves anything). */
export const FAKE_NODE_CAPACITY = { cpu: "4", memory: "16Gi", pods: "110" } as const;

export interface FakeNode {
  name: string;
  pool: string;
  mode: "user" | "system";
  /** The team whose dedicated pool the node belongs to (issue 15). */
  team?: string;
  taints: readonly { key: string; value: string; effect: string }[];
}

/**
 * The fake nodes: one per team pool of the local stack (`teams[].nodePool` of team-a and team-b,
 * labelled and tainted as the blueprint makes a team pool) and one system-pool node.
 */
export const FAKE_NODES = {
  teamA: {
    name: "aks-teama-00000000",
    pool: "teama",
    mode: "user",
    team: "team-a",
    taints: [teamPoolTaint("team-a")],
  },
  teamB: {
    name: "aks-teamb-00000000",
    pool: "teamb",
    mode: "user",
    team: "team-b",
    taints: [teamPoolTaint("team-b")],
  },
  system: { name: "aks-system-00000000", pool: "system", mode: "system", taints: [SYSTEM_POOL_TAINT] },
} as const satisfies Record<string, FakeNode>;

/** The fake node of `team`'s pool. */
export function teamNode(team: string): FakeNode {
  const node = (Object.values(FAKE_NODES) as FakeNode[]).find((n) => n.team === team);
  if (!node) throw new Error(`no fake node for team ${team}: FAKE_NODES has one per local-stack team pool`);
  return node;
}

/** The Node object of a fake node, ready and schedulable, labelled as AKS labels its nodes. */
export function fakeNodeManifest(node: FakeNode) {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: node.name,
      labels: {
        "kubernetes.io/hostname": node.name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.azure.com/agentpool": node.pool,
        "kubernetes.azure.com/mode": node.mode,
        ...(node.team ? teamPoolLabels(node.team) : {}),
      },
    },
    spec: { taints: [...node.taints] },
  };
}

function fakeNodeStatus() {
  const now = new Date().toISOString();
  return {
    capacity: FAKE_NODE_CAPACITY,
    allocatable: FAKE_NODE_CAPACITY,
    conditions: [
      {
        type: "Ready",
        status: "True",
        reason: "KubeletReady",
        message: "fake node (no kubelet)",
        lastHeartbeatTime: now,
        lastTransitionTime: now,
      },
    ],
    nodeInfo: { kubeletVersion: "v0.0.0-fake", operatingSystem: "linux", architecture: "amd64" },
  };
}

/** Registers the fake nodes (create, then their status through `nodes/status`, as a kubelet does). */
async function registerFakeNodes(bootstrap: KubeClient): Promise<void> {
  for (const node of Object.values(FAKE_NODES)) {
    const manifest = fakeNodeManifest(node);
    const created = await bootstrap.request("POST", "/api/v1/nodes", { body: manifest });
    if (created.status >= 300) throw new Error(`fake node ${node.name}: ${created.status} ${created.text}`);
    const status = await bootstrap.request("PATCH", `/api/v1/nodes/${node.name}/status`, {
      body: { status: fakeNodeStatus() },
      contentType: "application/merge-patch+json",
    });
    if (status.status >= 300)
      throw new Error(`fake node ${node.name} status: ${status.status} ${status.text}`);
    // The TaintNodesByCondition admission plugin taints every new node `not-ready`; the node
    // lifecycle controller (not run here) would lift it once the kubelet reports Ready.
    const taints = await bootstrap.request("PATCH", `/api/v1/nodes/${node.name}`, {
      body: { spec: { taints: [...node.taints] } },
      contentType: "application/merge-patch+json",
    });
    if (taints.status >= 300)
      throw new Error(`fake node ${node.name} taints: ${taints.status} ${taints.text}`);
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal); // negative pid: the whole process group
  } catch {
    // already gone
  }
}

/**
 * Watches the test process and, once it is gone, kills every process group listed in
 * `<dir>/pgids` and removes `dir`. Needed because jest hands test code a sandboxed copy of
 * `process` whose exit/signal listeners never fire, so in-process handlers cannot clean up.
 */
function startReaper(dir: string): ChildProcess {
  const script =
    'while kill -0 "$2" 2>/dev/null; do sleep 1; done; ' +
    'for g in $(cat "$1/pgids" 2>/dev/null); do kill -KILL -"$g" 2>/dev/null; done; rm -rf "$1"';
  const reaper = spawn("sh", ["-c", script, "e2e-reaper", dir, String(process.pid)], {
    detached: true,
    stdio: "ignore",
  });
  reaper.unref();
  return reaper;
}

/** A port the kernel just handed out on 127.0.0.1 (then released for the child to bind). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** One line of the apiserver's --token-auth-file: token,user,uid[,"group1,group2"]. */
export function tokenFileLine(token: string, user: TokenUser): string {
  for (const value of [user.name, ...user.groups]) {
    if (/[",\n]/.test(value))
      throw new Error(`token user field ${JSON.stringify(value)} contains , " or a newline`);
  }
  const line = `${token},${user.name},uid-${user.name}`;
  // No groups: omit the column (an empty one would be read as a group named "").
  return user.groups.length === 0 ? line : `${line},"${user.groups.join(",")}"`;
}

/** A kubeconfig (JSON) for `user` authenticating with `token`; the CA inline, so it can be copied. */
function kubeconfigText(endpoint: ServerEndpoint, user: string, token: string): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: "e2e",
        cluster: {
          server: endpoint.url,
          "certificate-authority-data": Buffer.from(endpoint.ca).toString("base64"),
        },
      },
    ],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: "e2e", context: { cluster: "e2e", user } }],
    "current-context": "e2e",
  });
}

/** A kubeconfig file for a component authenticating with `token`. */
function writeKubeconfig(file: string, endpoint: ServerEndpoint, user: string, token: string) {
  fs.writeFileSync(file, kubeconfigText(endpoint, user, token), { mode: 0o600 });
}

function launch(binary: string, args: string[], logFile: string, dir: string): ChildProcess {
  const log = fs.openSync(logFile, "a");
  const child = spawn(binary, args, { detached: true, stdio: ["ignore", log, log] });
  fs.closeSync(log);
  if (child.pid !== undefined) fs.appendFileSync(path.join(dir, "pgids"), `${child.pid}\n`);
  return child;
}

function tail(file: string, lines = 25): string {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

async function waitFor(
  what: string,
  timeoutMs: number,
  probe: () => Promise<boolean>,
  alive: () => string | undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dead = alive();
    if (dead) throw new Error(`${what}: ${dead}`);
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function stopAll(children: ChildProcess[]): Promise<void> {
  // Reverse start order: scheduler, controller-manager, apiserver, then etcd.
  for (const child of [...children].reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    killGroup(child, "SIGTERM");
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * Starts a control plane for `users` and waits for /readyz. The returned `clients` include every
 * user plus `bootstrap` (system:masters), which only the fixture itself should use.
 */
export async function startCluster(binaries: Binaries, users: TokenUser[], label: string): Promise<Cluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `aks-hardening-${label}-`));
  const children: ChildProcess[] = [];
  const reaper = startReaper(dir);
  const stop = async () => {
    await stopAll(children);
    killGroup(reaper, "SIGKILL");
    if (!process.env.KEEP_E2E_DIRS) fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const { publicKey, privateKey } = crypto.generateKeyPairSync("rsa", {
      modulusLength: 2048,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    });
    fs.writeFileSync(path.join(dir, "sa.pub"), publicKey);
    fs.writeFileSync(path.join(dir, "sa.key"), privateKey, { mode: 0o600 });
    const everyone: TokenUser[] = [
      { name: "bootstrap", groups: ["system:masters"] },
      // The scheduler's own identity, so admission policies see the requester a real cluster shows.
      { name: SCHEDULER_USER, groups: ["system:authenticated"] },
      ...users,
    ];
    const tokens = new Map(everyone.map((u) => [u.name, crypto.randomBytes(24).toString("hex")]));
    fs.writeFileSync(
      path.join(dir, "tokens.csv"),
      everyone.map((u) => tokenFileLine(tokens.get(u.name)!, u)).join("\n") + "\n",
      { mode: 0o600 },
    );

    const etcdLog = path.join(dir, "etcd.log");
    const etcd = launch(
      binaries.etcd,
      [
        "--name=e2e",
        `--data-dir=${path.join(dir, "etcd")}`,
        `--listen-client-urls=http://127.0.0.1:${etcdPort}`,
        `--advertise-client-urls=http://127.0.0.1:${etcdPort}`,
        `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
        `--initial-cluster=e2e=http://127.0.0.1:${peerPort}`,
        "--unsafe-no-fsync", // throw-away data: skip fsync to keep the shared machine's disk idle
        "--log-level=warn",
      ],
      etcdLog,
      dir,
    );
    children.push(etcd);

    const apiLog = path.join(dir, "kube-apiserver.log");
    const apiserver = launch(
      binaries.kubeApiserver,
      [
        `--etcd-servers=http://127.0.0.1:${etcdPort}`,
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        `--secure-port=${apiPort}`,
        `--cert-dir=${path.join(dir, "pki")}`,
        "--service-cluster-ip-range=10.0.0.0/24",
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        `--service-account-key-file=${path.join(dir, "sa.pub")}`,
        `--service-account-signing-key-file=${path.join(dir, "sa.key")}`,
        `--token-auth-file=${path.join(dir, "tokens.csv")}`,
        "--authorization-mode=RBAC",
        "--anonymous-auth=false",
        // Privileged pods must be allowed by the server itself, so that refusing them is PSA's job.
        "--allow-privileged=true",
        // No controller-manager creates `default` ServiceAccounts (envtest does the same).
        "--disable-admission-plugins=ServiceAccount",
      ],
      apiLog,
      dir,
    );
    children.push(apiserver);

    const exited = (child: ChildProcess, name: string, log: string) =>
      child.exitCode !== null || child.signalCode !== null
        ? `${name} exited (${child.exitCode ?? child.signalCode}); last log lines:\n${tail(log)}`
        : undefined;
    const alive = () => exited(etcd, "etcd", etcdLog) ?? exited(apiserver, "kube-apiserver", apiLog);

    const certFile = path.join(dir, "pki", "apiserver.crt");
    await waitFor(
      "kube-apiserver serving certificate",
      60_000,
      () => Promise.resolve(fs.existsSync(certFile)),
      alive,
    );
    const endpoint: ServerEndpoint = {
      url: `https://127.0.0.1:${apiPort}`,
      ca: fs.readFileSync(certFile, "utf8"),
    };
    const clients = Object.fromEntries(
      everyone.map((u) => [u.name, new KubeClient(endpoint, tokens.get(u.name)!, u.name)]),
    );
    const bootstrap = clients.bootstrap;
    await waitFor(
      "kube-apiserver /readyz",
      120_000,
      async () => (await bootstrap.request("GET", "/readyz")).status === 200,
      alive,
    );

    let aggregation = false;
    let controllers = false;
    if (binaries.kubeControllerManager) {
      const kubeconfig = path.join(dir, "controller-manager.kubeconfig");
      writeKubeconfig(kubeconfig, endpoint, "bootstrap", tokens.get("bootstrap")!);
      const kcmLog = path.join(dir, "kube-controller-manager.log");
      const kcm = launch(
        binaries.kubeControllerManager,
        [
          `--kubeconfig=${kubeconfig}`,
          `--controllers=${CONTROLLERS.join(",")}`,
          // Each controller acts as its own kube-system service account (token requests), as on
          // AKS, so admission policies see `system:serviceaccount:kube-system:<controller>`.
          "--use-service-account-credentials=true",
          "--leader-elect=false",
          "--secure-port=0",
        ],
        kcmLog,
        dir,
      );
      children.push(kcm);
      // Ready when the aggregated `edit` role has rules (empty until the controller fills it).
      await waitFor(
        "kube-controller-manager role aggregation",
        60_000,
        async () => {
          const edit = await bootstrap.request("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/edit");
          return Array.isArray(edit.body?.rules) && (edit.body.rules as unknown[]).length > 0;
        },
        () => alive() ?? exited(kcm, "kube-controller-manager", kcmLog),
      );
      aggregation = true;
      controllers = true;
    }

    let scheduler = false;
    if (binaries.kubeScheduler) {
      await registerFakeNodes(bootstrap);
      const kubeconfig = path.join(dir, "scheduler.kubeconfig");
      writeKubeconfig(kubeconfig, endpoint, SCHEDULER_USER, tokens.get(SCHEDULER_USER)!);
      const schedulerLog = path.join(dir, "kube-scheduler.log");
      const schedulerProcess = launch(
        binaries.kubeScheduler,
        [`--kubeconfig=${kubeconfig}`, "--leader-elect=false", "--secure-port=0"],
        schedulerLog,
        dir,
      );
      children.push(schedulerProcess);
      // Ready once it has bound a probe pod (its informers are synced and it can write bindings).
      await waitFor(
        "kube-scheduler binding a probe pod",
        60_000,
        async () => {
          const probe = await bootstrap.request(
            "GET",
            "/api/v1/namespaces/kube-system/pods/e2e-scheduler-probe",
          );
          if (probe.status === 404) {
            await bootstrap.request("POST", "/api/v1/namespaces/kube-system/pods", {
              body: {
                apiVersion: "v1",
                kind: "Pod",
                metadata: { name: "e2e-scheduler-probe" },
                spec: {
                  // Every fake node is tainted (team pools, system pool): the harness's probe
                  // tolerates them all, so that only the scheduler's readiness is tested.
                  tolerations: [{ operator: "Exists" }],
                  containers: [{ name: "probe", image: "registry.k8s.io/pause:3.10" }],
                },
              },
            });
            return false;
          }
          return typeof (probe.body?.spec as { nodeName?: string } | undefined)?.nodeName === "string";
        },
        () => alive() ?? exited(schedulerProcess, "kube-scheduler", schedulerLog),
      );
      await bootstrap.request("DELETE", "/api/v1/namespaces/kube-system/pods/e2e-scheduler-probe", {
        query: { gracePeriodSeconds: "0" },
      });
      scheduler = true;
    }
    const kubeconfig = (user: string) => {
      const token = tokens.get(user);
      if (!token) throw new Error(`no token user ${user} on the ${label} cluster`);
      return kubeconfigText(endpoint, user, token);
    };
    return { endpoint, clients, dir, aggregation, controllers, scheduler, kubeconfig, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
