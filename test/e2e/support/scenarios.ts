/**
 * The attacks of the threat model (S1-S6 of the README plus the shared-namespace and
 * cluster-admin routes), each as one concrete API request by a team-B principal, with the layer
 * that must refuse it on the hardened cluster and the outcome on the default-style baseline.
 */
import { AZURE_IDENTITY_APPROVED_PAIR_POLICY } from "../../../conventions/admission/azure-identity-approved-pair";
import { AZURE_IDENTITY_SCOPE_POLICY } from "../../../conventions/admission/azure-identity-scope";
import { BINDING_SELECTOR_POLICY } from "../../../conventions/admission/binding-selector";
import { CLUSTER_ADMIN_BINDING_POLICY } from "../../../conventions/admission/cluster-admin-binding";
import { IDENTITY_NAMESPACE_WORKLOADS_POLICY } from "../../../conventions/admission/identity-namespace-workloads";
import { IDENTITY_OBJECTS_POLICY } from "../../../conventions/admission/identity-objects-platform-only";
import { POD_IDENTITY_LABEL_POLICY } from "../../../conventions/admission/pod-identity-label";
import { TEAM_ROLEBINDING_SUBJECTS_POLICY } from "../../../conventions/admission/team-rolebinding-subjects";
import { AAD_POD_IDENTITY_GROUP, MIC_NAME, POD_IDENTITY_LABEL } from "../../../conventions/kubernetes";
import type { ScenarioId } from "../../../conventions/threats";
import type { Manifest } from "../../../testing/manifests";
import type { ApiResponse, KubeClient } from "./client";
import { HOST_ACCESS_PODS, mutatedPod, restrictedPod } from "./pods";
import type { Expectation } from "./verdict";

/** One cluster under attack. */
export interface Target {
  label: "hardened" | "baseline" | "standard-mode";
  /** The attacking principals' clients (no over-granted principal on the standard-mode cluster). */
  developer: KubeClient;
  overprivileged?: KubeClient;
  /** A team-B principal holding a `*` Role in team B's namespace only (the "namespace owner"). */
  namespaceOwner?: KubeClient;
  /** A platform principal (mistakes the platform itself could make, e.g. a wrong client ID). */
  platform?: KubeClient;
  /** Where MIC/NMI run: the identity namespace (hardened) or `default` (baseline). */
  identityNamespace: string;
}

/** What the attacker knows about the victim (all of it readable or guessable in a real cluster). */
export interface VictimFacts {
  victimNamespace: string;
  /** The victim pods' `aadpodidbinding` value. */
  selector: string;
  /** Name of the victim's AzureIdentity object. */
  identityName: string;
  /** The victim's managed identity. */
  resourceId: string;
  clientId: string;
  attackerNamespace: string;
  /** The attacker team's own resource group ID (its namespace annotation). */
  attackerResourceGroupId?: string;
}

export interface Attempt {
  /** The threat scenario the attack belongs to (`conventions/threats.ts`). */
  scenario: ScenarioId;
  /** A finer label shown beside the scenario, e.g. the bypass it reproduces. */
  route?: string;
  actor: "developer" | "overprivileged" | "namespace-owner" | "platform";
  attempt: string;
  run(target: Target, facts: VictimFacts): Promise<ApiResponse>;
  hardened: Expectation;
  baseline: Expectation;
  /** Why the baseline refuses too, when it does (shown in the table). */
  baselineNote?: string;
}

/**
 * A team namespace opened to another team: `edit` (create pods, read secrets, use the namespace's
 * service accounts and so its Azure identity) granted to the victim team's service account. RBAC
 * lets a namespace admin bind any role it holds; only the admission policy refuses the subject.
 */
const CROSS_TEAM_GRANT: Attempt = {
  scenario: "S1",
  route: "cross-team grant",
  actor: "overprivileged",
  attempt: "RoleBinding in own namespace granting edit to another team's service account",
  run: (t, f) =>
    client(t, "overprivileged").create({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "cross-team-edit", namespace: f.attackerNamespace },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "edit" },
      subjects: [{ kind: "ServiceAccount", name: "default", namespace: f.victimNamespace }],
    } as Manifest),
  hardened: { refusedBy: "admission-policy", policies: [TEAM_ROLEBINDING_SUBJECTS_POLICY] },
  baseline: "allowed",
};

/**
 * The exec / port-forward target. The baseline has this MIC pod in `default`; on the hardened
 * cluster no pod is needed: the API server authorizes `pods/exec` before it looks the pod up.
 */
export const MIC_POD = `${MIC_NAME}-0`;

const RBAC = { refusedBy: "rbac" } as const;
const PSA = { refusedBy: "psa" } as const;
/** Refused by one of these admission policies (the server reports the first that denied). */
export const byPolicy = (...policies: string[]): Expectation => ({ refusedBy: "admission-policy", policies });

function identityObject(
  kind: string,
  name: string,
  namespace: string,
  spec: Record<string, unknown>,
): Manifest {
  return { apiVersion: `${AAD_POD_IDENTITY_GROUP}/v1`, kind, metadata: { name, namespace }, spec };
}

export function client(target: Target, actor: Attempt["actor"]): KubeClient {
  if (actor === "developer") return target.developer;
  if (actor === "namespace-owner" || actor === "platform") {
    const chosen = actor === "platform" ? target.platform : target.namespaceOwner;
    if (!chosen) throw new Error(`the ${target.label} cluster has no ${actor} client`);
    return chosen;
  }
  if (!target.overprivileged) throw new Error(`the ${target.label} cluster has no over-granted principal`);
  return target.overprivileged;
}

/** S1: a pod in the attacker's namespace wearing the victim's `aadpodidbinding` label. */
function s1(actor: Attempt["actor"]): Attempt {
  return {
    scenario: "S1",
    actor,
    attempt: "pod in own namespace with the victim's aadpodidbinding label",
    run: (t, f) =>
      client(t, actor).create(
        restrictedPod(`s1-${actor}`, f.attackerNamespace, { [POD_IDENTITY_LABEL]: f.selector }),
      ),
    hardened: byPolicy(POD_IDENTITY_LABEL_POLICY),
    baseline: "allowed",
  };
}

/** S2: a binding to the victim's AzureIdentity, with a selector the attacker's pods carry. */
function s2(actor: Attempt["actor"], where: "attacker" | "victim" | "identity" | "default"): Attempt {
  const namespaceOf = (t: Target, f: VictimFacts) =>
    ({
      attacker: f.attackerNamespace,
      victim: f.victimNamespace,
      identity: t.identityNamespace,
      default: "default",
    })[where];
  const ownNamespace = where === "attacker";
  return {
    scenario: "S2",
    actor,
    attempt: `AzureIdentityBinding to the victim's AzureIdentity in the ${where === "default" ? "default" : `${where}'s`} namespace`,
    run: (t, f) =>
      client(t, actor).create(
        identityObject("AzureIdentityBinding", `s2-${actor}-${where}`, namespaceOf(t, f), {
          azureIdentity: f.identityName,
          selector: `${f.attackerNamespace}.stolen`,
        }),
      ),
    // Team developers have no write verb on the identity kinds anywhere; an over-granted principal
    // gets past RBAC in its own namespace only, where the admission policy still refuses.
    hardened:
      actor === "overprivileged" && ownNamespace
        ? byPolicy(IDENTITY_OBJECTS_POLICY, BINDING_SELECTOR_POLICY)
        : RBAC,
    baseline: where === "victim" ? RBAC : "allowed",
    baselineNote:
      where === "victim" ? "baseline teams have edit only in their own namespaces and default" : undefined,
  };
}

/** S3: a new AzureIdentity pointing at the victim's managed identity, plus a binding to it. */
function s3(actor: Attempt["actor"]): Attempt[] {
  return [
    {
      scenario: "S3",
      actor,
      attempt: "AzureIdentity with the victim's resourceID in own namespace",
      run: (t, f) =>
        client(t, actor).create(
          identityObject("AzureIdentity", `s3-${actor}`, f.attackerNamespace, {
            type: 0,
            resourceID: f.resourceId,
            clientID: f.clientId,
          }),
        ),
      hardened:
        actor === "overprivileged"
          ? byPolicy(
              IDENTITY_OBJECTS_POLICY,
              AZURE_IDENTITY_SCOPE_POLICY,
              AZURE_IDENTITY_APPROVED_PAIR_POLICY,
            )
          : RBAC,
      baseline: "allowed",
    },
    {
      scenario: "S3",
      actor,
      attempt: "AzureIdentityBinding to that forged AzureIdentity",
      run: (t, f) =>
        client(t, actor).create(
          identityObject("AzureIdentityBinding", `s3-${actor}-binding`, f.attackerNamespace, {
            azureIdentity: `s3-${actor}`,
            selector: `${f.attackerNamespace}.forged`,
          }),
        ),
      hardened:
        actor === "overprivileged" ? byPolicy(IDENTITY_OBJECTS_POLICY, BINDING_SELECTOR_POLICY) : RBAC,
      baseline: "allowed",
    },
  ];
}

function s6Exception(actor: Attempt["actor"], where: "attacker" | "identity"): Attempt {
  const ownNamespace = where === "attacker";
  return {
    scenario: "S6",
    actor,
    attempt: `AzurePodIdentityException in the ${where} namespace`,
    run: (t, f) =>
      client(t, actor).create(
        identityObject(
          "AzurePodIdentityException",
          `s6-${actor}-${where}`,
          ownNamespace ? f.attackerNamespace : t.identityNamespace,
          { podLabels: { app: "rogue" } },
        ),
      ),
    hardened:
      actor === "overprivileged" && ownNamespace
        ? byPolicy(IDENTITY_OBJECTS_POLICY, AZURE_IDENTITY_SCOPE_POLICY)
        : RBAC,
    baseline: "allowed",
  };
}

function deployment(name: string, namespace: string): Manifest {
  const pod = restrictedPod(name, namespace, { app: name });
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: pod.metadata, spec: pod.spec },
    },
  };
}

const EXEC_INTO_MIC: Attempt = {
  scenario: "S5",
  actor: "developer",
  attempt: "exec into MIC",
  run: (t) =>
    t.developer.request("POST", `/api/v1/namespaces/${t.identityNamespace}/pods/${MIC_POD}/exec`, {
      query: { command: "cat", stdout: "true" },
    }),
  hardened: RBAC,
  baseline: "allowed",
};

const LIST_IDENTITY_NAMESPACE_SECRETS: Attempt = {
  scenario: "S5",
  actor: "developer",
  attempt: "list secrets in the identity namespace",
  run: (t) => t.developer.request("GET", `/api/v1/namespaces/${t.identityNamespace}/secrets`),
  hardened: RBAC,
  baseline: "allowed",
};

let rogueMicDeployments = 0;

/**
 * NMI hands node tokens to pods of any `mic-*` ReplicaSet in the identity namespace. A new name
 * each run: the attempt is made more than once against the same baseline cluster, and a second
 * create of the same name would only report "already exists".
 */
const ROGUE_MIC_DEPLOYMENT: Attempt = {
  scenario: "S6",
  actor: "developer",
  attempt: "mic-* Deployment in the identity namespace",
  run: (t) =>
    t.developer.create(deployment(`${MIC_NAME}-rogue-${++rogueMicDeployments}`, t.identityNamespace)),
  hardened: RBAC,
  baseline: "allowed",
};

/** Where AKS keeps the cluster's Azure credentials on every node (a default MIC install mounts it). */
export const AZURE_JSON_PATH = "/etc/kubernetes/azure.json";

/**
 * S5: turn MIC itself into the thief: mount the node's Azure credentials into its pod (a strategic
 * merge patch, keyed on MIC's container name, as `kubectl patch` sends it).
 */
const PATCH_MIC_HOSTPATH: Attempt = {
  scenario: "S5",
  actor: "developer",
  attempt: `patch the MIC Deployment to mount ${AZURE_JSON_PATH} (hostPath)`,
  run: async (t) =>
    t.developer.request(
      "PATCH",
      await t.developer.pathOf("apps/v1", "Deployment", t.identityNamespace, MIC_NAME),
      {
        contentType: "application/strategic-merge-patch+json",
        body: {
          spec: {
            template: {
              spec: {
                volumes: [{ name: "azure-json", hostPath: { path: AZURE_JSON_PATH, type: "File" } }],
                containers: [
                  {
                    name: MIC_NAME,
                    volumeMounts: [{ name: "azure-json", mountPath: AZURE_JSON_PATH, readOnly: true }],
                  },
                ],
              },
            },
          },
        },
      },
    ),
  hardened: RBAC,
  baseline: "allowed",
};

/**
 * The attacks on MIC itself, for a cluster that runs it (aad-pod-identity standard mode): made by
 * a developer of one team against the MIC Deployment the blueprint really declares.
 */
export function micAttempts(): Attempt[] {
  return [EXEC_INTO_MIC, LIST_IDENTITY_NAMESPACE_SECRETS, ROGUE_MIC_DEPLOYMENT, PATCH_MIC_HOSTPATH];
}

let serial = 0;

/**
 * A namespace owner's `*` Role includes `bind`, so RBAC lets it bind `cluster-admin` to itself
 * within its namespace (every secret, pod and identity object there); only admission refuses it.
 */
const NAMESPACE_CLUSTER_ADMIN: Attempt = {
  scenario: "S2",
  route: "cluster-admin",
  actor: "namespace-owner",
  attempt: "RoleBinding in own namespace to cluster-admin for itself",
  run: (t, f) => {
    const owner = client(t, "namespace-owner");
    return owner.create({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: `owner-cluster-admin-${++serial}`, namespace: f.attackerNamespace },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: owner.user }],
    } as Manifest);
  },
  hardened: byPolicy(CLUSTER_ADMIN_BINDING_POLICY, TEAM_ROLEBINDING_SUBJECTS_POLICY),
  baseline: "allowed",
};

/**
 * Only MIC and NMI, at their pinned images, may run in the identity namespace, whoever asks: a pod
 * there shares the namespace NMI trusts as MIC's and its secrets. The platform itself is refused.
 */
const PLATFORM_UNPINNED_IDENTITY_POD: Attempt = {
  scenario: "S5",
  actor: "platform",
  attempt: "pod with an image that is not pinned in the identity namespace (a platform mistake)",
  // As MIC's own account, so that only the image (not the account rule of the same policy) is wrong.
  run: (t) => {
    const pod = restrictedPod(`unpinned-${++serial}`, t.identityNamespace);
    (pod.spec as Record<string, unknown>).serviceAccountName = MIC_NAME;
    return client(t, "platform").create(pod);
  },
  hardened: byPolicy(IDENTITY_NAMESPACE_WORKLOADS_POLICY),
  baseline: "allowed",
};

/** Every attempt, in the order of the summary table. */
export function attempts(): Attempt[] {
  const developer: Attempt[] = [
    s1("developer"),
    s2("developer", "attacker"),
    s2("developer", "victim"),
    s2("developer", "identity"),
    s2("developer", "default"),
    ...s3("developer"),
    ...HOST_ACCESS_PODS.map(
      (p): Attempt => ({
        scenario: "S4",
        actor: "developer",
        attempt: `${p.attempt} in own namespace`,
        run: (t, f) => t.developer.create(mutatedPod(p.name, f.attackerNamespace, p.change)),
        hardened: PSA,
        baseline: "allowed",
      }),
    ),
    {
      scenario: "S5",
      actor: "developer",
      attempt: "create a pod in the identity namespace",
      run: (t) => t.developer.create(restrictedPod("s5-pod", t.identityNamespace)),
      hardened: RBAC,
      baseline: "allowed",
    },
    EXEC_INTO_MIC,
    {
      scenario: "S5",
      actor: "developer",
      attempt: "port-forward to MIC",
      run: (t) =>
        t.developer.request("POST", `/api/v1/namespaces/${t.identityNamespace}/pods/${MIC_POD}/portforward`, {
          query: { ports: "8080" },
        }),
      hardened: RBAC,
      baseline: "allowed",
    },
    LIST_IDENTITY_NAMESPACE_SECRETS,
    s6Exception("developer", "identity"),
    s6Exception("developer", "attacker"),
    ROGUE_MIC_DEPLOYMENT,
    {
      scenario: "S6",
      route: "default namespace",
      actor: "developer",
      attempt: "pod in the default namespace",
      run: (t) => t.developer.create(restrictedPod("squatter", "default")),
      hardened: RBAC,
      baseline: "allowed",
    },
    {
      scenario: "S6",
      route: "default namespace",
      actor: "developer",
      attempt: "Deployment in the default namespace",
      run: (t) => t.developer.create(deployment("squatter", "default")),
      hardened: RBAC,
      baseline: "allowed",
    },
    {
      scenario: "S2",
      route: "cluster-admin",
      actor: "developer",
      attempt: "ClusterRoleBinding to cluster-admin for itself",
      run: (t) =>
        t.developer.create({
          apiVersion: "rbac.authorization.k8s.io/v1",
          kind: "ClusterRoleBinding",
          metadata: { name: "s-escalate" },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
          subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: t.developer.user }],
        } as Manifest),
      hardened: RBAC,
      baseline: RBAC,
      baselineNote: "`edit` never covers RBAC objects, on any install",
    },
  ];
  const overprivileged: Attempt[] = [
    s1("overprivileged"),
    s2("overprivileged", "attacker"),
    ...s3("overprivileged"),
    s6Exception("overprivileged", "attacker"),
    CROSS_TEAM_GRANT,
    NAMESPACE_CLUSTER_ADMIN,
    PLATFORM_UNPINNED_IDENTITY_POD,
  ];
  return [...developer, ...overprivileged];
}
