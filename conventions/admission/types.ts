/**
 * Plain-data shapes of a ValidatingAdmissionPolicy (`admissionregistration.k8s.io/v1`), the subset
 * the blueprint uses. Plain strings, no Pulumi inputs: the same objects are registered as
 * resources and evaluated by the CEL decision-table tests, so what is tested is what is applied.
 */

export interface ResourceRule {
  apiGroups: string[];
  apiVersions: string[];
  operations: ("CREATE" | "UPDATE" | "DELETE" | "CONNECT")[];
  resources: string[];
  scope?: "Cluster" | "Namespaced" | "*";
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: {
    key: string;
    operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
    values?: string[];
  }[];
}

export interface PolicyVariable {
  name: string;
  expression: string;
}

export interface PolicyValidation {
  expression: string;
  /** Static fallback, shown when `messageExpression` cannot be evaluated. */
  message: string;
  messageExpression: string;
  reason: "Forbidden" | "Invalid";
}

export interface ValidatingAdmissionPolicySpec {
  failurePolicy: "Fail" | "Ignore";
  matchConstraints: { resourceRules: ResourceRule[]; namespaceSelector?: LabelSelector };
  variables: PolicyVariable[];
  validations: PolicyValidation[];
}

/** One guardrail: the policy, what it answers, and its binding's actions. */
export interface AdmissionPolicyDefinition {
  /** `aks-hardening-...`; the policy and its binding share it. */
  name: string;
  /** One sentence for the README and the policy's annotation. */
  description: string;
  spec: ValidatingAdmissionPolicySpec;
  validationActions: ("Deny" | "Warn" | "Audit")[];
}

/** Inputs of every guardrail: who is platform, what the identity namespace may run. */
export interface GuardrailSettings {
  /** The aad-pod-identity namespace (NMI's `--MICNamespace`). Required. */
  identityNamespace: string;
  /** Entra group object IDs of the platform team (as they appear in `request.userInfo.groups`). */
  platformGroupIds: string[];
  /** Extra user names treated as platform principals (e.g. the deployment principal). */
  platformUsers: string[];
  /** Service accounts of the identity namespace that write identity objects (MIC in standard mode). */
  identityWriterServiceAccounts: string[];
  /** Service accounts pods in the identity namespace may run as (`mic`, `nmi`). */
  identityServiceAccounts: string[];
  /** The only images allowed in the identity namespace (the pinned MIC and NMI). */
  pinnedImages: string[];
  /** Namespaces that may be PSA `privileged` or unlabelled. */
  privilegedNamespaces: string[];
  /** Each team's developer groups and namespaces (the only subjects its RoleBindings may name). Default: none. */
  teams?: {
    name: string;
    groupIds: string[];
    namespaces: string[];
    /** The team has a dedicated node pool its pods must select (issue 15). Default false. */
    dedicatedPool?: boolean;
  }[];
}
