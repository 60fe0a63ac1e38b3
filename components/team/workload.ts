/**
 * `TeamWorkload`: Deployment + PodDisruptionBudget (+ optional ClusterIP Service)
 * for an application team, restricted by construction and bound to one of the team's identities.
 *
 * The work happens in the pure `renderTeamWorkload`, which validates the args against the team's
 * contract and returns the plain object specs; the class only creates the resources. Pods run as
 * the ServiceAccount the platform created for the identity (team developers may not write
 * ServiceAccounts, so the component creates none; without an identity, the namespace's `default`
 * account, with no token mounted). Identity wiring follows the identity's mode in the contract:
 * - pod identity: pod label `aadpodidbinding: <namespace>.<identity>`; the ServiceAccount carries
 *   no Azure meaning in this mode, but is the same one workload identity will annotate, so a
 *   team's migration changes no workload code.
 * - workload identity: pod label `azure.workload.identity/use: "true"` and the ServiceAccount the
 *   platform annotated for that identity (the federated credential names it; the platform owns it
 *   so that several workloads can share one identity and no team can re-point it).
 */
import { isDns1123Label } from "../../conventions/formats";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  POD_IDENTITY_LABEL,
  WORKLOAD_IDENTITY_USE_LABEL,
  podIdentitySelector,
  teamPoolPlacement,
} from "../../conventions/kubernetes";
import type { TeamContractIdentity } from "./contract";
import { ProblemList } from "./errors";
import { imageProblem } from "./images";
import { checkRestrictedPodSpec } from "./pod-security";
import type { TeamWorkloadArgs, WorkloadProbe } from "./workload-args";

/** Defaults of `TeamWorkloadArgs`, in one place so docs and code cannot drift. */
export const WORKLOAD_DEFAULTS = {
  containerPort: 8080,
  replicas: 2,
  runAsUser: 65532,
  writablePaths: ["/tmp"],
} as const;

/** The label every object of a workload carries; the Deployment, PDB and Service select on it. */
export const WORKLOAD_NAME_LABEL = "app.kubernetes.io/name";

/** Label keys a team may not set: identity bindings, platform trust anchors, PSA, the selector. */
const RESERVED_LABEL_PREFIXES = [
  POD_IDENTITY_LABEL,
  "azure.workload.identity/",
  "aks-hardening.io/",
  "pod-security.kubernetes.io/",
  WORKLOAD_NAME_LABEL,
];

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** Metadata of every object of a workload. */
export interface RenderedMetadata {
  name: string;
  namespace: string;
  labels: Record<string, string>;
}

/** Selects a workload's pods (the Deployment's, PDB's and Service's selector). */
export interface RenderedSelector {
  matchLabels: Record<string, string>;
}

/** Plain Kubernetes object specs, as `renderTeamWorkload` returns them. */
export interface RenderedWorkload {
  namespace: string;
  /** The identity the pods are bound to, if any. */
  identity?: TeamContractIdentity;
  serviceAccountName: string;
  deployment: {
    metadata: RenderedMetadata;
    spec: {
      replicas: number;
      selector: RenderedSelector;
      template: { metadata: { labels: Record<string, string> }; spec: k8s.types.input.core.v1.PodSpec };
    };
  };
  podDisruptionBudget: {
    metadata: RenderedMetadata;
    spec: { maxUnavailable: number; selector: RenderedSelector };
  };
  service?: {
    metadata: RenderedMetadata;
    spec: {
      type: string;
      selector: Record<string, string>;
      ports: { name: string; port: number; targetPort: string; protocol: string }[];
    };
  };
}

/** CPU in millicores or memory in bytes, from a Kubernetes quantity; `undefined` if unreadable. */
export function parseQuantity(quantity: string): number | undefined {
  const match = /^([0-9]+(?:\.[0-9]+)?)(m|k|Ki|M|Mi|G|Gi|T|Ti)?$/.exec(quantity);
  if (!match) return undefined;
  const factors: Record<string, number> = {
    m: 1e-3,
    k: 1e3,
    Ki: 1024,
    M: 1e6,
    Mi: 1024 ** 2,
    G: 1e9,
    Gi: 1024 ** 3,
    T: 1e12,
    Ti: 1024 ** 4,
  };
  return Number(match[1]) * (match[2] ? factors[match[2]] : 1);
}

function checkPort(problems: ProblemList, key: string, port: unknown, min = 1): void {
  if (!Number.isInteger(port) || (port as number) < min || (port as number) > 65535) {
    problems.add(key, port, `must be an integer port from ${min} to 65535`);
  }
}

function checkProbe(
  problems: ProblemList,
  key: string,
  probe: WorkloadProbe | undefined,
  required: boolean,
): void {
  if (!probe) {
    if (required)
      problems.add(key, probe, "is required (a pod without it is routed to or kept alive blindly)");
    return;
  }
  if (probe.path !== undefined && probe.command !== undefined)
    problems.add(key, probe, "set either path or command, not both");
  if (probe.path !== undefined && !probe.path.startsWith("/"))
    problems.add(`${key}.path`, probe.path, "must start with /");
  if (probe.command !== undefined && probe.command.length === 0)
    problems.add(`${key}.command`, probe.command, "must not be empty");
  if (probe.port !== undefined) checkPort(problems, `${key}.port`, probe.port);
}

function renderProbe(probe: WorkloadProbe, containerPort: number): k8s.types.input.core.v1.Probe {
  const port = probe.port ?? containerPort;
  const handler = probe.command
    ? { exec: { command: probe.command } }
    : probe.path
      ? { httpGet: { path: probe.path, port } }
      : { tcpSocket: { port } };
  return {
    ...handler,
    initialDelaySeconds: probe.initialDelaySeconds ?? 0,
    periodSeconds: probe.periodSeconds ?? 10,
    timeoutSeconds: probe.timeoutSeconds ?? 1,
    failureThreshold: probe.failureThreshold ?? 3,
  };
}

function checkResources(problems: ProblemList, key: string, args: TeamWorkloadArgs): void {
  for (const resource of ["cpu", "memory"] as const) {
    const request = args.resources?.requests?.[resource];
    const limit = args.resources?.limits?.[resource];
    const requestValue = typeof request === "string" ? parseQuantity(request) : undefined;
    const limitValue = typeof limit === "string" ? parseQuantity(limit) : undefined;
    if (requestValue === undefined)
      problems.add(
        `${key}.requests.${resource}`,
        request,
        "must be a Kubernetes quantity (e.g. 100m, 128Mi)",
      );
    if (limitValue === undefined)
      problems.add(`${key}.limits.${resource}`, limit, "must be a Kubernetes quantity (e.g. 500m, 256Mi)");
    if (requestValue !== undefined && limitValue !== undefined && limitValue < requestValue) {
      problems.add(`${key}.limits.${resource}`, limit, `must be at least the request (${request})`);
    }
  }
}

/** The effective registry allow-list; a workload may only narrow the contract's list. */
function allowedRegistries(problems: ProblemList, key: string, args: TeamWorkloadArgs): string[] {
  const fromContract = args.contract.imageRegistries;
  const requested = args.allowedRegistries;
  if (requested === undefined) return fromContract;
  if (fromContract.length > 0) {
    for (const entry of requested) {
      const inside = fromContract.some((allowed) =>
        `${entry.replace(/\/+$/, "")}/`.startsWith(`${allowed.replace(/\/+$/, "")}/`),
      );
      if (!inside)
        problems.add(key, entry, `is outside the platform's registries (${fromContract.join(", ")})`);
    }
  }
  return requested;
}

/** Resolves the identity (from the team's own contract only) and the namespace. */
function resolvePlacement(
  problems: ProblemList,
  args: TeamWorkloadArgs,
): { identity?: TeamContractIdentity; namespace: string } {
  const { contract } = args;
  let identity: TeamContractIdentity | undefined;
  if (args.identity !== undefined) {
    identity = contract.identities.find((i) => i.name === args.identity);
    if (!identity) {
      problems.add(
        "identity",
        args.identity,
        `is not an identity of team "${contract.team}" (its identities: ${contract.identities.map((i) => i.name).join(", ") || "none"})`,
      );
    }
  }
  const namespace =
    args.namespace ?? identity?.namespace ?? (contract.namespaces.length === 1 ? contract.namespaces[0] : "");
  if (!contract.namespaces.includes(namespace)) {
    problems.add(
      "namespace",
      args.namespace,
      `must be one of team "${contract.team}"'s namespaces (${contract.namespaces.join(", ")})`,
    );
  } else if (identity?.mode === "workload-identity" && !identity.serviceAccount) {
    problems.add(
      "identity",
      args.identity,
      "has no serviceAccount in the contract (workload identity needs one)",
    );
  } else if (identity && identity.namespace !== namespace) {
    problems.add(
      "namespace",
      namespace,
      `identity "${identity.name}" may only be used from namespace "${identity.namespace}"`,
    );
  }
  return { identity, namespace };
}

/**
 * Pure: validates `args` against the team's contract and renders the workload's objects. Throws
 * `TeamInputError` naming every bad arg (key path and value) before anything is created.
 */
export function renderTeamWorkload(name: string, args: TeamWorkloadArgs): RenderedWorkload {
  const problems = new ProblemList();
  if (!isDns1123Label(name))
    problems.add("name", name, "must be a DNS-1123 label (it names the Kubernetes objects)");
  const { identity, namespace } = resolvePlacement(problems, args);
  const registries = allowedRegistries(problems, "allowedRegistries", args);
  const badImage = typeof args.image === "string" ? imageProblem(args.image, registries) : "is required";
  if (badImage) problems.add("image", args.image, badImage);

  const containerPort = args.containerPort ?? WORKLOAD_DEFAULTS.containerPort;
  checkPort(problems, "containerPort", containerPort, 1024);
  const replicas = args.replicas ?? WORKLOAD_DEFAULTS.replicas;
  if (!Number.isInteger(replicas) || replicas < 1)
    problems.add("replicas", replicas, "must be an integer of at least 1");
  checkResources(problems, "resources", args);
  checkProbe(problems, "probes.readiness", args.probes?.readiness, true);
  checkProbe(problems, "probes.liveness", args.probes?.liveness, true);
  checkProbe(problems, "probes.startup", args.probes?.startup, false);
  const runAsUser = args.runAsUser ?? WORKLOAD_DEFAULTS.runAsUser;
  if (!Number.isInteger(runAsUser) || runAsUser < 1)
    problems.add("runAsUser", runAsUser, "must be a non-zero UID");
  const writablePaths = args.writablePaths ?? [...WORKLOAD_DEFAULTS.writablePaths];
  writablePaths.forEach((path, i) => {
    if (!path.startsWith("/")) problems.add(`writablePaths[${i}]`, path, "must be an absolute path");
  });
  if (new Set(writablePaths).size !== writablePaths.length)
    problems.add("writablePaths", writablePaths, "must not repeat a path");
  if (args.service) checkPort(problems, "service.port", args.service.port);
  for (const key of Object.keys(args.labels ?? {})) {
    if (RESERVED_LABEL_PREFIXES.some((prefix) => key.startsWith(prefix))) {
      problems.add(
        `labels.${key}`,
        args.labels?.[key],
        "is reserved (identity binding, platform or selector label)",
      );
    }
  }
  for (const key of Object.keys(args.env ?? {})) {
    if (!ENV_NAME.test(key))
      problems.add(`env.${key}`, args.env?.[key], "is not a valid environment variable name");
  }
  problems.throwIfAny(`args of TeamWorkload "${name}"`);

  const selector = { [WORKLOAD_NAME_LABEL]: name };
  const labels: Record<string, string> = { ...args.labels, ...selector };
  const metadata = { name, namespace, labels };
  const workloadIdentity = identity?.mode === "workload-identity";
  const identityLabels: Record<string, string> = !identity
    ? {}
    : workloadIdentity
      ? { [WORKLOAD_IDENTITY_USE_LABEL]: "true" }
      : // Derived from the convention, not read from the contract: the value the admission policy accepts.
        { [POD_IDENTITY_LABEL]: podIdentitySelector(identity.namespace, identity.name) };
  // A pod-identity contract from before ServiceAccounts were created for both modes names none.
  const serviceAccountName = identity?.serviceAccount ?? "default";
  const volumes = writablePaths.map((path, i) => ({ name: `writable-${i}`, path }));

  const podSpec: k8s.types.input.core.v1.PodSpec = {
    serviceAccountName,
    // The app never calls the Kubernetes API; workload identity's webhook projects its own token.
    automountServiceAccountToken: false,
    securityContext: {
      runAsNonRoot: true,
      runAsUser,
      runAsGroup: runAsUser,
      fsGroup: runAsUser,
      seccompProfile: { type: "RuntimeDefault" },
    },
    containers: [
      {
        name: "app",
        image: args.image,
        imagePullPolicy: "IfNotPresent",
        ...(args.command ? { command: args.command } : {}),
        ...(args.args ? { args: args.args } : {}),
        ports: [{ name: "http", containerPort, protocol: "TCP" }],
        env: Object.entries(args.env ?? {}).map(([envName, value]) => ({ name: envName, value })),
        resources: { requests: { ...args.resources.requests }, limits: { ...args.resources.limits } },
        readinessProbe: renderProbe(args.probes.readiness, containerPort),
        livenessProbe: renderProbe(args.probes.liveness, containerPort),
        ...(args.probes.startup ? { startupProbe: renderProbe(args.probes.startup, containerPort) } : {}),
        securityContext: {
          allowPrivilegeEscalation: false,
          privileged: false,
          readOnlyRootFilesystem: !args.writableRootFilesystem,
          runAsNonRoot: true,
          capabilities: { drop: ["ALL"] },
        },
        volumeMounts: volumes.map((v) => ({ name: v.name, mountPath: v.path })),
      },
    ],
    volumes: volumes.map((v) => ({ name: v.name, emptyDir: {} })),
    // The team's own pool when it has one (issue 15): the cluster refuses a pod of such a team
    // without this selector, and the toleration is of this team's taint only.
    ...(args.contract.nodePool ? teamPoolPlacement(args.contract.team) : {}),
  };

  // What every team namespace enforces, checked on the rendered template: a violation here would be
  // a defect of this component (or a value that slipped past the checks above), refused before any
  // resource is registered rather than by PSA when the first pod is created.
  const template = { metadata: { labels: { ...labels, ...identityLabels } }, spec: podSpec };
  for (const v of checkRestrictedPodSpec(template.spec, template.metadata)) {
    problems.add(`pod template ${v.path}`, undefined, `${v.check}: ${v.detail}`);
  }
  problems.throwIfAny(`pod template of TeamWorkload "${name}" (Pod Security restricted)`);

  return {
    namespace,
    identity,
    serviceAccountName,
    deployment: {
      metadata,
      spec: {
        replicas,
        selector: { matchLabels: selector },
        template,
      },
    },
    podDisruptionBudget: { metadata, spec: { maxUnavailable: 1, selector: { matchLabels: selector } } },
    ...(args.service
      ? {
          service: {
            metadata,
            spec: {
              type: "ClusterIP",
              selector,
              ports: [{ name: "http", port: args.service.port, targetPort: "http", protocol: "TCP" }],
            },
          },
        }
      : {}),
  };
}

/** A team's service: restricted pods bound to one of the team's identities. */
export class TeamWorkload extends pulumi.ComponentResource {
  /** Namespace the workload runs in. */
  readonly namespace: string;
  /** ServiceAccount the pods run as: the platform's, made for the identity (else `default`). */
  readonly serviceAccountName: string;
  readonly deployment: k8s.apps.v1.Deployment;
  readonly service?: k8s.core.v1.Service;

  constructor(name: string, args: TeamWorkloadArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate first: a bad arg must fail before anything (even this component) is registered.
    const rendered = renderTeamWorkload(name, args);
    super("aks-hardening:team:TeamWorkload", name, {}, opts);
    this.namespace = rendered.namespace;
    this.serviceAccountName = rendered.serviceAccountName;

    const provider =
      args.provider ??
      new k8s.Provider(`${name}-k8s`, { kubeconfig: args.contract.kubernetes.kubeconfig }, { parent: this });
    const childOpts = { parent: this, provider };
    this.deployment = new k8s.apps.v1.Deployment(`${name}-deployment`, rendered.deployment, childOpts);
    new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, rendered.podDisruptionBudget, childOpts);
    if (rendered.service)
      this.service = new k8s.core.v1.Service(`${name}-service`, rendered.service, childOpts);

    this.registerOutputs({
      namespace: this.namespace,
      serviceAccountName: this.serviceAccountName,
      deploymentName: this.deployment.metadata.name,
    });
  }
}
