/**
 * Binding selectors and pod `aadpodidbinding` labels are owned by one namespace (S1): no single
 * resource can decide it, because a pod matches any AzureIdentityBinding whose selector equals its
 * label, in any namespace, so a label copied from another namespace would be that namespace's identity.
 */
import { POD_IDENTITY_LABEL } from "../../../conventions/kubernetes";
import { judged } from "../lib/judge";
import { PackStackPolicy } from "../lib/metadata";
import { AZURE_IDENTITY_BINDING_TYPE, metadataOf, workloadsOf } from "./support/stack-index";

export const podIdentitySelectorsNamespaced: PackStackPolicy = {
  name: "pod-identity-selectors-namespaced",
  description:
    "Every AzureIdentityBinding selector and every pod `aadpodidbinding` label starts with `<its namespace>.`, and no selector is used in two namespaces, so a pod can only ever match its own namespace's identities.",
  severity: "critical",
  remediationSteps:
    "Name selectors `<namespace>.<identity>` (the blueprint's convention) and label pods with the selector of an identity of their own namespace.",
  tags: [],
  validateStack: (args, report) =>
    judged(report, (j) => {
      const namespacesOfSelector = new Map<string, Set<string>>();
      const bindings = args.resources.filter((r) => r.type === AZURE_IDENTITY_BINDING_TYPE);
      for (const binding of bindings) {
        const namespace = metadataOf(j, binding, "namespace") ?? "default";
        const selector = j.read(() => binding.props.spec?.selector as string | undefined);
        if (typeof namespace !== "string" || typeof selector !== "string") continue;
        if (!selector.startsWith(`${namespace}.`)) {
          j.report(
            `AzureIdentityBinding ${binding.name}: selector ${JSON.stringify(selector)} does not start with "${namespace}.".`,
            binding.urn,
          );
        }
        namespacesOfSelector.set(selector, (namespacesOfSelector.get(selector) ?? new Set()).add(namespace));
      }
      for (const binding of bindings) {
        const selector = j.read(() => binding.props.spec?.selector as string | undefined);
        const namespaces = typeof selector === "string" ? namespacesOfSelector.get(selector) : undefined;
        if (namespaces && namespaces.size > 1) {
          j.report(
            `AzureIdentityBinding ${binding.name}: selector ${JSON.stringify(selector)} is used in namespaces ${[...namespaces].sort().join(", ")}.`,
            binding.urn,
          );
        }
      }
      for (const workload of workloadsOf(j, args.resources)) {
        const label = workload.labels.find(([key]) => key === POD_IDENTITY_LABEL);
        const namespace = workload.namespace ?? "default";
        if (!label || typeof namespace !== "string") continue;
        if (!label[1].startsWith(`${namespace}.`)) {
          j.report(
            `${workload.kind} ${workload.resource.name}: pod label ${POD_IDENTITY_LABEL}=${JSON.stringify(label[1])} does not start with "${namespace}.", so it could match another namespace's identity.`,
            workload.resource.urn,
          );
        }
      }
    }),
};
