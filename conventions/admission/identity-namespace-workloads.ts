/**
 * S5, S6: the identity namespace runs MIC and NMI and nothing else.
 *
 * NMI hands raw node tokens to pods of a `mic-*` ReplicaSet in its `--MICNamespace`, and the
 * namespace is PSA `privileged` (NMI needs the host network). So a pod there must run as one of
 * the namespace's own service accounts with one of the pinned images, and workload objects there
 * are written only by platform principals and the built-in controllers that materialise them
 * (Deployment -> ReplicaSet -> Pod, DaemonSet -> Pod). RBAC gives teams nothing in the namespace.
 */
import { NAMESPACE_NAME_LABEL } from "../kubernetes";
import {
  celString,
  celStringList,
  denyPolicy,
  onWrite,
  platformPrincipalExpression,
  serviceAccountUser,
} from "./cel";
import type { AdmissionPolicyDefinition, GuardrailSettings } from "./types";

export const IDENTITY_NAMESPACE_WORKLOADS_POLICY = "aks-hardening-identity-namespace-workloads";

/**
 * The kube-controller-manager identities that create and update pods and ReplicaSets on behalf of
 * platform-written workloads (per-controller service accounts, or the shared user when the
 * controller manager does not use service-account credentials).
 */
export const WORKLOAD_CONTROLLER_USERS: readonly string[] = [
  "system:kube-controller-manager",
  ...[
    "replicaset-controller",
    "deployment-controller",
    "daemon-set-controller",
    "statefulset-controller",
    "job-controller",
    "cronjob-controller",
    "generic-garbage-collector",
  ].map((sa) => serviceAccountUser("kube-system", sa)),
];

/** The pod template of any workload kind (pods are their own template). */
export const POD_SPEC_EXPRESSION =
  "request.resource.resource == 'pods' ? object.spec" +
  " : (request.resource.resource == 'cronjobs' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec)";

/** Every workload kind whose pod template `POD_SPEC_EXPRESSION` reads (pods are matched apart). */
export const WORKLOAD_TEMPLATE_RULES = [
  onWrite("apps", "v1", ["deployments", "daemonsets", "replicasets", "statefulsets"]),
  onWrite("batch", "v1", ["jobs", "cronjobs"]),
];

/** Containers, init containers and ephemeral containers together. */
export const ALL_CONTAINERS_EXPRESSION =
  "variables.podSpec.containers" +
  " + (has(variables.podSpec.initContainers) ? variables.podSpec.initContainers : [])" +
  " + (has(variables.podSpec.ephemeralContainers) ? variables.podSpec.ephemeralContainers : [])";

export const SERVICE_ACCOUNT_EXPRESSION =
  "has(variables.podSpec.serviceAccountName) ? variables.podSpec.serviceAccountName : 'default'";

export function identityNamespaceWorkloadsPolicy(settings: GuardrailSettings): AdmissionPolicyDefinition {
  const ns = settings.identityNamespace;
  const images = celStringList(settings.pinnedImages);
  return denyPolicy({
    name: IDENTITY_NAMESPACE_WORKLOADS_POLICY,
    description: `Workloads in ${ns} run only as its own service accounts with the pinned images, written by platform principals and workload controllers.`,
    namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: ns } },
    resourceRules: [onWrite("", "v1", ["pods", "pods/ephemeralcontainers"]), ...WORKLOAD_TEMPLATE_RULES],
    variables: {
      isPlatform: platformPrincipalExpression(settings),
      isController: `request.userInfo.username in ${celStringList(WORKLOAD_CONTROLLER_USERS)}`,
      podSpec: POD_SPEC_EXPRESSION,
      containers: ALL_CONTAINERS_EXPRESSION,
      serviceAccount: SERVICE_ACCOUNT_EXPRESSION,
      unpinnedImages: `variables.containers.map(c, c.image).filter(i, !(i in ${images}))`,
    },
    validations: [
      {
        expression: "variables.isPlatform || variables.isController",
        message: `only platform principals may create workloads in ${ns}`,
        messageExpression: `request.userInfo.username + ' may not ' + request.operation + ' ' + request.resource.resource + ${celString(` in ${ns} (platform principals only)`)}`,
      },
      {
        expression: `variables.serviceAccount in ${celStringList(settings.identityServiceAccounts)}`,
        message: `pods in ${ns} must run as one of its own service accounts`,
        messageExpression: `'service account ' + variables.serviceAccount + ${celString(
          ` is not allowed in ${ns} (allowed: ${settings.identityServiceAccounts.join(", ")})`,
        )}`,
      },
      {
        expression: "size(variables.unpinnedImages) == 0",
        message: `containers in ${ns} must use the pinned aad-pod-identity images`,
        messageExpression: `${celString(`images not pinned for ${ns}: `)} + variables.unpinnedImages.join(', ')`,
      },
    ],
  });
}
