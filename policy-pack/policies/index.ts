/**
 * Every policy of the pack, as an array that starts nothing: `index.ts` serves it as the
 * `aks-hardening` pack, `evaluate.ts` runs it in-process, and another organisation can compose its
 * own pack from it (`new PolicyPack("ours", { policies: [...policies, ...mine] })`).
 */
import type { EnforcementLevel } from "@pulumi/policy";
import { scenariosOfPackPolicy } from "../../conventions/threats";
import { aksApiServerAccess } from "./azure/aks-api-server-access";
import { aksAuditLogs } from "./azure/aks-audit-logs";
import { aksAutoUpgrade } from "./azure/aks-auto-upgrade";
import { aksAzureCniNetworkPolicy } from "./azure/aks-azure-cni-network-policy";
import { aksAzurePolicyAddon } from "./azure/aks-azure-policy-addon";
import { aksDefender } from "./azure/aks-defender";
import { aksEntraAzureRbac } from "./azure/aks-entra-azure-rbac";
import { aksKubernetesRbac } from "./azure/aks-kubernetes-rbac";
import { aksLocalAccountsDisabled } from "./azure/aks-local-accounts-disabled";
import { aksManagedIdentity } from "./azure/aks-managed-identity";
import { aksNoNodePublicIp } from "./azure/aks-no-node-public-ip";
import { aksPodIdentityAddonDisabled } from "./azure/aks-pod-identity-addon-disabled";
import { aksSystemPoolReserved } from "./azure/aks-system-pool-reserved";
import { aksWorkloadIdentity } from "./azure/aks-workload-identity";
import { azureFederatedCredentialSubject } from "./azure/azure-federated-credential-subject";
import { azureManagedIdentityOperatorScope } from "./azure/azure-managed-identity-operator-scope";
import { azureRoleAssignmentPrivilegedRoles } from "./azure/azure-role-assignment-privileged-roles";
import { azureRoleAssignmentScope } from "./azure/azure-role-assignment-scope";
import { aksPodIdentityTeamPools } from "./kubernetes/aks-pod-identity-team-pools";
import { aksTeamNodePool } from "./kubernetes/aks-team-node-pool";
import { k8sAdmissionPoliciesPresent } from "./kubernetes/k8s-admission-policies-present";
import { k8sContentVisibleAtPreview } from "./kubernetes/k8s-content-visible-at-preview";
import { k8sNamespacePodSecurity } from "./kubernetes/k8s-namespace-pod-security";
import { k8sNoDefaultNamespace } from "./kubernetes/k8s-no-default-namespace";
import { k8sRbacIdentityProtection } from "./kubernetes/k8s-rbac-identity-protection";
import { k8sRbacIdentityRolesPlatformOnly } from "./kubernetes/k8s-rbac-identity-roles-platform-only";
import { k8sRbacPrivilegedBindings } from "./kubernetes/k8s-rbac-privileged-bindings";
import { k8sRbacRoleLeastPrivilege } from "./kubernetes/k8s-rbac-role-least-privilege";
import { k8sRbacTeamSubjects } from "./kubernetes/k8s-rbac-team-subjects";
import { k8sServiceNoExternalIps } from "./kubernetes/k8s-service-no-external-ips";
import { k8sTeamNodePool } from "./kubernetes/k8s-team-node-pool";
import { k8sWorkloadPlacement } from "./kubernetes/k8s-workload-placement";
import { podIdentityAzureIdentityType } from "./kubernetes/pod-identity-azure-identity-type";
import { podIdentityComponentsHardened } from "./kubernetes/pod-identity-components-hardened";
import { podIdentityComponentsPriority } from "./kubernetes/pod-identity-components-priority";
import { podIdentityDeprecated } from "./kubernetes/pod-identity-deprecated";
import { podIdentityExceptionPlatformOnly } from "./kubernetes/pod-identity-exception-platform-only";
import { podIdentityNoAssignedIdentityObjects } from "./kubernetes/pod-identity-no-assigned-identity-objects";
import { podIdentityObjectsPlacement } from "./kubernetes/pod-identity-objects-placement";
import { judgingObjects } from "./lib/by-object";
import type { PackPolicy } from "./lib/metadata";
import { identityClientIdConsistency } from "./stack/identity-client-id-consistency";
import { k8sWorkloadPodSecurity } from "./stack/k8s-workload-pod-security";
import { podIdentityBindingTargetInNamespace } from "./stack/pod-identity-binding-target-in-namespace";
import { podIdentityClientIdPairs } from "./stack/pod-identity-client-id-pairs";
import { podIdentityResourceInTeamGroup } from "./stack/pod-identity-resource-in-team-group";
import { podIdentitySelectorsNamespaced } from "./stack/pod-identity-selectors-namespaced";
import { teamNamespaceDefaultDeny } from "./stack/team-namespace-default-deny";
import { teamNamespaceSystemPriorityQuota } from "./stack/team-namespace-system-priority-quota";

export type { PackPolicy, PackResourcePolicy, PackStackPolicy } from "./lib/metadata";

/** The pack's name as the Pulumi CLI shows it. */
export const packName = "aks-hardening";

/** Level of every policy that does not set its own: violations block `preview` and `up`. */
export const packEnforcementLevel: EnforcementLevel = "mandatory";

/** The policies as written, each judging the resource types it names. */
const typed: PackPolicy[] = [
  aksManagedIdentity,
  aksLocalAccountsDisabled,
  aksEntraAzureRbac,
  aksKubernetesRbac,
  aksAzureCniNetworkPolicy,
  aksApiServerAccess,
  aksWorkloadIdentity,
  aksPodIdentityAddonDisabled,
  aksAutoUpgrade,
  aksDefender,
  aksAzurePolicyAddon,
  aksNoNodePublicIp,
  aksSystemPoolReserved,
  aksAuditLogs,
  azureRoleAssignmentPrivilegedRoles,
  azureRoleAssignmentScope,
  azureManagedIdentityOperatorScope,
  azureFederatedCredentialSubject,
  k8sNamespacePodSecurity,
  k8sWorkloadPodSecurity,
  k8sNoDefaultNamespace,
  podIdentityObjectsPlacement,
  podIdentityAzureIdentityType,
  podIdentityExceptionPlatformOnly,
  podIdentityNoAssignedIdentityObjects,
  podIdentityComponentsHardened,
  podIdentityDeprecated,
  k8sRbacRoleLeastPrivilege,
  k8sRbacPrivilegedBindings,
  k8sRbacIdentityProtection,
  k8sRbacTeamSubjects,
  k8sRbacIdentityRolesPlatformOnly,
  k8sAdmissionPoliciesPresent,
  podIdentitySelectorsNamespaced,
  podIdentityBindingTargetInNamespace,
  podIdentityResourceInTeamGroup,
  teamNamespaceDefaultDeny,
  teamNamespaceSystemPriorityQuota,
  k8sWorkloadPlacement,
  k8sServiceNoExternalIps,
  podIdentityComponentsPriority,
  podIdentityClientIdPairs,
  identityClientIdConsistency,
  k8sTeamNodePool,
  aksTeamNodePool,
  aksPodIdentityTeamPools,
];

/** The policy tagged with the threat scenarios the registry says it guards, then its CIS items. */
const withThreatTags = (policy: PackPolicy): PackPolicy => ({
  ...policy,
  tags: [...scenariosOfPackPolicy(policy.name), ...policy.tags],
});

/**
 * Every policy judges Kubernetes objects by what they are, whichever resource type of the Kubernetes
 * provider delivers them (`lib/by-object.ts`); content no policy can read is refused by its own policy.
 */
export const policies: PackPolicy[] = [...typed.map(judgingObjects), k8sContentVisibleAtPreview].map(
  withThreatTags,
);
