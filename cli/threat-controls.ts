/**
 * Recognises the controls of the threat model (S1-S6, README "What the blueprint defends against") in a set of resources, from the
 * resources themselves: container flags of MIC/NMI, namespace labels, admission policies by what
 * they match and check, RBAC rules bound to team groups, Azure role assignment scopes. Nothing is
 * taken from config or names alone, so an audit of any stack (not only ours) gets an honest answer.
 */
import { BUILT_IN_ROLES } from "../conventions/roles";
import {
  AAD_POD_IDENTITY_GROUP,
  DEFAULT_IDENTITY_NAMESPACE,
  MIC_NAME,
  NMI_NAME,
  PSA_LABEL_PREFIX,
  TEAM_LABEL,
} from "../conventions/kubernetes";
import type { PolicyViolation } from "../policy-pack/evaluate";
import type { PlannedResource } from "./resources";
import { parseUrn } from "./resources";
import { unwrapSecrets } from "./secrets";

export type ControlState = "present" | "missing" | "not-applicable";

export interface ControlFinding {
  id: string;
  /** What the control is, in one line. */
  title: string;
  state: ControlState;
  /** Resources that carry the control (present) or break it (missing). */
  resources: string[];
  /** Why: what was found or what is absent. */
  detail: string;
}

export interface ScenarioVerdict {
  id: string;
  title: string;
  verdict: "defended" | "exposed";
  controls: ControlFinding[];
  /** Mandatory pack violations tagged with this scenario. */
  violations: PolicyViolation[];
}

const MANAGED_IDENTITY_OPERATOR = BUILT_IN_ROLES["Managed Identity Operator"];
const WRITE_VERBS = new Set(["create", "update", "patch", "delete", "deletecollection", "*"]);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** A Kubernetes object as declared (kind from the type token, metadata from the inputs). */
interface K8s {
  label: string;
  kind: string;
  name: string;
  namespace?: string;
  labels: Obj;
  props: Obj;
}

function k8sObjects(resources: PlannedResource[]): K8s[] {
  return resources
    .filter((r) => r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm"))
    .map((r) => {
      const props = unwrapSecrets(r.inputs) as Obj;
      const meta = obj(props.metadata);
      const name = str(meta.name) ?? parseUrn(r.urn).name;
      const namespace = str(meta.namespace);
      const kind = r.type.split(":").pop() ?? r.type;
      return {
        label: `${kind} ${namespace ? `${namespace}/` : ""}${name}`,
        kind,
        name,
        namespace,
        labels: obj(meta.labels),
        props,
      };
    });
}

function containers(workload: K8s): Obj[] {
  const pod = obj(obj(obj(workload.props.spec).template).spec);
  return [...arr(pod.containers), ...arr(pod.initContainers)].map(obj);
}

/** Value of a Go-style flag in any container (`--f=v`, `-f=v`, `--f v`, bare `--f` = "true"). */
function flagValue(workload: K8s, flag: string): string | undefined {
  for (const c of containers(workload)) {
    const args = [...arr(c.command), ...arr(c.args)].map((a) => String(a));
    for (let i = 0; i < args.length; i++) {
      const m = /^--?([^=]+)(?:=(.*))?$/.exec(args[i]);
      if (!m || m[1] !== flag) continue;
      if (m[2] !== undefined) return m[2];
      const next = args[i + 1];
      return next !== undefined && !next.startsWith("-") ? next : "true";
    }
  }
  return undefined;
}

function envValue(workload: K8s, name: string): string | undefined {
  for (const c of containers(workload)) {
    const hit = arr(c.env)
      .map(obj)
      .find((e) => e.name === name);
    if (hit) return str(hit.value);
  }
  return undefined;
}

interface Admission {
  name: string;
  label: string;
  resources: string[];
  text: string;
}

/** Admission policies that are actually enforced: a binding with `Deny` references them. */
function enforcedAdmissionPolicies(objs: K8s[]): Admission[] {
  const denied = new Set(
    objs
      .filter((o) => o.kind === "ValidatingAdmissionPolicyBinding")
      .filter((o) => arr(obj(o.props.spec).validationActions).includes("Deny"))
      .map((o) => str(obj(o.props.spec).policyName)),
  );
  return objs
    .filter((o) => o.kind === "ValidatingAdmissionPolicy" && denied.has(o.name))
    .map((o) => {
      const spec = obj(o.props.spec);
      const rules = arr(obj(spec.matchConstraints).resourceRules).map(obj);
      return {
        name: o.name,
        label: o.label,
        resources: rules.flatMap((r) => arr(r.resources).map(String)),
        text: JSON.stringify([spec.validations, spec.matchConditions, spec.variables]),
      };
    });
}

function admissionControl(
  id: string,
  title: string,
  policies: Admission[],
  resource: string,
  mentions: RegExp,
): ControlFinding {
  const hits = policies.filter(
    (p) => p.resources.some((r) => r === resource || r === "*") && mentions.test(p.text),
  );
  return hits.length > 0
    ? {
        id,
        title,
        state: "present",
        resources: hits.map((h) => h.label),
        detail: `enforced (binding with Deny) on ${resource}`,
      }
    : {
        id,
        title,
        state: "missing",
        resources: [],
        detail: `no enforced ValidatingAdmissionPolicy on ${resource} checks ${mentions.source}`,
      };
}

/** Rights that let a principal reach MIC's or NMI's credentials (S4, S5). */
const ATTACK_RIGHTS: { resources: string[]; verbs: string[] }[] = [
  { resources: ["pods/exec", "pods/attach", "pods/portforward"], verbs: ["create", "get", "*"] },
  {
    resources: ["pods", "deployments", "daemonsets", "replicasets", "statefulsets", "jobs", "cronjobs"],
    verbs: ["create", "update", "patch", "*"],
  },
  { resources: ["secrets"], verbs: ["get", "list", "watch", "*"] },
  { resources: ["serviceaccounts/token"], verbs: ["create", "*"] },
];

function grantsIdentityNamespaceAttack(rule: Obj): boolean {
  const resources = arr(rule.resources).map(String);
  const verbs = arr(rule.verbs).map(String);
  return ATTACK_RIGHTS.some(
    (right) =>
      resources.some((r) => r === "*" || right.resources.includes(r)) &&
      verbs.some((v) => right.verbs.includes(v)),
  );
}

const notApplicable = (id: string, title: string, detail: string): ControlFinding => ({
  id,
  title,
  state: "not-applicable",
  resources: [],
  detail,
});

/**
 * A control judged over the resources it concerns: present when none offends (listing what carries
 * it), missing when some do (listing the offenders), not applicable when there is nothing to judge.
 */
function judgedControl<T>(
  id: string,
  title: string,
  checked: T[],
  offenders: T[],
  label: (t: T) => string,
  detail: { present: string; missing: string; none?: string },
): ControlFinding {
  if (detail.none !== undefined && checked.length === 0) return notApplicable(id, title, detail.none);
  const missing = offenders.length > 0;
  return {
    id,
    title,
    state: missing ? "missing" : "present",
    resources: (missing ? offenders : checked).map(label),
    detail: missing ? detail.missing : detail.present,
  };
}

/** Builds every control finding once; scenarios then pick theirs. */
export function findControls(resources: PlannedResource[]): Map<string, ControlFinding> {
  const objs = k8sObjects(resources);
  const found = new Map<string, ControlFinding>();
  const add = (f: ControlFinding) => found.set(f.id, f);
  const nmi = objs.find((o) => o.kind === "DaemonSet" && o.name === NMI_NAME);
  const mic = objs.find((o) => o.kind === "Deployment" && o.name === MIC_NAME);
  const identityNs = nmi?.namespace ?? mic?.namespace ?? DEFAULT_IDENTITY_NAMESPACE;
  const noPodIdentity = "aad-pod-identity is not installed by this stack (no NMI DaemonSet)";
  const admission = enforcedAdmissionPolicies(objs);

  // --- aad-pod-identity flags (S1, S6)
  const forceNamespaced = (w: K8s) =>
    flagValue(w, "forceNamespaced") === "true" || envValue(w, "FORCENAMESPACED") === "true";
  for (const [id, workload, who] of [
    ["nmi-force-namespaced", nmi, "NMI"],
    ["mic-force-namespaced", mic, "MIC"],
  ] as const) {
    const title = `${who} matches pods to identities only within their namespace (forceNamespaced)`;
    if (!nmi) add(notApplicable(id, title, noPodIdentity));
    else if (!workload) add(notApplicable(id, title, "no MIC (managed mode): NMI alone serves tokens"));
    else
      add({
        id,
        title,
        state: forceNamespaced(workload) ? "present" : "missing",
        resources: [workload.label],
        detail: forceNamespaced(workload)
          ? "--forceNamespaced / FORCENAMESPACED=true set"
          : "neither --forceNamespaced nor FORCENAMESPACED=true is set",
      });
  }
  // NMI's --MICNamespace and MIC's lock namespace both default to `default`, where teams may create pods.
  const namespaceFlag = (id: string, title: string, workload: K8s, flag: string): ControlFinding => {
    const value = flagValue(workload, flag);
    return {
      id,
      title,
      state: value === identityNs ? "present" : "missing",
      resources: [workload.label],
      detail: `--${flag}=${value ?? "(unset: default)"}`,
    };
  };
  {
    const title = "NMI's --MICNamespace is the identity namespace (not `default`)";
    if (!nmi) add(notApplicable("nmi-mic-namespace", title, noPodIdentity));
    else add(namespaceFlag("nmi-mic-namespace", title, nmi, "MICNamespace"));
  }
  {
    const title = "MIC leader election runs in the identity namespace (not `default`)";
    if (!nmi) add(notApplicable("mic-leader-election-namespace", title, noPodIdentity));
    else if (!mic) add(notApplicable("mic-leader-election-namespace", title, "no MIC (managed mode)"));
    else add(namespaceFlag("mic-leader-election-namespace", title, mic, "leader-election-namespace"));
  }
  {
    const title = "MIC does not mount the node's azure.json (no cluster credential to read via exec)";
    if (!mic) add(notApplicable("mic-no-azure-json", title, nmi ? "no MIC (managed mode)" : noPodIdentity));
    else {
      const volumes = arr(obj(obj(obj(mic.props.spec).template).spec).volumes).map(obj);
      const mounts = volumes.filter((v) =>
        /azure\.json|\/etc\/kubernetes\/?$/.test(str(obj(v.hostPath).path) ?? ""),
      );
      const cloudconfig = flagValue(mic, "cloudconfig");
      const bad = mounts.length > 0 || (cloudconfig !== undefined && /azure\.json/.test(cloudconfig));
      add({
        id: "mic-no-azure-json",
        title,
        state: bad ? "missing" : "present",
        resources: [mic.label],
        detail: bad ? "MIC mounts /etc/kubernetes/azure.json" : "no azure.json hostPath or --cloudconfig",
      });
    }
  }

  // --- identity objects (S1, S2, S3)
  const identityObjects = objs.filter((o) =>
    /^Azure(Identity|IdentityBinding|PodIdentityException)$/.test(o.kind),
  );
  const byLabel = (o: { label: string }) => o.label;
  const inDefault = identityObjects.filter((o) => !o.namespace || o.namespace === "default");
  add(
    judgedControl(
      "no-identity-objects-in-default",
      "no identity objects in `default` (each lives in its owning team's namespace)",
      identityObjects,
      inDefault,
      byLabel,
      {
        present: `${identityObjects.length} identity object(s), none in default`,
        missing: `${inDefault.length} identity object(s) in default`,
      },
    ),
  );
  const bindings = identityObjects.filter((o) => o.kind === "AzureIdentityBinding");
  add(
    judgedControl(
      "selectors-namespace-scoped",
      "binding selectors are namespace-scoped (`<namespace>.<identity>`)",
      bindings,
      bindings.filter(
        (b) => !(str(obj(b.props.spec).selector) ?? "").startsWith(`${b.namespace ?? "default"}.`),
      ),
      byLabel,
      {
        present: "every selector starts with its namespace",
        missing: "selector not prefixed by its namespace",
        none: "no AzureIdentityBinding",
      },
    ),
  );
  const azureIdentities = identityObjects.filter((o) => o.kind === "AzureIdentity");
  add(
    judgedControl(
      "identity-type-user-assigned",
      "AzureIdentity type 0 only (user-assigned identity, no service-principal secret)",
      azureIdentities,
      azureIdentities.filter((o) => obj(o.props.spec).type !== 0),
      byLabel,
      { present: "all type 0", missing: "type other than 0", none: "no AzureIdentity" },
    ),
  );

  // --- RBAC (S2, S3, S4, S5, S6)
  const teamNamespaces = new Set(
    objs.filter((o) => o.kind === "Namespace" && typeof o.labels[TEAM_LABEL] === "string").map((o) => o.name),
  );
  const roleBindings = objs.filter((o) => o.kind === "RoleBinding" || o.kind === "ClusterRoleBinding");
  const groupsOf = (b: K8s) =>
    arr(b.props.subjects)
      .map(obj)
      .filter((s) => s.kind === "Group")
      .map((s) => String(s.name));
  const teamGroups = new Set(
    roleBindings.filter((b) => b.namespace && teamNamespaces.has(b.namespace)).flatMap(groupsOf),
  );
  const teamBindings = roleBindings.filter((b) => groupsOf(b).some((g) => teamGroups.has(g)));
  /** The rules a binding grants; `undefined` when its role is not declared in this stack. */
  const rulesOf = (b: K8s): Obj[] | undefined => {
    const ref = obj(b.props.roleRef);
    const role = objs.find(
      (o) =>
        o.kind === ref.kind &&
        o.name === ref.name &&
        (ref.kind === "ClusterRole" || o.namespace === b.namespace),
    );
    return role ? arr(role.props.rules).map(obj) : undefined;
  };
  add(
    judgedControl(
      "team-rbac-no-identity-write",
      "no team principal may write the aad-pod-identity objects (RBAC)",
      teamBindings,
      teamBindings.filter((b) =>
        (rulesOf(b) ?? []).some(
          (r) =>
            arr(r.apiGroups).some((g) => g === AAD_POD_IDENTITY_GROUP || g === "*") &&
            arr(r.verbs).some((v) => WRITE_VERBS.has(String(v))),
        ),
      ),
      byLabel,
      {
        present: `${teamBindings.length} team binding(s) checked, none grants write on ${AAD_POD_IDENTITY_GROUP}`,
        missing: `a team binding grants write on ${AAD_POD_IDENTITY_GROUP}`,
      },
    ),
  );
  // A binding reaches the identity namespace when it is cluster-wide or lives there.
  const reaching = teamBindings.filter((b) => b.kind === "ClusterRoleBinding" || b.namespace === identityNs);
  add(
    judgedControl(
      "no-team-rights-in-identity-namespace",
      "no team rights to exec, create pods/workloads or read secrets in the identity namespace",
      teamBindings,
      reaching.filter((b) => {
        const rules = rulesOf(b);
        // A role not declared in this stack (e.g. built-in `edit`) has rights we cannot see: assume the worst.
        return rules === undefined || rules.some(grantsIdentityNamespaceAttack);
      }),
      byLabel,
      {
        present: `${teamBindings.length} team binding(s); those reaching ${identityNs} (${reaching.length}) grant no exec, pod/workload create or secret read`,
        missing: `a team group gets exec, pod/workload create or secret read reaching ${identityNs} (or a role not declared here)`,
      },
    ),
  );

  // --- admission policies (S1, S2, S3, S4, S6)
  add(
    admissionControl(
      "admission-pod-binding-label",
      "admission: a pod's aadpodidbinding label must belong to its namespace",
      admission,
      "pods",
      /aadpodidbinding/,
    ),
  );
  add(
    admissionControl(
      "admission-identity-crds",
      "admission on AzureIdentityBinding writes",
      admission,
      "azureidentitybindings",
      /selector|namespace/i,
    ),
  );
  add(
    admissionControl(
      "admission-identity-resource-scope",
      "admission: AzureIdentity resourceID must be in the team's resource group",
      admission,
      "azureidentities",
      /resourceID/,
    ),
  );
  add(
    admissionControl(
      "admission-exceptions-platform-only",
      "admission on AzurePodIdentityException (platform only)",
      admission,
      "azurepodidentityexceptions",
      /./,
    ),
  );
  add(
    admissionControl(
      "admission-namespace-psa-labels",
      "admission: every namespace carries the Pod Security labels",
      admission,
      "namespaces",
      /pod-security\.kubernetes\.io/,
    ),
  );
  if (!nmi) {
    for (const id of [
      "admission-pod-binding-label",
      "admission-identity-crds",
      "admission-identity-resource-scope",
      "admission-exceptions-platform-only",
    ]) {
      const f = found.get(id)!;
      if (f.state === "missing") add(notApplicable(id, f.title, noPodIdentity));
    }
  }

  // --- Pod Security Admission (S4)
  {
    const title = "Pod Security `restricted` enforced on every namespace but the identity namespace";
    const namespaces = objs.filter((o) => o.kind === "Namespace" || o.kind === "NamespacePatch");
    const enforce = (o: K8s) => str(o.labels[`${PSA_LABEL_PREFIX}enforce`]);
    const withLevel = (o: K8s) => `${o.label} (${enforce(o) ?? "no enforce label"})`;
    const offenders = namespaces.filter((o) =>
      o.name === identityNs
        ? enforce(o) !== "privileged" && enforce(o) !== "restricted" && enforce(o) !== "baseline"
        : enforce(o) !== "restricted",
    );
    // No namespace at all means nothing enforces Pod Security: missing, not "not applicable".
    add(
      namespaces.length === 0
        ? {
            id: "psa-restricted-namespaces",
            title,
            state: "missing",
            resources: [],
            detail: "no Namespace declared",
          }
        : judgedControl("psa-restricted-namespaces", title, namespaces, offenders, withLevel, {
            present: `${namespaces.length} namespace(s) labelled`,
            missing: `${offenders.length} namespace(s) not restricted`,
          }),
    );
  }

  // --- Azure side (S3, S4, S5)
  const clusters = resources.filter((r) =>
    /^azure-native:containerservice(\/v[\w-]+)?:ManagedCluster$/.test(r.type),
  );
  const clusterProps = clusters.map((c) => ({
    label: `ManagedCluster ${parseUrn(c.urn).name}`,
    props: unwrapSecrets(c.inputs) as Obj,
  }));
  const existingCluster = "no ManagedCluster in this stack (existing cluster): verify on the cluster itself";
  /** `ManagedCluster x (networkProfile.networkPlugin "azure")`: the one setting the control reads. */
  const clusterSetting = (c: (typeof clusterProps)[number], block: string, field: string) =>
    `${c.label} (${block}.${field} ${JSON.stringify(obj(obj(c.props)[block])[field])})`;
  add(
    judgedControl(
      "azure-cni",
      "Azure CNI (never kubenet: no ARP spoofing towards NMI)",
      clusterProps,
      clusterProps.filter((c) => obj(c.props.networkProfile).networkPlugin !== "azure"),
      (c) => clusterSetting(c, "networkProfile", "networkPlugin"),
      { present: "networkPlugin azure", missing: "networkPlugin is not azure", none: existingCluster },
    ),
  );
  add(
    judgedControl(
      "managed-identity-cluster",
      "managed-identity cluster (no service-principal secret in azure.json)",
      clusterProps,
      clusterProps.filter((c) => {
        const type = str(obj(c.props.identity).type);
        const sp = obj(c.props.servicePrincipalProfile);
        return (
          !(type === "SystemAssigned" || type === "UserAssigned") ||
          (sp.clientId !== undefined && sp.clientId !== "msi")
        );
      }),
      (c) => clusterSetting(c, "identity", "type"),
      { present: "managed identity", missing: "cluster uses a service principal", none: existingCluster },
    ),
  );
  const assignments = resources
    .filter((r) => /^azure-native:authorization(\/v[\w-]+)?:RoleAssignment$/.test(r.type))
    .map((r) => {
      const p = unwrapSecrets(r.inputs) as Obj;
      return {
        label: `RoleAssignment ${parseUrn(r.urn).name}`,
        scope: str(p.scope) ?? "",
        role: str(p.roleDefinitionId) ?? "",
      };
    });
  const withScope = (a: (typeof assignments)[number]) => `${a.label} @ ${a.scope}`;
  const mio = assignments.filter((a) => a.role.toLowerCase().endsWith(MANAGED_IDENTITY_OPERATOR));
  add(
    judgedControl(
      "mio-per-identity-scope",
      "MIC's Managed Identity Operator granted per identity, never on a resource group or subscription",
      mio,
      mio.filter(
        (a) => !/\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+$/i.test(a.scope),
      ),
      withScope,
      {
        present: `${mio.length} per-identity grant(s)`,
        missing: "granted above a single identity",
        none: "no Managed Identity Operator assignment in this stack",
      },
    ),
  );
  add(
    judgedControl(
      "azure-roles-within-resource-groups",
      "Azure role assignments scoped to a resource group or narrower (never a subscription)",
      assignments,
      assignments.filter((a) => !/\/resourceGroups\/[^/]+/i.test(a.scope)),
      withScope,
      {
        present: `${assignments.length} assignment(s) within resource groups`,
        missing: "assignment above resource-group scope",
        none: "no RoleAssignment in this stack",
      },
    ),
  );
  {
    const title = "audit log to Log Analytics with an alert on exec into pods";
    const diag = resources.filter(
      (r) => /:DiagnosticSetting$/.test(r.type) && /kube-audit/.test(JSON.stringify(r.inputs)),
    );
    const alerts = resources.filter(
      (r) => /:ScheduledQueryRule$/.test(r.type) && /exec/i.test(JSON.stringify(r.inputs)),
    );
    const carriers = [...diag, ...alerts].map((r) => `${r.type.split(":").pop()} ${parseUrn(r.urn).name}`);
    add({
      id: "exec-audit-alert",
      title,
      state: diag.length > 0 && alerts.length > 0 ? "present" : "missing",
      resources: carriers,
      detail:
        diag.length === 0
          ? "no diagnostic setting sends kube-audit logs"
          : alerts.length === 0
            ? "no scheduled query alert mentions exec"
            : "audit logs and exec alert present",
    });
  }
  return found;
}

export const SCENARIOS: { id: string; title: string; controls: string[] }[] = [
  {
    id: "S1",
    title: "a rogue pod re-uses another app's aadpodidbinding label",
    controls: [
      "nmi-force-namespaced",
      "mic-force-namespaced",
      "no-identity-objects-in-default",
      "selectors-namespace-scoped",
      "admission-pod-binding-label",
    ],
  },
  {
    id: "S2",
    title: "a new AzureIdentityBinding points at an existing AzureIdentity",
    controls: ["team-rbac-no-identity-write", "no-identity-objects-in-default", "admission-identity-crds"],
  },
  {
    id: "S3",
    title: "a new AzureIdentity + binding points at another team's managed identity",
    controls: [
      "team-rbac-no-identity-write",
      "admission-identity-resource-scope",
      "identity-type-user-assigned",
      "mio-per-identity-scope",
      "azure-roles-within-resource-groups",
    ],
  },
  {
    id: "S4",
    title: "a privileged / hostNetwork / NET_RAW pod sniffs token traffic to NMI",
    controls: [
      "psa-restricted-namespaces",
      "admission-namespace-psa-labels",
      "no-team-rights-in-identity-namespace",
      "azure-cni",
    ],
  },
  {
    id: "S5",
    title: "kubectl exec into MIC reads /etc/kubernetes/azure.json",
    controls: [
      "managed-identity-cluster",
      "mic-no-azure-json",
      "no-team-rights-in-identity-namespace",
      "exec-audit-alert",
    ],
  },
  {
    id: "S6",
    title: "NMI bypass via AzurePodIdentityException or a mic* ReplicaSet in --MICNamespace",
    controls: [
      "nmi-mic-namespace",
      "mic-leader-election-namespace",
      "team-rbac-no-identity-write",
      "admission-exceptions-platform-only",
    ],
  },
];

/** A scenario is defended when none of its controls is missing and no mandatory violation names it. */
export function assessScenarios(
  resources: PlannedResource[],
  violations: PolicyViolation[],
): ScenarioVerdict[] {
  const controls = findControls(resources);
  return SCENARIOS.map((s) => {
    const findings = s.controls.map((id) => controls.get(id)!);
    const tagged = violations.filter(
      (v) =>
        v.enforcementLevel === "mandatory" &&
        v.tags.some((t) => new RegExp(`(^|[^A-Za-z0-9])${s.id}($|[^0-9])`, "i").test(t)),
    );
    const exposed = findings.some((f) => f.state === "missing") || tagged.length > 0;
    return {
      id: s.id,
      title: s.title,
      verdict: exposed ? "exposed" : "defended",
      controls: findings,
      violations: tagged,
    };
  });
}
