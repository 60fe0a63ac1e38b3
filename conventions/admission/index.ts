/** The cluster guardrails: every admission policy the blueprint binds, built from one settings object. */
import { azureIdentityApprovedPairPolicy } from "./azure-identity-approved-pair";
import { azureIdentityScopePolicy } from "./azure-identity-scope";
import { bindingSelectorPolicy } from "./binding-selector";
import { clusterAdminBindingPolicy } from "./cluster-admin-binding";
import { identityNamespaceWorkloadsPolicy } from "./identity-namespace-workloads";
import { identityObjectsPlatformOnlyPolicy } from "./identity-objects-platform-only";
import { namespacePodSecurityPolicy } from "./namespace-pod-security";
import { namespaceTrustAnchorsPolicy } from "./namespace-trust-anchors";
import { podBindingPolicy } from "./pod-binding";
import { podIdentityLabelPolicy } from "./pod-identity-label";
import { podPlacementPolicy } from "./pod-placement";
import { serviceExternalIpsPolicy } from "./service-external-ips";
import { statusWritersPolicy } from "./status-writers";
import { teamNodePoolPolicy } from "./team-node-pool";
import { teamRoleBindingSubjectsPolicy } from "./team-rolebinding-subjects";
import type { AdmissionPolicyDefinition, GuardrailSettings } from "./types";

export * from "./types";
export * from "./settings";
export * from "./cel";
export * from "./azure-identity-scope";
export * from "./binding-selector";
export * from "./cluster-admin-binding";
export * from "./identity-namespace-workloads";
export * from "./identity-objects-platform-only";
export * from "./namespace-pod-security";
export * from "./namespace-trust-anchors";
export * from "./pod-identity-label";
export * from "./azure-identity-approved-pair";
export * from "./pod-binding";
export * from "./pod-placement";
export * from "./service-external-ips";
export * from "./status-writers";
export * from "./team-node-pool";
export * from "./team-rolebinding-subjects";

/** Every guardrail, in a stable order. */
export function guardrailPolicies(settings: GuardrailSettings): AdmissionPolicyDefinition[] {
  return [
    podIdentityLabelPolicy(),
    identityObjectsPlatformOnlyPolicy(settings),
    azureIdentityScopePolicy(),
    bindingSelectorPolicy(),
    namespacePodSecurityPolicy(settings),
    namespaceTrustAnchorsPolicy(settings),
    identityNamespaceWorkloadsPolicy(settings),
    clusterAdminBindingPolicy(settings),
    azureIdentityApprovedPairPolicy(),
    podPlacementPolicy(settings),
    podBindingPolicy(settings),
    statusWritersPolicy(settings),
    serviceExternalIpsPolicy(settings),
    teamRoleBindingSubjectsPolicy(settings),
    teamNodePoolPolicy(settings),
  ];
}

/** Settings with nothing in them: the policies' names do not depend on the settings. */
const NO_SETTINGS: GuardrailSettings = {
  identityNamespace: "",
  platformGroupIds: [],
  platformUsers: [],
  identityWriterServiceAccounts: [],
  identityServiceAccounts: [],
  pinnedImages: [],
  privilegedNamespaces: [],
};

/** The names of every guardrail the blueprint registers (and binds). */
export const GUARDRAIL_POLICY_NAMES: readonly string[] = guardrailPolicies(NO_SETTINGS).map((d) => d.name);
