/**
 * Facts from Pulumi resources: a recorded plan, a `pulumi stack export` or a `pulumi preview --json`
 * file (the readers in cli/ turn all three into `PlannedResource`s). Kubernetes resources become the
 * objects the provider would send (`testing/manifests`, the converter the e2e suite applies with);
 * `*Patch` resources are merged into the object they patch. Azure resources become identity,
 * federated-credential, role-assignment, resource-group and cluster facts, from outputs where the
 * engine knows them and inputs otherwise.
 */
import { TEAM_LABEL, TEAM_POOL_KEY } from "../../conventions/kubernetes";
import { isKubernetesObject, toManifest } from "../../testing/manifests";
import type { PlannedResource } from "../resources";
import { parseUrn } from "../resources";
import { unwrapSecrets } from "../secrets";
import { emptyFacts, kubeObject, type Facts, type KubeObject, type NodePoolFact } from "./facts";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** `azure-native:managedidentity:UserAssignedIdentity` and its versioned spellings (`.../v20230131:...`). */
function azureType(type: string, module: string, name: string): boolean {
  const m = /^azure-native:([^:/]+)(?:\/[^:]+)?:([A-Za-z]+)$/.exec(type);
  return m !== null && m[1] === module && m[2] === name;
}

function mergePatch(target: KubeObject, patch: KubeObject): void {
  Object.assign(target.labels, patch.labels);
  Object.assign(target.annotations, patch.annotations);
}

/** `*Patch` objects merged into what they patch; a patch of an undeclared object (`default`) stands for it. */
function mergePatches(facts: Facts, patches: KubeObject[]): void {
  for (const patch of patches) {
    const target = facts.objects.find(
      (o) => o.kind === patch.kind && o.name === patch.name && o.namespace === patch.namespace,
    );
    if (target) mergePatch(target, patch);
    else facts.objects.push(patch);
  }
}

/** Facts from converted manifests alone (what the e2e suite applies): no Azure side. */
export function factsFromManifests(
  converted: { urn: string; patch: boolean; manifest: Record<string, unknown> }[],
  subject: string,
): Facts {
  const facts = emptyFacts(subject);
  const patches: KubeObject[] = [];
  for (const c of converted) {
    const object = kubeObject(c.manifest, c.urn);
    if (object) (c.patch ? patches : facts.objects).push(object);
  }
  mergePatches(facts, patches);
  return facts;
}

/** A pool's team label and taints (`key=value:Effect`), as AKS applies them to every node. */
function nodePoolFact(values: Obj, name: string, source: string): NodePoolFact {
  const labels = isObj(values.nodeLabels) ? values.nodeLabels : {};
  const taintTeams: string[] = [];
  const otherTaints: string[] = [];
  for (const taint of Array.isArray(values.nodeTaints) ? values.nodeTaints : []) {
    const m = typeof taint === "string" ? /^([^=:]+)(?:=([^:]*))?:(NoSchedule|NoExecute)$/.exec(taint) : null;
    if (!m) continue;
    if (m[1] === TEAM_POOL_KEY) taintTeams.push(m[2] ?? "");
    else otherTaints.push(m[1]);
  }
  return {
    name,
    system: values.mode === "System",
    labelTeam: str(labels[TEAM_POOL_KEY]),
    taintTeams,
    otherTaints,
    source,
  };
}

export function factsFromResources(resources: PlannedResource[], subject: string): Facts {
  const facts = emptyFacts(subject);
  const crdGroups = new Set(
    resources
      .filter((r) => r.type === "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition")
      .map((r) =>
        str((unwrapSecrets(r.inputs) as Obj).spec && ((unwrapSecrets(r.inputs) as Obj).spec as Obj).group),
      )
      .filter((g): g is string => g !== undefined),
  );
  const patches: KubeObject[] = [];
  for (const r of resources) {
    if (r.custom && isKubernetesObject(r)) {
      const inputs = unwrapSecrets(r.inputs) as Obj;
      let converted;
      try {
        converted = toManifest({ urn: r.urn, type: r.type, name: parseUrn(r.urn).name, inputs }, crdGroups);
      } catch {
        continue; // not a single object (a Helm release, a YAML group): nothing to read
      }
      const object = kubeObject(converted.manifest, r.urn);
      if (!object) continue;
      (converted.patch ? patches : facts.objects).push(object);
      continue;
    }
    const values = {
      ...(unwrapSecrets(r.inputs) as Obj),
      ...((unwrapSecrets(r.outputs ?? {}) as Obj) ?? {}),
    };
    const tags = isObj(values.tags) ? values.tags : {};
    if (azureType(r.type, "managedidentity", "UserAssignedIdentity")) {
      facts.identities.push({
        clientId: str(values.clientId),
        principalId: str(values.principalId),
        resourceId: str(values.id)?.toLowerCase(),
        name: str(values.resourceName) ?? str(values.name) ?? parseUrn(r.urn).name,
        team: str(tags[TEAM_LABEL]),
        source: r.urn,
      });
    } else if (azureType(r.type, "managedidentity", "FederatedIdentityCredential")) {
      const expression = isObj(values.claimsMatchingExpression)
        ? str(values.claimsMatchingExpression.value)
        : undefined;
      facts.federatedCredentials.push({
        identityResourceGroup: (str(values.resourceGroupName) ?? "").toLowerCase(),
        identityName: (str(values.resourceName) ?? "").toLowerCase(),
        issuer: str(values.issuer),
        subject: str(values.subject),
        claimsMatchingExpression: expression,
        audiences: Array.isArray(values.audiences) ? values.audiences.map(String) : [],
        source: r.urn,
      });
    } else if (azureType(r.type, "authorization", "RoleAssignment")) {
      const principalId = str(values.principalId);
      const roleDefinitionId = str(values.roleDefinitionId);
      const scope = str(values.scope);
      if (principalId && roleDefinitionId && scope)
        facts.roleAssignments.push({
          principalId: principalId.toLowerCase(),
          roleId: roleDefinitionId.split("/").pop()!.toLowerCase(),
          scope: scope.toLowerCase().replace(/\/+$/, ""),
          source: r.urn,
        });
    } else if (azureType(r.type, "resources", "ResourceGroup")) {
      const id = str(values.id);
      if (id) facts.resourceGroups.push({ id: id.toLowerCase(), team: str(tags[TEAM_LABEL]), source: r.urn });
    } else if (azureType(r.type, "containerservice", "AgentPool")) {
      (facts.nodePools ??= []).push(
        nodePoolFact(values, str(values.agentPoolName) ?? parseUrn(r.urn).name, r.urn),
      );
    } else if (azureType(r.type, "containerservice", "ManagedCluster")) {
      facts.nodePools ??= [];
      for (const pool of Array.isArray(values.agentPoolProfiles) ? values.agentPoolProfiles : [])
        if (isObj(pool)) facts.nodePools.push(nodePoolFact(pool, str(pool.name) ?? "(unnamed)", r.urn));
      const oidc = isObj(values.oidcIssuerProfile) ? values.oidcIssuerProfile : {};
      const profile = isObj(values.identityProfile) ? values.identityProfile : {};
      const kubelet = isObj(profile.kubeletidentity) ? profile.kubeletidentity : {};
      facts.cluster = {
        issuer: str(oidc.issuerURL),
        kubeletClientId: str(kubelet.clientId),
        kubeletResourceId: str(kubelet.resourceId)?.toLowerCase(),
        source: r.urn,
      };
    }
  }
  mergePatches(facts, patches);
  facts.azureKnown = resources.some((r) => r.type.startsWith("azure-native:"));
  return facts;
}
