/**
 * `KubernetesHardening`: every in-cluster control of the blueprint on one cluster, through one
 * explicit provider.
 *
 * - the hardened aad-pod-identity install in its own namespace (`PodIdentityInstall`);
 * - each team's namespaces, RBAC, network policies, quotas and identities (`TeamNamespaces`);
 * - `default` labelled PSA restricted (patched, never created; nothing of ours runs in it);
 * - administration for the platform groups, read-only discovery for the teams;
 * - the admission policies that hold even for an over-privileged principal (`ClusterGuardrails`).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { GuardrailSettings } from "../../conventions/admission";
import { MIC_NAME, NMI_NAME, podIdentityImage, podSecurityLabels } from "../../conventions/kubernetes";
import { ClusterGuardrails } from "./guardrails";
import type { KubernetesHardeningArgs } from "./hardening-args";
import { PodIdentityInstall } from "./pod-identity";
import { TEAM_DISCOVERY_RULES } from "./rbac-rules";
import { TeamNamespaces } from "./team-namespace";
import { resolveHardeningArgs, type ResolvedHardeningArgs } from "./validate-args";

/** Cluster-scoped RBAC names of the blueprint. */
export const PLATFORM_ADMIN_BINDING = "aks-hardening-platform-admins";
export const TEAM_DISCOVERY_ROLE = "aks-hardening-team-discovery";

/** The admission-policy settings implied by validated arguments. */
export function guardrailSettingsFor(args: ResolvedHardeningArgs): GuardrailSettings {
  const standard = args.podIdentity.mode === "standard";
  const components: (typeof MIC_NAME | typeof NMI_NAME)[] = standard ? [MIC_NAME, NMI_NAME] : [NMI_NAME];
  return {
    identityNamespace: args.podIdentity.namespace,
    platformGroupIds: args.platformGroupIds,
    platformUsers: args.platformUsers,
    identityWriterServiceAccounts: standard ? [MIC_NAME] : [],
    identityServiceAccounts: components,
    pinnedImages: components.map((c) => podIdentityImage(c, args.podIdentity.version)),
    privilegedNamespaces: args.privilegedNamespaces,
    teams: args.teams.map((t) => ({
      name: t.name,
      groupIds: t.developerGroupIds,
      namespaces: t.namespaces,
      dedicatedPool: t.nodePool !== undefined,
    })),
  };
}

export class KubernetesHardening extends pulumi.ComponentResource {
  /** The identity namespace. */
  readonly identityNamespace: pulumi.Output<string>;
  /** Team name -> its namespaces. */
  readonly teamNamespaces: Record<string, string[]>;
  /** Every pod-identity selector (`<namespace>.<identity>`) the blueprint bound. */
  readonly selectors: string[];
  /** Names of the admission policies (and their bindings). */
  readonly admissionPolicyNames: string[];

  constructor(name: string, rawArgs: KubernetesHardeningArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate first: a bad argument throws (naming the key and value) before anything, not even
    // this component, is registered.
    const args = resolveHardeningArgs(rawArgs);
    super("aks-hardening:kubernetes:KubernetesHardening", name, {}, opts);
    const provider = args.provider;
    const child = { parent: this, provider };

    const podIdentity = new PodIdentityInstall(
      `${name}-pod-identity`,
      {
        provider,
        namespace: args.podIdentity.namespace,
        mode: args.podIdentity.mode,
        version: args.podIdentity.version,
        podSecurityVersion: args.podSecurityVersion,
        micAzure:
          args.podIdentity.mode === "standard" && args.azure && args.kubeletIdentity
            ? { ...args.azure, kubeletClientId: args.kubeletIdentity.clientId }
            : undefined,
      },
      { parent: this },
    );
    this.identityNamespace = podIdentity.namespace;

    // `default` exists in every cluster: label it, never create or own it.
    new k8s.core.v1.NamespacePatch(
      `${name}-default-namespace-psa`,
      {
        metadata: {
          name: "default",
          labels: podSecurityLabels("restricted", args.podSecurityVersion),
          annotations: { "pulumi.com/patchForce": "true" },
        },
      },
      child,
    );

    this.teamNamespaces = {};
    this.selectors = [];
    for (const team of args.teams) {
      const tn = new TeamNamespaces(
        `${name}-team-${team.name}`,
        {
          provider,
          team,
          podSecurityVersion: args.podSecurityVersion,
          limits: args.teamNamespaceLimits,
          crds: podIdentity.crds,
        },
        { parent: this },
      );
      this.teamNamespaces[team.name] = tn.namespaces;
      this.selectors.push(...tn.selectors);
    }

    new k8s.rbac.v1.ClusterRoleBinding(
      `${name}-platform-admins`,
      {
        metadata: { name: PLATFORM_ADMIN_BINDING },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
        subjects: args.platformGroupIds.map((id) => ({
          apiGroup: "rbac.authorization.k8s.io",
          kind: "Group",
          name: id,
        })),
      },
      child,
    );

    const teamGroups = [...new Set(args.teams.flatMap((t) => t.developerGroupIds))];
    if (teamGroups.length > 0) {
      const discovery = new k8s.rbac.v1.ClusterRole(
        `${name}-team-discovery`,
        { metadata: { name: TEAM_DISCOVERY_ROLE }, rules: TEAM_DISCOVERY_RULES },
        child,
      );
      new k8s.rbac.v1.ClusterRoleBinding(
        `${name}-team-discovery`,
        {
          metadata: { name: TEAM_DISCOVERY_ROLE },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: TEAM_DISCOVERY_ROLE },
          subjects: teamGroups.map((id) => ({
            apiGroup: "rbac.authorization.k8s.io",
            kind: "Group",
            name: id,
          })),
        },
        { ...child, dependsOn: [discovery] },
      );
    }

    const guardrails = new ClusterGuardrails(
      `${name}-guardrails`,
      { provider, settings: guardrailSettingsFor(args) },
      { parent: this },
    );
    this.admissionPolicyNames = guardrails.policyNames;

    this.registerOutputs({
      identityNamespace: this.identityNamespace,
      teamNamespaces: this.teamNamespaces,
      selectors: this.selectors,
      admissionPolicyNames: this.admissionPolicyNames,
    });
  }
}
