/**
 * An AzureIdentityBinding points at an AzureIdentity declared beside it, in the same namespace of the
 * same stack (S2): no single resource can decide it, and a binding to an identity that someone else
 * declared is how that identity is taken.
 */
import { judged } from "../lib/judge";
import { PackStackPolicy } from "../lib/metadata";
import { AZURE_IDENTITY_BINDING_TYPE, AZURE_IDENTITY_TYPE, metadataOf } from "./support/stack-index";

export const podIdentityBindingTargetInNamespace: PackStackPolicy = {
  name: "pod-identity-binding-target-in-namespace",
  description:
    "Every AzureIdentityBinding points at an AzureIdentity declared in the same namespace of the same stack: a binding to an identity that someone else declared is how S2 takes it.",
  severity: "critical",
  remediationSteps:
    "Declare the AzureIdentity and its AzureIdentityBinding together, in the team namespace that owns the managed identity.",
  tags: [],
  validateStack: (args, report) =>
    judged(report, (j) => {
      const identities = new Map<string, string[]>();
      for (const r of args.resources) {
        if (r.type !== AZURE_IDENTITY_TYPE) continue;
        const name = metadataOf(j, r, "name");
        const namespace = metadataOf(j, r, "namespace") ?? "default";
        if (typeof name === "string" && typeof namespace === "string") {
          identities.set(name, [...(identities.get(name) ?? []), namespace]);
        }
      }
      for (const binding of args.resources) {
        if (binding.type !== AZURE_IDENTITY_BINDING_TYPE) continue;
        const namespace = metadataOf(j, binding, "namespace") ?? "default";
        const target = j.read(() => binding.props.spec?.azureIdentity as string | undefined);
        if (typeof namespace !== "string" || target === undefined || typeof target !== "string") {
          if (target === undefined)
            j.report(`AzureIdentityBinding ${binding.name} names no spec.azureIdentity.`, binding.urn);
          continue;
        }
        const where = identities.get(target) ?? [];
        if (where.includes(namespace)) continue;
        j.report(
          where.length > 0
            ? `AzureIdentityBinding ${binding.name} in ${namespace} points at AzureIdentity ${target} of namespace(s) ${where.join(", ")}.`
            : `AzureIdentityBinding ${binding.name} in ${namespace} points at AzureIdentity ${target}, which this stack does not declare in ${namespace}.`,
          binding.urn,
        );
      }
    }),
};
