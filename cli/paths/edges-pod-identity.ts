/**
 * aad-pod-identity edges, as MIC and NMI decide who gets a token:
 *
 * - POD_LABEL_MATCH: a pod labelled `aadpodidbinding: v` is matched by every AzureIdentityBinding
 *   whose `selector` is v, in any namespace, unless MIC/NMI run namespaced (`--forceNamespaced` /
 *   `FORCENAMESPACED`) or the AzureIdentity carries `aadpodidentity.k8s.io/Behavior: namespaced`; the
 *   AzureIdentity is looked up in the binding's namespace. Several matches reach all of them. A pod
 *   of the attacker's choosing can carry any label unless the label-owner admission policy holds.
 * - BINDING_CREATE (S2) / AZID_CREATE (S3): writing bindings (and AzureIdentities) in a namespace,
 *   plus a pod that carries the selector, reaches an existing AzureIdentity there, or any identity
 *   MIC or the nodes can serve.
 * - EXCEPTION_CREATE / EXCEPTION_LABEL (S6): an AzurePodIdentityException makes NMI proxy raw IMDS
 *   for pods matching any of its labels in its namespace.
 * - MIC_NAME (S5, S6): NMI treats pods of a `mic*` workload in `--MICNamespace` as MIC and gives them
 *   raw node tokens: creating one, or exec into / patching MIC itself, reaches the node's identities.
 * - NODE_ESCAPE / HOSTNET_IMDS (S4): a privileged or host-network pod, allowed where the namespace's
 *   Pod Security level is `privileged` (no label means privileged), gets the node and bypasses NMI.
 */
import { AZURE_IDENTITY_SCOPE_POLICY } from "../../conventions/admission/azure-identity-scope";
import { BINDING_SELECTOR_POLICY } from "../../conventions/admission/binding-selector";
import { IDENTITY_OBJECTS_POLICY } from "../../conventions/admission/identity-objects-platform-only";
import { POD_IDENTITY_LABEL_POLICY } from "../../conventions/admission/pod-identity-label";
import { AAD_POD_IDENTITY_GROUP } from "../../conventions/kubernetes";
import type { BuildContext } from "./build-context";
import {
  identityNode,
  nodeHostNode,
  nodeImdsNode,
  podSpecNode,
  serviceAccountNode,
  workloadNode,
} from "./build-context";
import { ClusterView, type Workload } from "./cluster-view";
import { POD_CONTROLLERS, namespacesAllowing, podAdmissionRefuses } from "./edges-rbac";
import type { KubeObject } from "./facts";
import type { Identity } from "./identities";
import type { NewEdge } from "./model";
import type { Grant } from "./rbac";

const BEHAVIOR_ANNOTATION = `${AAD_POD_IDENTITY_GROUP}/Behavior`;

interface BindingTarget {
  binding: KubeObject;
  azureIdentity: KubeObject;
  identity: Identity;
  selector: string;
  namespaced: boolean;
}

/** Every binding with the AzureIdentity it resolves to (in the binding's namespace). */
export function bindingTargets(ctx: BuildContext): BindingTarget[] {
  const byKey = new Map(ctx.view.azureIdentities.map((o) => [`${o.namespace}/${o.name}`, o]));
  const targets: BindingTarget[] = [];
  for (const b of ctx.view.bindings) {
    const spec = (b.body.spec ?? {}) as Record<string, unknown>;
    const azureIdentity = byKey.get(`${b.namespace}/${String(spec.azureIdentity)}`);
    if (!azureIdentity || typeof spec.selector !== "string") continue;
    const identity = ctx.identities.ofAzureIdentity(
      (azureIdentity.body.spec ?? {}) as Record<string, unknown>,
    );
    if (!identity) continue;
    targets.push({
      binding: b,
      azureIdentity,
      identity,
      selector: spec.selector,
      namespaced:
        ctx.view.podIdentity.namespaced || azureIdentity.annotations[BEHAVIOR_ANNOTATION] === "namespaced",
    });
  }
  return targets;
}

function labelMatchEdge(
  ctx: BuildContext,
  from: string,
  podNamespace: string,
  t: BindingTarget,
  chosen: boolean,
): void {
  const cross = t.binding.namespace !== podNamespace;
  const edge: NewEdge = {
    from,
    to: identityNode(ctx, t.identity),
    kind: "POD_LABEL_MATCH",
    sources: [t.binding.source, t.azureIdentity.source],
    control: cross
      ? `aad-pod-identity forceNamespaced on MIC and NMI; admission policy ${POD_IDENTITY_LABEL_POLICY}`
      : `AzureIdentityBinding ${t.binding.namespace}/${t.binding.name} serves pods of ${podNamespace} only: who may run pods there`,
    scenario: cross ? "S1" : undefined,
    params: { selector: t.selector },
    detail: `pod in ${podNamespace} labelled aadpodidbinding=${t.selector} matches ${t.binding.namespace}/${t.binding.name}${cross ? " (across namespaces)" : ""}`,
  };
  // The admission policy is named first when both hold: it refuses the pod itself, before MIC or
  // NMI ever see it (and is what an attacker meets).
  const labelRefused =
    chosen && ctx.view.enforced(POD_IDENTITY_LABEL_POLICY) && !t.selector.startsWith(`${podNamespace}.`);
  if (labelRefused)
    ctx.graph.addBlocked({ ...edge, blockedBy: `admission policy ${POD_IDENTITY_LABEL_POLICY}` });
  else if (cross && t.namespaced)
    ctx.graph.addBlocked({ ...edge, blockedBy: "aad-pod-identity namespaced mode (forceNamespaced)" });
  else ctx.graph.addEdge(edge);
}

const byNamespaceCache = new WeakMap<BindingTarget[], Map<string, BindingTarget[]>>();
function targetsByNamespace(targets: BindingTarget[]): Map<string, BindingTarget[]> {
  let index = byNamespaceCache.get(targets);
  if (!index) {
    index = new Map();
    for (const t of targets) {
      const ns = t.binding.namespace ?? "";
      const list = index.get(ns);
      if (list) list.push(t);
      else index.set(ns, [t]);
    }
    byNamespaceCache.set(targets, index);
  }
  return index;
}

/** Edges out of "a pod of its choosing in N". */
export function podSpecEdges(ctx: BuildContext, targets: BindingTarget[], namespace: string): void {
  const { graph, view } = ctx;
  const from = podSpecNode(ctx, namespace);
  for (const sa of view.serviceAccounts.get(namespace) ?? [])
    graph.addEdge({
      from,
      to: serviceAccountNode(ctx, namespace, sa),
      kind: "RUN_AS_SA",
      sources: [],
      control: `admission: pin serviceAccountName of pods in ${namespace} (a pod may run as any ServiceAccount of its namespace)`,
      detail: `serviceAccountName: ${sa}`,
    });
  if (view.podIdentity.namespaced) {
    // Namespaced matching refuses every other namespace's binding: judge the own namespace's, and
    // record the refusal once with the number of bindings it covers (a 1,000-namespace cluster
    // would otherwise cost a million refused edges).
    for (const t of targetsByNamespace(targets).get(namespace) ?? [])
      labelMatchEdge(ctx, from, namespace, t, true);
    const foreign = targets.filter((t) => t.binding.namespace !== namespace);
    if (foreign.length > 0) {
      labelMatchEdge(ctx, from, namespace, foreign[0], true);
      const recorded = graph.blocked.find((b) => b.from === from && b.kind === "POD_LABEL_MATCH");
      if (recorded) recorded.count = foreign.length;
    }
  } else for (const t of targets) labelMatchEdge(ctx, from, namespace, t, true);
  for (const ex of view.exceptions.filter((e) => e.namespace === namespace))
    graph.addEdge({
      from,
      to: nodeImdsNode(ctx),
      kind: "EXCEPTION_LABEL",
      sources: [ex.source],
      control: `delete AzurePodIdentityException ${namespace}/${ex.name}; exceptions only in the identity namespace`,
      scenario: "S6",
      detail: `pod labelled as exception ${namespace}/${ex.name}: NMI proxies raw IMDS`,
    });
  const info = view.namespaces.get(namespace)!;
  const psaNote = info.psaLabelled ? `PSA enforce=${info.psaLevel}` : "no PSA label (privileged)";
  for (const [kind, what] of [
    ["NODE_ESCAPE", "privileged / hostPath / hostPID pod"],
    ["HOSTNET_IMDS", "hostNetwork pod (NMI redirects only non-host traffic)"],
  ] as const) {
    const edge: NewEdge = {
      from,
      to: kind === "NODE_ESCAPE" ? nodeHostNode(ctx) : nodeImdsNode(ctx),
      kind,
      sources: info.source ? [info.source] : [],
      control: `Pod Security Admission baseline or restricted on ${namespace}`,
      scenario: "S4",
      detail: `${what} in ${namespace} (${psaNote})`,
    };
    if (info.psaLevel === "privileged") graph.addEdge(edge);
    else graph.addBlocked({ ...edge, blockedBy: `Pod Security Admission ${info.psaLevel} on ${namespace}` });
  }
}

/** Edges out of a declared workload (exec lands there): its service account and its own label. */
export function workloadEdges(
  ctx: BuildContext,
  targetsBySelector: Map<string, BindingTarget[]>,
  w: Workload,
): void {
  const from = workloadNode(ctx, w);
  ctx.graph.addEdge({
    from,
    to: serviceAccountNode(ctx, w.namespace, w.serviceAccount),
    kind: "RUNS_AS",
    sources: [w.object.source],
    control: `RBAC: no exec/attach into ${w.namespace} for other teams`,
    detail: `runs as ${w.namespace}/${w.serviceAccount}`,
  });
  const label = ClusterView.podIdentityLabel(w);
  for (const t of label ? (targetsBySelector.get(label) ?? []) : [])
    labelMatchEdge(ctx, from, w.namespace, t, false);
  if (ctx.view.isMicWorkload(w))
    ctx.graph.addEdge({
      from,
      to: nodeImdsNode(ctx),
      kind: "MIC_NAME",
      sources: [w.object.source, ...ctx.view.podIdentity.sources],
      control: `NMI --MICNamespace=<identity namespace>; no team rights there`,
      scenario: "S5",
      detail: `NMI treats ${w.object.kind} ${w.namespace}/${w.object.name} as MIC (raw node tokens)`,
    });
}

/** Identities MIC (standard mode) or the node pools (managed mode) can serve to a new AzureIdentity. */
function servableIdentities(ctx: BuildContext): Identity[] {
  return ctx.identities.all.filter((i) => i.podIdentityNamespaces.length > 0 || i.kubelet);
}

/** Pod-identity object writes by one principal (needs the namespaces it can run pods in). */
export function podIdentityWriteEdges(
  ctx: BuildContext,
  from: string,
  grants: Grant[],
  pods: Map<string, Grant>,
): void {
  const { graph, view } = ctx;
  if (!view.podIdentity.present) return;
  const can = (resource: string) =>
    namespacesAllowing(ctx, grants, { verb: "create", group: AAD_POD_IDENTITY_GROUP, resource });
  const bindingsIn = can("azureidentitybindings");
  const identitiesIn = can("azureidentities");
  const exceptionsIn = can("azurepodidentityexceptions");
  const objectsPolicy = view.enforced(IDENTITY_OBJECTS_POLICY)
    ? `admission policy ${IDENTITY_OBJECTS_POLICY}`
    : undefined;
  // The pods that would carry the new selector: in the same namespace when matching is namespaced
  // or the selector/label policies tie the selector to the namespace; anywhere otherwise.
  const podsFor = (ns: string) =>
    view.podIdentity.namespaced ||
    (view.enforced(BINDING_SELECTOR_POLICY) && view.enforced(POD_IDENTITY_LABEL_POLICY))
      ? pods.get(ns)
      : (pods.get(ns) ?? pods.values().next().value);
  const add = (edge: Parameters<typeof graph.addEdge>[0], blockedBy?: string) =>
    blockedBy ? graph.addBlocked({ ...edge, blockedBy }) : graph.addEdge(edge);
  for (const [ns, g] of bindingsIn) {
    const podGrant = podsFor(ns);
    if (!podGrant) continue;
    for (const ai of view.azureIdentities.filter((o) => o.namespace === ns)) {
      const identity = ctx.identities.ofAzureIdentity((ai.body.spec ?? {}) as Record<string, unknown>);
      if (!identity) continue;
      add(
        {
          from,
          to: identityNode(ctx, identity),
          kind: "BINDING_CREATE",
          sources: [g.binding, podGrant.binding, ai.source],
          control: `RBAC: ${g.bindingLabel} must not grant writes on ${AAD_POD_IDENTITY_GROUP}; admission policy ${IDENTITY_OBJECTS_POLICY}`,
          scenario: "S2",
          params: {
            namespace: ns,
            azureIdentity: ai.name,
            podNamespace: pods.has(ns) ? ns : [...pods.keys()][0],
          },
          detail: `new AzureIdentityBinding in ${ns} to the existing AzureIdentity ${ns}/${ai.name}`,
        },
        objectsPolicy,
      );
    }
  }
  for (const [ns, g] of identitiesIn) {
    if (!bindingsIn.has(ns)) continue;
    const podGrant = podsFor(ns);
    if (!podGrant) continue;
    const rg = view.resourceGroupOfNamespace(ns);
    for (const identity of servableIdentities(ctx)) {
      const outOfScope =
        view.enforced(AZURE_IDENTITY_SCOPE_POLICY) &&
        !(
          rg &&
          identity.resourceId?.startsWith(`${rg}/providers/microsoft.managedidentity/userassignedidentities/`)
        );
      add(
        {
          from,
          to: identityNode(ctx, identity),
          kind: "AZID_CREATE",
          sources: [g.binding, podGrant.binding, ...identity.sources.slice(0, 1)],
          control: `RBAC: ${g.bindingLabel} must not grant writes on ${AAD_POD_IDENTITY_GROUP}; admission policies ${IDENTITY_OBJECTS_POLICY}, ${AZURE_IDENTITY_SCOPE_POLICY}; MIC's Managed Identity Operator per identity`,
          scenario: "S3",
          params: {
            namespace: ns,
            resourceId: identity.resourceId ?? "",
            clientId: identity.clientId ?? "",
            podNamespace: pods.has(ns) ? ns : [...pods.keys()][0],
          },
          detail: `new AzureIdentity + binding in ${ns} pointing at ${identity.name}`,
        },
        objectsPolicy ?? (outOfScope ? `admission policy ${AZURE_IDENTITY_SCOPE_POLICY}` : undefined),
      );
    }
  }
  for (const [ns, g] of exceptionsIn) {
    const podGrant = pods.get(ns);
    if (!podGrant) continue;
    add(
      {
        from,
        to: nodeImdsNode(ctx),
        kind: "EXCEPTION_CREATE",
        sources: [g.binding, podGrant.binding],
        control: `RBAC: ${g.bindingLabel} must not grant writes on azurepodidentityexceptions; admission policy ${IDENTITY_OBJECTS_POLICY}`,
        scenario: "S6",
        params: { namespace: ns },
        detail: `new AzurePodIdentityException in ${ns} plus a pod with its label`,
      },
      objectsPolicy,
    );
  }
  // A `mic*` workload in NMI's MIC namespace.
  const micNs = view.podIdentity.micNamespace;
  for (const c of POD_CONTROLLERS.filter((c) => c.kind === "Deployment" || c.kind === "ReplicaSet")) {
    const g = namespacesAllowing(ctx, grants, { verb: "create", group: c.group, resource: c.resource }).get(
      micNs,
    );
    if (!g) continue;
    add(
      {
        from,
        to: nodeImdsNode(ctx),
        kind: "MIC_NAME",
        sources: [g.binding, ...view.podIdentity.sources],
        control: `NMI --MICNamespace=<identity namespace> (default is "default"); RBAC: no team creates ${c.resource} in ${micNs}`,
        scenario: "S6",
        params: { namespace: micNs, resource: c.resource },
        detail: `create ${c.resource} mic-* in ${micNs}: NMI serves its pods as MIC`,
      },
      podAdmissionRefuses(ctx, micNs),
    );
    break;
  }
}
