/**
 * Turns a cluster on which a stack's objects are already deployed (by this suite's own apply, or by
 * `pulumi up` in the engine suite) into a `Target` the attempts of `scenarios.ts` run against:
 * what the attacker knows (`victimFacts`), the grants the scenarios assume (the platform group's
 * admin, and the two over-granted team-B service accounts), and the waits that must pass before a
 * verdict means anything (quota status, admission policies live).
 *
 * The cluster must have been started with `tokenUsers` of the same blueprint (its clients are the
 * Target's principals).
 */
import { POD_IDENTITY_LABEL_POLICY } from "../../../conventions/admission/pod-identity-label";
import { AAD_POD_IDENTITY_GROUP, podIdentitySelector } from "../../../conventions/kubernetes";
import type { Manifest } from "../../../testing/manifests";
import { applyOrThrow, FIELD_MANAGER, waitForPolicy } from "./apply";
import {
  attackerTeam,
  namespaceOwnerUser,
  overprivilegedUser,
  USERS,
  victimIdentityObjects,
  victimTeam,
  type Blueprint,
} from "./blueprint";
import type { KubeClient } from "./client";
import type { Cluster } from "./cluster";
import { restrictedPod } from "./pods";
import type { Target, VictimFacts } from "./scenarios";
import { verdictOf } from "./verdict";

/** What the attacker knows about the victim, read from what the blueprint declares. */
export function victimFacts(blueprint: Blueprint): VictimFacts {
  const victim = victimTeam(blueprint.config);
  const attacker = attackerTeam(blueprint.config, victim);
  const victimIdentity = victim.identities[0];
  const selector = podIdentitySelector(victimIdentity.namespace, victimIdentity.name);
  const { identity } = victimIdentityObjects(blueprint, selector);
  const identitySpec = identity.spec as { resourceID: string; clientID: string };
  return {
    victimNamespace: victimIdentity.namespace,
    selector,
    identityName: identity.metadata.name,
    resourceId: identitySpec.resourceID,
    clientId: identitySpec.clientID,
    attackerNamespace: attacker.namespaces[0],
    attackerResourceGroupId: attacker.resourceGroupId,
  };
}

/**
 * What stands in for Azure RBAC's "AKS RBAC Cluster Admin" on the platform group (an AKS-side grant).
 * Server-side apply: granting again is a no-op.
 */
export async function grantPlatformAdmin(cluster: Cluster, platformGroup: string): Promise<void> {
  const res = await cluster.clients.bootstrap.apply(
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: "e2e-platform-group-cluster-admin" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: platformGroup }],
    } as Manifest,
    FIELD_MANAGER,
  );
  if (res.status >= 300) throw new Error(`platform admin grant failed: ${res.status} ${res.text}`);
}

/**
 * The mistake defence in depth must survive: someone binds the attacker to the built-in `admin`
 * role in team B's namespace, plus write on the pod-identity kinds there.
 */
function overGrant(namespace: string, user: string): Manifest[] {
  const role = "e2e-overgrant-pod-identity-objects";
  const subjects = [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: user }];
  return [
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: role },
      rules: [{ apiGroups: [AAD_POD_IDENTITY_GROUP], resources: ["*"], verbs: ["*"] }],
    },
    ...["admin", role].map(
      (roleName): Manifest => ({
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: `e2e-overgrant-${roleName}`, namespace },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: roleName },
        subjects,
      }),
    ),
  ];
}

/** The usual "namespace owner" grant: a Role with every verb on every resource, in one namespace. */
function namespaceOwnerGrant(namespace: string, user: string): Manifest[] {
  return [
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "e2e-namespace-owner", namespace },
      rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "e2e-namespace-owner", namespace },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "e2e-namespace-owner" },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: user }],
    },
  ];
}

/**
 * Makes `cluster` (the blueprint's objects, or the baseline's, already deployed: the attacker's
 * namespace must exist) a target: grants the platform group cluster-admin, over-grants the two
 * team-B service accounts in the attacker's namespace (`admin` plus the pod-identity kinds; a `*`
 * Role), and returns the attacking principals' clients. `identityNamespace` is where MIC/NMI run.
 */
export async function prepareTarget(
  cluster: Cluster,
  blueprint: Blueprint,
  label: "hardened" | "baseline",
  identityNamespace: string,
): Promise<Target> {
  const { config } = blueprint;
  const attacker = attackerTeam(config, victimTeam(config));
  const namespace = attacker.namespaces[0];
  await grantPlatformAdmin(cluster, config.platformGroupIds[0]);
  const platform = cluster.clients[USERS.platformAdmin];
  await applyOrThrow(platform, overGrant(namespace, overprivilegedUser(attacker)), `${label} over-grant`);
  await applyOrThrow(
    platform,
    namespaceOwnerGrant(namespace, namespaceOwnerUser(attacker)),
    `${label} namespace-owner grant`,
  );
  return {
    label,
    developer: cluster.clients[USERS.attackerDeveloper],
    overprivileged: cluster.clients[overprivilegedUser(attacker)],
    identityNamespace,
    namespaceOwner: cluster.clients[namespaceOwnerUser(attacker)],
    platform,
  };
}

/**
 * Waits until the resourcequota controller has filled in every quota of `namespace`: the quota
 * admission plugin refuses every pod of a namespace whose quotas have no status yet.
 */
export async function waitForQuotaStatus(admin: KubeClient, namespace: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await admin.request("GET", `/api/v1/namespaces/${namespace}/resourcequotas`);
    const items = (res.body?.items as { status?: { hard?: object } }[] | undefined) ?? [];
    if (items.length > 0 && items.every((q) => q.status?.hard !== undefined)) return;
    if (Date.now() > deadline)
      throw new Error(`quotas of ${namespace} have no status after 60 s (resourcequota controller?)`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Admission policies go live asynchronously: waits until the S1 probe (a dry run by the target's
 * developer, nothing is stored) is denied by its policy, before any real attempt.
 */
export async function waitForAdmissionPolicies(target: Target, facts: VictimFacts): Promise<void> {
  const probe = restrictedPod("probe", facts.attackerNamespace, { aadpodidbinding: facts.selector });
  await waitForPolicy(async () => {
    const path = await target.developer.pathOf("v1", "Pod", facts.attackerNamespace);
    const v = verdictOf(
      await target.developer.request("POST", path, { body: probe, query: { dryRun: "All" } }),
    );
    return v.outcome === "refused" ? v.policy : undefined;
  }, POD_IDENTITY_LABEL_POLICY);
}
