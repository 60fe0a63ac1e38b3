/**
 * Every policy of the pack, as an array that starts nothing: `index.ts` serves it as the
 * `aks-hardening` pack, `evaluate.ts` runs it in-process, and another organisation can compose its
 * own pack from it (`new PolicyPack("ours", { policies: [...policies, ...mine] })`).
 */
import type { EnforcementLevel } from "@pulumi/policy";
import { scenariosOfPackPolicy } from "../../conventions/threats";
import { clusterPolicies } from "./azure/cluster";
import { aksAuditLogs } from "./azure/diagnostics";
import { azureFederatedCredentialSubject } from "./azure/federated-credentials";
import { aksNoNodePublicIp, aksSystemPoolReserved } from "./azure/node-pools";
import { roleAssignmentPolicies } from "./azure/role-assignments";
import { k8sAdmissionPoliciesPresent } from "./kubernetes/admission";
import { k8sNoDefaultNamespace } from "./kubernetes/default-namespace";
import { k8sRbacIdentityRolesPlatformOnly } from "./kubernetes/identity-roles";
import { k8sNamespacePodSecurity } from "./kubernetes/namespaces";
import { placementPolicies } from "./kubernetes/placement";
import { k8sContentVisibleAtPreview } from "./kubernetes/packaged-content";
import { podIdentityPolicies } from "./kubernetes/pod-identity";
import {
  k8sRbacIdentityProtection,
  k8sRbacPrivilegedBindings,
  k8sRbacRoleLeastPrivilege,
} from "./kubernetes/rbac";
import { k8sRbacTeamSubjects } from "./kubernetes/team-bindings";
import { teamPoolPolicies } from "./kubernetes/team-pools";
import { judgingObjects } from "./lib/by-object";
import type { PackPolicy } from "./lib/metadata";
import {
  podIdentityBindingTargetInNamespace,
  podIdentityResourceInTeamGroup,
  podIdentitySelectorsNamespaced,
} from "./stack/identity-isolation";
import { podIdentityClientIdPairs } from "./stack/identity-pairs";
import { identityClientIdConsistency } from "./stack/identity-consistency";
import { teamNamespaceDefaultDeny } from "./stack/network";
import { teamNamespaceSystemPriorityQuota } from "./stack/system-priority-quota";
import { k8sWorkloadPodSecurity } from "./stack/pod-security";

export type { PackPolicy, PackResourcePolicy, PackStackPolicy } from "./lib/metadata";

/** The pack's name as the Pulumi CLI shows it. */
export const packName = "aks-hardening";

/** Level of every policy that does not set its own: violations block `preview` and `up`. */
export const packEnforcementLevel: EnforcementLevel = "mandatory";

/** The policies as written, each judging the resource types it names. */
const typed: PackPolicy[] = [
  ...clusterPolicies,
  aksNoNodePublicIp,
  aksSystemPoolReserved,
  aksAuditLogs,
  ...roleAssignmentPolicies,
  azureFederatedCredentialSubject,
  k8sNamespacePodSecurity,
  k8sWorkloadPodSecurity,
  k8sNoDefaultNamespace,
  ...podIdentityPolicies,
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
  ...placementPolicies,
  podIdentityClientIdPairs,
  identityClientIdConsistency,
  ...teamPoolPolicies,
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
