/**
 * Where the real etcd / kube-apiserver / kube-controller-manager / kube-scheduler binaries are: the same rules as
 * scripts/build-tools.sh (explicit *_BIN variables, then envtest's KUBEBUILDER_ASSETS, then the
 * versioned cache the script builds into). Missing binaries are an error, never a silent skip:
 * a suite that passes without running anything would prove nothing.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export interface Binaries {
  etcd: string;
  kubeApiserver: string;
  /** Optional: runs the controllers the suite needs (role aggregation, quota, workloads, namespaces, ...). */
  kubeControllerManager?: string;
  /** Optional: schedules pods onto the fake nodes (scheduling and preemption attacks). */
  kubeScheduler?: string;
}

const repoRoot = path.resolve(__dirname, "../../..");

/** The version a wrapper module in tools/ requires, e.g. `v1.34.4` for k8s.io/kubernetes. */
export function wrapperVersion(goModText: string, modulePath: string): string | undefined {
  const escaped = modulePath.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  return new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\S+)`, "m").exec(goModText)?.[1];
}

function cacheDir(component: string, goMod: string, modulePath: string): string {
  const text = fs.readFileSync(path.join(repoRoot, "tools", goMod, "go.mod"), "utf8");
  const version = wrapperVersion(text, modulePath);
  if (!version) throw new Error(`tools/${goMod}/go.mod does not require ${modulePath}`);
  const cache = process.env.AKS_HARDENING_CACHE ?? path.join(os.homedir(), ".cache", "aks-hardening");
  return path.join(cache, "bin", `${component}-${version}`);
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function locate(name: string, envVar: string, builtDir: string): string | undefined {
  const explicit = process.env[envVar];
  if (explicit) {
    if (!isExecutable(explicit)) throw new Error(`${envVar}=${explicit} is not an executable file`);
    return explicit;
  }
  const assets = process.env.KUBEBUILDER_ASSETS;
  if (assets && isExecutable(path.join(assets, name))) return path.join(assets, name);
  const built = path.join(builtDir, name);
  return isExecutable(built) ? built : undefined;
}

/** Finds the binaries or throws one error that says how to get them. */
export function findBinaries(): Binaries {
  const k8sDir = cacheDir("k8s", "k8s", "k8s.io/kubernetes");
  const etcd = locate("etcd", "ETCD_BIN", cacheDir("etcd", "etcd", "go.etcd.io/etcd/server/v3"));
  const kubeApiserver = locate("kube-apiserver", "KUBE_APISERVER_BIN", k8sDir);
  const kubeControllerManager = locate("kube-controller-manager", "KUBE_CONTROLLER_MANAGER_BIN", k8sDir);
  const missing = [!etcd && "etcd", !kubeApiserver && "kube-apiserver"].filter(Boolean);
  if (!etcd || !kubeApiserver) {
    throw new Error(
      `real components missing: ${missing.join(", ")}. Run \`npm run tools:build\` (builds into ${path.dirname(k8sDir)}) ` +
        "or point ETCD_BIN / KUBE_APISERVER_BIN / KUBEBUILDER_ASSETS at existing binaries.",
    );
  }
  const kubeScheduler = locate("kube-scheduler", "KUBE_SCHEDULER_BIN", k8sDir);
  return { etcd, kubeApiserver, kubeControllerManager, kubeScheduler };
}
