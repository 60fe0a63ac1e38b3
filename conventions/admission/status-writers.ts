/**
 * Status is written by the cluster, not by teams: `pods/status` carries the pod IP NMI uses to
 * tell callers apart (a pod that reports a victim pod's IP breaks the victim's token requests) and
 * can change labels unseen; `services/status` carries the load-balancer IP (a forged one captures
 * traffic, CVE-2020-8554). Team roles never grant status; a `*` namespace role does. So only
 * platform principals and the control plane write these subresources: `system:` users (kubelets
 * `system:node:*`, kube-scheduler, the controller manager, the cloud provider) and kube-system
 * service accounts; never a service account of another namespace.
 */
import { denyPolicy, platformPrincipalExpression } from "./cel";
import type { AdmissionPolicyDefinition, GuardrailSettings } from "./types";

export const STATUS_WRITERS_POLICY = "aks-hardening-status-writers";

/** The subresources this policy reserves, `<resource>/status`. */
export const PROTECTED_STATUS_SUBRESOURCES: readonly string[] = ["pods/status", "services/status"];

/** A control-plane identity: a `system:` user that is not a service account outside kube-system. */
export const CONTROL_PLANE_USER_EXPRESSION =
  "request.userInfo.username.startsWith('system:')" +
  " && (!request.userInfo.username.startsWith('system:serviceaccount:')" +
  " || request.userInfo.username.startsWith('system:serviceaccount:kube-system:'))";

export function statusWritersPolicy(settings: GuardrailSettings): AdmissionPolicyDefinition {
  return denyPolicy({
    name: STATUS_WRITERS_POLICY,
    description:
      "Only platform principals and the control plane (system: users, kube-system service accounts) write pods/status and services/status.",
    resourceRules: [
      {
        apiGroups: [""],
        apiVersions: ["v1"],
        operations: ["UPDATE"],
        resources: [...PROTECTED_STATUS_SUBRESOURCES],
      },
    ],
    variables: { isPlatform: platformPrincipalExpression(settings) },
    validations: [
      {
        expression: `variables.isPlatform || (${CONTROL_PLANE_USER_EXPRESSION})`,
        message: "only platform principals and the control plane may write status",
        messageExpression:
          "request.userInfo.username + ' may not write ' + request.resource.resource + '/' + request.subResource + ' of ' + request.namespace + '/' + request.name + ' (platform principals and the control plane only)'",
      },
    ],
  });
}
