/**
 * A throw-away control plane on loopback: etcd + kube-apiserver (+ kube-controller-manager running
 * only the clusterrole-aggregation controller, when available), random free ports, a temp dir,
 * fresh service-account keys and a static token file. RBAC authorization, anonymous auth off.
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
  stop(): Promise<void>;
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
  // Reverse start order: controller-manager, apiserver, then etcd.
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
    const everyone: TokenUser[] = [{ name: "bootstrap", groups: ["system:masters"] }, ...users];
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
    if (binaries.kubeControllerManager) {
      const kubeconfig = path.join(dir, "controller-manager.kubeconfig");
      fs.writeFileSync(
        kubeconfig,
        JSON.stringify({
          apiVersion: "v1",
          kind: "Config",
          clusters: [{ name: "e2e", cluster: { server: endpoint.url, "certificate-authority": certFile } }],
          users: [{ name: "bootstrap", user: { token: tokens.get("bootstrap") } }],
          contexts: [{ name: "e2e", context: { cluster: "e2e", user: "bootstrap" } }],
          "current-context": "e2e",
        }),
        { mode: 0o600 },
      );
      const kcmLog = path.join(dir, "kube-controller-manager.log");
      const kcm = launch(
        binaries.kubeControllerManager,
        [
          `--kubeconfig=${kubeconfig}`,
          // Only what the built-in roles need: aggregate `system:aggregate-to-*` rules into admin/edit/view.
          "--controllers=clusterrole-aggregation",
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
    }
    return { endpoint, clients, dir, aggregation, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
