/**
 * Small clusters for the edge tables: two teams (team-a owns the victim identity, team-b attacks),
 * built from manifests as a plan or a live cluster would hand them over.
 */
import { buildGraph } from "../../cli/paths/build-graph";
import { analyze, type Analysis } from "../../cli/paths/analyze";
import type { BuildContext } from "../../cli/paths/build-context";
import { emptyFacts, kubeObject, type Facts } from "../../cli/paths/facts";

type Manifest = Record<string, unknown>;

export const A_GROUP = "group-team-a";
export const B_GROUP = "group-team-b";
export const VICTIM_CLIENT_ID = "aaaaaaaa-0000-0000-0000-00000000000a";
export const RG_A = "/subscriptions/s/resourceGroups/rg-a";
export const RG_B = "/subscriptions/s/resourceGroups/rg-b";
export const VICTIM_RESOURCE_ID = `${RG_A}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-a`;

export const namespace = (name: string, team?: string, psa = "restricted", rg?: string): Manifest => ({
  apiVersion: "v1",
  kind: "Namespace",
  metadata: {
    name,
    labels: {
      ...(team ? { "aks-hardening.io/team": team } : {}),
      ...(psa ? { "pod-security.kubernetes.io/enforce": psa } : {}),
    },
    annotations: rg ? { "aks-hardening.io/azure-resource-group-id": rg } : {},
  },
});

export const role = (ns: string, name: string, rules: Manifest[]): Manifest => ({
  apiVersion: "rbac.authorization.k8s.io/v1",
  kind: "Role",
  metadata: { name, namespace: ns },
  rules,
});

export const clusterRole = (name: string, rules: Manifest[], extra: Manifest = {}): Manifest => ({
  apiVersion: "rbac.authorization.k8s.io/v1",
  kind: "ClusterRole",
  metadata: { name, ...((extra.metadata as Manifest) ?? {}) },
  rules,
  ...(extra.aggregationRule ? { aggregationRule: extra.aggregationRule } : {}),
});

export const group = (name: string) => ({ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name });

export const roleBinding = (
  ns: string,
  name: string,
  ref: { kind: string; name: string },
  subjects: Manifest[],
): Manifest => ({
  apiVersion: "rbac.authorization.k8s.io/v1",
  kind: "RoleBinding",
  metadata: { name, namespace: ns },
  roleRef: { apiGroup: "rbac.authorization.k8s.io", ...ref },
  subjects,
});

export const clusterRoleBinding = (name: string, roleName: string, subjects: Manifest[]): Manifest => ({
  apiVersion: "rbac.authorization.k8s.io/v1",
  kind: "ClusterRoleBinding",
  metadata: { name },
  roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: roleName },
  subjects,
});

export const serviceAccount = (
  ns: string,
  name: string,
  annotations: Record<string, string> = {},
): Manifest => ({
  apiVersion: "v1",
  kind: "ServiceAccount",
  metadata: { name, namespace: ns, annotations },
});

/** Team A's pod identity: AzureIdentity + binding with the blueprint's selector convention. */
export function victimPodIdentity(ns = "team-a", annotations: Record<string, string> = {}): Manifest[] {
  return [
    {
      apiVersion: "aadpodidentity.k8s.io/v1",
      kind: "AzureIdentity",
      metadata: { name: "id-a", namespace: ns, annotations },
      spec: { type: 0, resourceID: VICTIM_RESOURCE_ID, clientID: VICTIM_CLIENT_ID },
    },
    {
      apiVersion: "aadpodidentity.k8s.io/v1",
      kind: "AzureIdentityBinding",
      metadata: { name: "id-a-binding", namespace: ns },
      spec: { azureIdentity: "id-a", selector: `${ns}.id-a` },
    },
  ];
}

/** NMI as the blueprint or a default install runs it. */
export function nmi(args: string[], ns = "aad-pod-identity"): Manifest {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "nmi", namespace: ns },
    spec: {
      template: {
        metadata: { labels: { app: "nmi" } },
        spec: {
          containers: [
            { name: "nmi", image: "mcr.microsoft.com/oss/azure/aad-pod-identity/nmi:v1.8.17", args },
          ],
        },
      },
    },
  };
}

/** An enforced admission policy (the analysis judges the blueprint's by name). */
export function enforcedPolicy(name: string): Manifest[] {
  return [
    {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicy",
      metadata: { name },
      spec: {},
    },
    {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicyBinding",
      metadata: { name },
      spec: { policyName: name, validationActions: ["Deny"] },
    },
  ];
}

/** The two teams with their own developer rights (create pods in their own namespace only). */
export function twoTeams(): Manifest[] {
  const dev = [{ apiGroups: [""], resources: ["pods"], verbs: ["create", "get", "list"] }];
  return [
    namespace("team-a", "team-a", "restricted", RG_A),
    namespace("team-b", "team-b", "restricted", RG_B),
    role("team-a", "dev", dev),
    role("team-b", "dev", dev),
    roleBinding("team-a", "dev", { kind: "Role", name: "dev" }, [group(A_GROUP)]),
    roleBinding("team-b", "dev", { kind: "Role", name: "dev" }, [group(B_GROUP)]),
  ];
}

export function factsOf(manifests: Manifest[], azure: Partial<Facts> = {}): Facts {
  const facts = emptyFacts("fixture");
  manifests.forEach((m, i) => {
    const o = kubeObject(m, `urn:fixture::${String(m.kind)}::${i}`);
    if (o) facts.objects.push(o);
  });
  return { ...facts, ...azure, assumptions: [] };
}

export function run(
  manifests: Manifest[],
  azure: Partial<Facts> = {},
): { ctx: BuildContext; analysis: Analysis } {
  const ctx = buildGraph(factsOf(manifests, azure));
  return { ctx, analysis: analyze(ctx) };
}

/** Whether team `team` reaches the identity with client ID `clientId`, and by which edge kinds. */
export function reach(analysis: Analysis, team: string, clientId = VICTIM_CLIENT_ID): string[] | undefined {
  const r = analysis.teams
    .find((t) => t.team === team)
    ?.reaches.find((x) => x.identity.clientId === clientId.toLowerCase());
  return r?.path.map((e) => e.kind);
}
