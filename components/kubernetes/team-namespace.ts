/**
 * `TeamNamespaces`: one team's namespaces and everything the platform owns inside them.
 *
 * Per namespace: PSA `restricted` (enforce/audit/warn, pinned version), the team label and the
 * resource-group annotation (trust anchors for the admission policies), the developer Role and its
 * binding to the team's Entra groups, default-deny network policies with DNS (and the identity
 * path the team's mode needs), a ResourceQuota, a quota of zero pods at system priority, and a
 * LimitRange. The namespace also records its approved `clientID=resourceID` identity pairs. Per identity: AzureIdentity +
 * AzureIdentityBinding (pod-identity mode) or an annotated ServiceAccount (workload-identity mode);
 * changing `identityMode` swaps one for the other.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  AAD_POD_IDENTITY_GROUP,
  APPROVED_IDENTITIES_ANNOTATION,
  RESOURCE_GROUP_ANNOTATION,
  SYSTEM_PRIORITY_CLASSES,
  TEAM_LABEL,
  WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION,
  podIdentitySelector,
  approvedIdentitiesValue,
  podSecurityLabels,
} from "../../conventions/kubernetes";
import type { HardeningTeam, TeamNamespaceLimits } from "./hardening-args";
import { teamNetworkPolicies } from "./network-policies";
import { TEAM_DEVELOPER_RULES } from "./rbac-rules";

export interface TeamNamespacesArgs {
  /** Explicit provider of the target cluster. Required. */
  provider: k8s.Provider;
  /** The team. Required. */
  team: HardeningTeam;
  /** PSA version pinned in the labels. Required. */
  podSecurityVersion: string;
  /** Quota and container defaults. Required. */
  limits: Required<TeamNamespaceLimits>;
  /** The aad-pod-identity CRDs; identity objects wait for them. Default: none. */
  crds?: pulumi.Resource[];
}

/**
 * Name of the ResourceQuota that allows no pod with a system priority class in a team namespace
 * (the quota admission plugin's answer to "a team pod preempts NMI"; the placement admission
 * policy is the other layer).
 */
export const SYSTEM_PRIORITY_QUOTA = "no-system-priority";

/** Name of the developer Role and RoleBinding in every team namespace. */
export const TEAM_DEVELOPER_ROLE = "aks-hardening-team-developer";

export class TeamNamespaces extends pulumi.ComponentResource {
  /** Namespace names of the team. */
  readonly namespaces: string[];
  /** Pod-identity selectors of the team's identities (empty in workload-identity mode). */
  readonly selectors: string[];

  constructor(name: string, args: TeamNamespacesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aks-hardening:kubernetes:TeamNamespaces", name, {}, opts);
    const child = { parent: this, provider: args.provider };
    const { team } = args;
    const namespaces = new Map<string, k8s.core.v1.Namespace>();

    for (const ns of team.namespaces) {
      // The identities this namespace's AzureIdentities may name, as clientID=resourceID pairs.
      const inThisNamespace = team.identities.filter((i) => i.namespace === ns);
      const approvedIdentities = pulumi
        .all(inThisNamespace.map((i) => pulumi.all([i.clientId, i.resourceId])))
        .apply((pairs) =>
          approvedIdentitiesValue(pairs.map(([clientId, resourceId]) => ({ clientId, resourceId }))),
        );
      const namespace = new k8s.core.v1.Namespace(
        `${name}-${ns}`,
        {
          metadata: {
            name: ns,
            labels: { ...podSecurityLabels("restricted", args.podSecurityVersion), [TEAM_LABEL]: team.name },
            annotations: {
              [RESOURCE_GROUP_ANNOTATION]: team.resourceGroupId,
              [APPROVED_IDENTITIES_ANNOTATION]: approvedIdentities,
            },
          },
        },
        child,
      );
      namespaces.set(ns, namespace);
      const inNs = { ...child, dependsOn: [namespace] };

      const role = new k8s.rbac.v1.Role(
        `${name}-${ns}-developer`,
        { metadata: { name: TEAM_DEVELOPER_ROLE, namespace: ns }, rules: TEAM_DEVELOPER_RULES },
        inNs,
      );
      new k8s.rbac.v1.RoleBinding(
        `${name}-${ns}-developer`,
        {
          metadata: { name: TEAM_DEVELOPER_ROLE, namespace: ns },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: TEAM_DEVELOPER_ROLE },
          subjects: team.developerGroupIds.map((id) => ({
            apiGroup: "rbac.authorization.k8s.io",
            kind: "Group",
            name: id,
          })),
        },
        { ...inNs, dependsOn: [namespace, role] },
      );

      for (const policy of teamNetworkPolicies(team.identityMode)) {
        new k8s.networking.v1.NetworkPolicy(
          `${name}-${ns}-${policy.name}`,
          { metadata: { name: policy.name, namespace: ns }, spec: policy.spec },
          inNs,
        );
      }
      new k8s.core.v1.ResourceQuota(
        `${name}-${ns}-quota`,
        { metadata: { name: "team-quota", namespace: ns }, spec: { hard: args.limits.quota } },
        inNs,
      );
      new k8s.core.v1.ResourceQuota(
        `${name}-${ns}-system-priority-quota`,
        {
          metadata: { name: SYSTEM_PRIORITY_QUOTA, namespace: ns },
          spec: {
            hard: { pods: "0" },
            scopeSelector: {
              matchExpressions: [
                { scopeName: "PriorityClass", operator: "In", values: [...SYSTEM_PRIORITY_CLASSES] },
              ],
            },
          },
        },
        inNs,
      );
      new k8s.core.v1.LimitRange(
        `${name}-${ns}-limits`,
        {
          metadata: { name: "team-limits", namespace: ns },
          spec: {
            limits: [
              {
                type: "Container",
                default: args.limits.defaultLimit,
                defaultRequest: args.limits.defaultRequest,
              },
            ],
          },
        },
        inNs,
      );
    }

    this.selectors = [];
    for (const identity of team.identities) {
      const namespace = namespaces.get(identity.namespace);
      const inNamespace = namespace ? [namespace] : [];
      const dependsOn = [...inNamespace, ...(args.crds ?? [])];
      const resourceName = `${name}-${identity.namespace}-${identity.name}`;
      if (team.identityMode === "pod-identity") {
        const selector = podIdentitySelector(identity.namespace, identity.name);
        const azureIdentity = new k8s.apiextensions.CustomResource(
          resourceName,
          {
            apiVersion: `${AAD_POD_IDENTITY_GROUP}/v1`,
            kind: "AzureIdentity",
            metadata: {
              name: identity.name,
              namespace: identity.namespace,
              labels: { [TEAM_LABEL]: team.name },
            },
            // type 0: user-assigned managed identity; no service-principal secret anywhere.
            spec: { type: 0, resourceID: identity.resourceId, clientID: identity.clientId },
          },
          { ...child, dependsOn },
        );
        new k8s.apiextensions.CustomResource(
          `${resourceName}-binding`,
          {
            apiVersion: `${AAD_POD_IDENTITY_GROUP}/v1`,
            kind: "AzureIdentityBinding",
            metadata: {
              name: `${identity.name}-binding`,
              namespace: identity.namespace,
              labels: { [TEAM_LABEL]: team.name },
            },
            spec: { azureIdentity: identity.name, selector },
          },
          { ...child, dependsOn: [...dependsOn, azureIdentity] },
        );
        // The platform makes the identity's ServiceAccount in this mode too: team developers may
        // not write ServiceAccounts, and it is the account workload identity will annotate later.
        new k8s.core.v1.ServiceAccount(
          `${resourceName}-sa`,
          {
            metadata: {
              name: identity.serviceAccount,
              namespace: identity.namespace,
              labels: { [TEAM_LABEL]: team.name },
            },
            automountServiceAccountToken: false,
          },
          { ...child, dependsOn: inNamespace },
        );
        this.selectors.push(selector);
      } else {
        new k8s.core.v1.ServiceAccount(
          resourceName,
          {
            metadata: {
              name: identity.serviceAccount,
              namespace: identity.namespace,
              labels: { [TEAM_LABEL]: team.name },
              annotations: { [WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION]: identity.clientId },
            },
          },
          { ...child, dependsOn: inNamespace },
        );
      }
    }

    this.namespaces = [...team.namespaces];
    this.registerOutputs({ namespaces: this.namespaces, selectors: this.selectors });
  }
}
