/**
 * Arguments of `TeamWorkload`, the one component an application team needs to run a service.
 *
 * What is not here is the point: there is no field for privileged mode, host namespaces, host
 * ports or paths, extra capabilities, a seccomp/AppArmor/SELinux override, a pod label or annotation
 * that would claim an identity, or an identity that is not in the team's own contract. Those are not
 * expressible; a team that writes raw Kubernetes resources instead is caught by the policy pack and,
 * in the cluster, by Pod Security Admission and the admission policies.
 */
import type * as k8s from "@pulumi/kubernetes";
import type { TeamContract } from "./contract";

/**
 * A health probe. An HTTP GET when `path` is set, a command when `command` is set (not both), else
 * a TCP connection. It always targets the pod itself: there is no `host` field (PSA forbids one).
 */
export interface WorkloadProbe {
  /** HTTP GET path, e.g. `/healthz`. Default: none. */
  path?: string;
  /** Command run in the container (exit 0 = healthy). Default: none. */
  command?: string[];
  /** Port probed by HTTP or TCP. Default: the workload's `containerPort`. */
  port?: number;
  /** Seconds before the first probe. Default 0. */
  initialDelaySeconds?: number;
  /** Seconds between probes. Default 10. */
  periodSeconds?: number;
  /** Seconds before a probe times out. Default 1. */
  timeoutSeconds?: number;
  /** Consecutive failures before the probe counts as failed. Default 3. */
  failureThreshold?: number;
}

/** Container resources; requests and limits are both required (no unbounded pods). */
export interface WorkloadResources {
  /** Scheduled guarantee, e.g. `{ cpu: "100m", memory: "128Mi" }`. Required. */
  requests: { cpu: string; memory: string };
  /** Hard cap, e.g. `{ cpu: "500m", memory: "256Mi" }`; each at least the request. Required. */
  limits: { cpu: string; memory: string };
}

export interface TeamWorkloadArgs {
  /** The team's contract, from `getTeamContract`. Required. */
  contract: TeamContract;
  /**
   * Name of the contract identity the pods use to get Azure tokens. The binding (pod-identity label
   * or workload-identity ServiceAccount) follows the identity's mode in the contract, so a team
   * moved to workload identity by the platform needs no change here. Default: no Azure identity.
   */
  identity?: string;
  /**
   * Namespace to deploy into; one of the contract's namespaces, and the identity's namespace when
   * `identity` is set. Default: the identity's namespace, else the contract's only namespace.
   */
  namespace?: string;
  /**
   * Container image, from an allowed registry, pinned by a tag other than `latest` or by a digest,
   * e.g. `myacr.azurecr.io/orders:1.4.2`. Required.
   */
  image: string;
  /**
   * Registries (hosts, optionally with a path prefix) images may come from. Default: the contract's
   * `imageRegistries`; when the contract has a list, this may only narrow it.
   */
  allowedRegistries?: string[];
  /** Port the container listens on; 1024 or above (no capability to bind lower ports). Default 8080. */
  containerPort?: number;
  /** Number of pods; at least 2 keeps the service up through a node drain. Default 2. */
  replicas?: number;
  /** CPU/memory requests and limits. Required. */
  resources: WorkloadResources;
  /** Readiness and liveness probes (required), and an optional startup probe. */
  probes: { readiness: WorkloadProbe; liveness: WorkloadProbe; startup?: WorkloadProbe };
  /** Overrides the image's entrypoint. Default: the image's. */
  command?: string[];
  /** Arguments to the entrypoint. Default: the image's. */
  args?: string[];
  /** Plain environment variables (no secrets: mount those from a Secret or Key Vault). Default: none. */
  env?: Record<string, string>;
  /** Non-zero UID (and GID) the container runs as. Default 65532 (the distroless `nonroot` user). */
  runAsUser?: number;
  /**
   * Lets the container write its root filesystem. Default false (read-only root; write to
   * `writablePaths`). PSA `restricted` does not require a read-only root, so asking for it keeps
   * the pod admissible; it is a visible, reviewable line in the team's code.
   */
  writableRootFilesystem?: boolean;
  /** Paths that get a private `emptyDir`, writable even with a read-only root. Default `["/tmp"]`. */
  writablePaths?: string[];
  /**
   * A ClusterIP Service in front of the pods (`port` -> `containerPort`). Exposure outside the
   * cluster is the platform's ingress business, not expressible here. Default: no Service.
   */
  service?: { port: number };
  /**
   * Extra labels on every object and pod. Keys of the identity bindings (`aadpodidbinding`,
   * `azure.workload.identity/*`), of the team label and of the selector are refused. Default: none.
   */
  labels?: Record<string, string>;
  /** Kubernetes provider. Default: one made from the contract's kubeconfig (never the ambient one). */
  provider?: k8s.Provider;
}
