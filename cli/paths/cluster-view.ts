/**
 * Indexes over the facts that every edge builder asks: namespaces and their Pod Security level,
 * service accounts, workloads and their pod templates, the aad-pod-identity objects and how NMI/MIC
 * are configured, and which of the blueprint's admission policies are enforced (a binding with
 * `Deny` names them). Policies are recognised by the names the admission component exports, so a
 * rename there is followed here; what each one refuses is stated where the edge is built.
 */
import {
  AAD_POD_IDENTITY_GROUP,
  MIC_NAME,
  NMI_NAME,
  POD_IDENTITY_IMAGE_REPOSITORY,
  POD_IDENTITY_LABEL,
  PSA_LABEL_PREFIX,
  RESOURCE_GROUP_ANNOTATION,
  TEAM_LABEL,
} from "../../conventions/kubernetes";
import type { KubeObject } from "./facts";
import { apiGroupOf } from "./facts";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Namespaces every cluster has, declared or not. */
export const BUILT_IN_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

export const WORKLOAD_KINDS = [
  "Pod",
  "Deployment",
  "ReplicaSet",
  "StatefulSet",
  "DaemonSet",
  "Job",
  "CronJob",
];

export interface Workload {
  object: KubeObject;
  namespace: string;
  serviceAccount: string;
  labels: Record<string, string>;
}

export interface NamespaceInfo {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** PSA `enforce` level; a namespace without the label runs `privileged` (the API server default). */
  psaLevel: string;
  psaLabelled: boolean;
  source?: string;
}

export interface PodIdentitySettings {
  /** Whether any aad-pod-identity object, CRD or component was found at all. */
  present: boolean;
  /** MIC/NMI `--forceNamespaced` or `FORCENAMESPACED=true` on any component. */
  namespaced: boolean;
  /** NMI `--MICNamespace` (default `default`). */
  micNamespace: string;
  /** `standard` (MIC + NMI) or `managed` (NMI only). */
  mode: string;
  /** Where NMI/MIC run. */
  identityNamespace?: string;
  sources: string[];
}

/** A container flag as Go's flag package reads it: `--f=v`, `-f=v`, `--f v`, or bare `--f` (true). */
function flag(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const m = /^--?([^=]+)(?:=(.*))?$/.exec(args[i]);
    if (!m || m[1] !== name) continue;
    if (m[2] !== undefined) return m[2];
    const next = args[i + 1];
    return next !== undefined && !next.startsWith("-") ? next : "true";
  }
  return undefined;
}

const imageOf = (c: Obj): string => (typeof c.image === "string" ? c.image : "");

function podTemplate(o: KubeObject): Obj {
  const spec = obj(o.body.spec);
  if (o.kind === "Pod") return { metadata: o.body.metadata, spec };
  if (o.kind === "CronJob") return obj(obj(obj(spec.jobTemplate).spec).template);
  return obj(spec.template);
}

export class ClusterView {
  readonly namespaces = new Map<string, NamespaceInfo>();
  readonly serviceAccounts = new Map<string, Set<string>>();
  readonly workloads: Workload[] = [];
  readonly workloadsByNamespace = new Map<string, Workload[]>();
  readonly secrets: KubeObject[] = [];
  readonly azureIdentities: KubeObject[] = [];
  readonly bindings: KubeObject[] = [];
  readonly exceptions: KubeObject[] = [];
  /** Names of admission policies that a `Deny` binding enforces. */
  readonly enforcedPolicies = new Map<string, string>();
  readonly podIdentity: PodIdentitySettings;

  constructor(readonly objects: KubeObject[]) {
    for (const name of BUILT_IN_NAMESPACES) this.addNamespace(name, {}, {});
    for (const o of objects) {
      const group = apiGroupOf(o.apiVersion);
      if (group === "" && o.kind === "Namespace")
        this.addNamespace(o.name, o.labels, o.annotations, o.source);
      else if (group === "" && o.kind === "ServiceAccount" && o.namespace)
        this.addServiceAccount(o.namespace, o.name);
      else if (group === "" && o.kind === "Secret") this.secrets.push(o);
      else if (group === AAD_POD_IDENTITY_GROUP && o.kind === "AzureIdentity") this.azureIdentities.push(o);
      else if (group === AAD_POD_IDENTITY_GROUP && o.kind === "AzureIdentityBinding") this.bindings.push(o);
      else if (group === AAD_POD_IDENTITY_GROUP && o.kind === "AzurePodIdentityException")
        this.exceptions.push(o);
      if (
        WORKLOAD_KINDS.includes(o.kind) &&
        (group === "" || group === "apps" || group === "batch") &&
        o.namespace
      ) {
        const template = podTemplate(o);
        const spec = obj(template.spec);
        const labels = obj(obj(template.metadata).labels) as Record<string, string>;
        const w: Workload = {
          object: o,
          namespace: o.namespace,
          serviceAccount: typeof spec.serviceAccountName === "string" ? spec.serviceAccountName : "default",
          labels,
        };
        this.workloads.push(w);
        const list = this.workloadsByNamespace.get(o.namespace) ?? [];
        list.push(w);
        this.workloadsByNamespace.set(o.namespace, list);
      }
    }
    // Objects in a namespace nobody declared still live in one (the API server would insist).
    for (const o of objects)
      if (o.namespace && !this.namespaces.has(o.namespace)) this.addNamespace(o.namespace, {}, {});
    for (const ns of this.namespaces.keys()) this.addServiceAccount(ns, "default");
    const deny = new Set(
      objects
        .filter((o) => o.kind === "ValidatingAdmissionPolicyBinding")
        .filter((o) => arr(obj(o.body.spec).validationActions).includes("Deny"))
        .map((o) => String(obj(o.body.spec).policyName)),
    );
    for (const o of objects)
      if (o.kind === "ValidatingAdmissionPolicy" && deny.has(o.name))
        this.enforcedPolicies.set(o.name, o.source);
    this.podIdentity = this.readPodIdentity();
  }

  private addNamespace(
    name: string,
    labels: Record<string, string>,
    annotations: Record<string, string>,
    source?: string,
  ) {
    const level = labels[`${PSA_LABEL_PREFIX}enforce`];
    const existing = this.namespaces.get(name);
    const info: NamespaceInfo = {
      name,
      labels: { ...(existing?.labels ?? {}), ...labels },
      annotations: { ...(existing?.annotations ?? {}), ...annotations },
      psaLevel: level ?? existing?.psaLevel ?? "privileged",
      psaLabelled: level !== undefined || (existing?.psaLabelled ?? false),
      source: source ?? existing?.source,
    };
    this.namespaces.set(name, info);
  }

  private addServiceAccount(namespace: string, name: string) {
    const set = this.serviceAccounts.get(namespace) ?? new Set<string>();
    set.add(name);
    this.serviceAccounts.set(namespace, set);
  }

  private readPodIdentity(): PodIdentitySettings {
    const components = this.workloads.filter((w) =>
      arr(obj(podTemplate(w.object).spec).containers).some((c) =>
        imageOf(obj(c)).startsWith(`${POD_IDENTITY_IMAGE_REPOSITORY}/`),
      ),
    );
    const containers = (w: Workload) => arr(obj(podTemplate(w.object).spec).containers).map(obj);
    const isComponent = (w: Workload, name: string) =>
      containers(w).some((c) => imageOf(c).startsWith(`${POD_IDENTITY_IMAGE_REPOSITORY}/${name}:`));
    const nmi = components.filter((w) => isComponent(w, NMI_NAME));
    const mic = components.filter((w) => isComponent(w, MIC_NAME));
    const argsOf = (w: Workload) =>
      containers(w).flatMap((c) => [...arr(c.command), ...arr(c.args)].map(String));
    const envOf = (w: Workload, name: string) =>
      containers(w)
        .flatMap((c) => arr(c.env).map(obj))
        .find((e) => e.name === name)?.value;
    const namespaced = [...nmi, ...mic].some(
      (w) => flag(argsOf(w), "forceNamespaced") === "true" || envOf(w, "FORCENAMESPACED") === "true",
    );
    const micNamespace =
      nmi.map((w) => flag(argsOf(w), "MICNamespace")).find((v) => v !== undefined) ?? "default";
    const mode = nmi.map((w) => flag(argsOf(w), "operation-mode")).find((v) => v !== undefined) ?? "standard";
    const present =
      components.length > 0 ||
      this.azureIdentities.length > 0 ||
      this.bindings.length > 0 ||
      this.objects.some(
        (o) => o.kind === "CustomResourceDefinition" && obj(o.body.spec).group === AAD_POD_IDENTITY_GROUP,
      );
    return {
      present,
      namespaced,
      micNamespace,
      mode,
      identityNamespace: (nmi[0] ?? mic[0])?.namespace,
      sources: components.map((w) => w.object.source),
    };
  }

  private sortedNamespaces?: string[];

  /** The namespaces in name order (stable output); computed once, the view does not change. */
  namespaceNames(): string[] {
    this.sortedNamespaces ??= [...this.namespaces.keys()].sort();
    return this.sortedNamespaces;
  }

  enforced(policy: string): boolean {
    return this.enforcedPolicies.has(policy);
  }

  /** Namespace -> team from a teams file; otherwise the namespace's team label decides. */
  private teamOverride?: Map<string, string>;

  assignTeams(teams: { name: string; namespaces: string[] }[]): void {
    this.teamOverride = new Map(teams.flatMap((t) => t.namespaces.map((ns) => [ns, t.name] as const)));
  }

  teamOfNamespace(ns: string): string | undefined {
    return this.teamOverride ? this.teamOverride.get(ns) : this.namespaces.get(ns)?.labels[TEAM_LABEL];
  }

  /** The team resource group recorded on a namespace (the AzureIdentity scope policy reads it). */
  resourceGroupOfNamespace(ns: string): string | undefined {
    return this.namespaces.get(ns)?.annotations[RESOURCE_GROUP_ANNOTATION]?.toLowerCase();
  }

  /** Whether NMI serves a workload as MIC: a `mic*` name in `--MICNamespace` (NMI's isMIC check). */
  isMicWorkload(w: Workload): boolean {
    return (
      this.podIdentity.present &&
      w.namespace === this.podIdentity.micNamespace &&
      w.object.name.startsWith(MIC_NAME)
    );
  }

  /** The `aadpodidbinding` label of a workload's pods. */
  static podIdentityLabel(w: Workload): string | undefined {
    return w.labels[POD_IDENTITY_LABEL];
  }
}
