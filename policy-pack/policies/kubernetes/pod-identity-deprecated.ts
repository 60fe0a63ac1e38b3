/**
 * aad-pod-identity and the AKS pod-identity add-on are deprecated and archived upstream: no more
 * fixes will come, so every AzureIdentity, MIC/NMI workload or enabled add-on is flagged (advisory)
 * as a reminder to move the team to Entra Workload Identity.
 */
import { validateResourceOfType } from "@pulumi/policy";
import { ManagedCluster } from "@pulumi/azure-native/containerservice/managedCluster";
import { judged, Props, UNKNOWN } from "../lib/judge";
import { podIdentityType, validateTypeToken } from "../lib/kubernetes";
import { PackResourcePolicy } from "../lib/metadata";
import { podIdentityComponentOf } from "./support/pod-identity";
import { podTemplateOf, validatePodTemplates } from "./support/workloads";

export const podIdentityDeprecated: PackResourcePolicy = {
  name: "pod-identity-deprecated",
  description:
    "aad-pod-identity (and the AKS pod-identity add-on) is deprecated and archived upstream: every AzureIdentity, MIC/NMI workload or enabled add-on is a reminder to migrate the team to Entra Workload Identity.",
  severity: "low",
  enforcementLevel: "advisory",
  remediationSteps:
    'Move the team to workload identity: a FederatedIdentityCredential with subject system:serviceaccount:<ns>:<sa>, the ServiceAccount annotated azure.workload.identity/client-id, pods labelled azure.workload.identity/use: "true".',
  tags: [],
  validateResource: [
    validateTypeToken(podIdentityType("AzureIdentity"), (_props, args, report) =>
      report(
        `AzureIdentity ${args.name} uses deprecated aad-pod-identity; migrate this identity to workload identity.`,
      ),
    ),
    ...validatePodTemplates((kind, props, args, report) =>
      judged(report, (j) => {
        const template = j.read(() => podTemplateOf(kind, props));
        if (template === UNKNOWN || !template.spec) return;
        const spec = template.spec;
        const images = j
          .items(() => spec.containers as Props[] | undefined)
          .map((c) => j.read(() => c.image as string));
        if (images.some((image) => typeof image === "string" && podIdentityComponentOf(image))) {
          report(
            `${kind} ${args.name} runs deprecated aad-pod-identity; plan the move to workload identity.`,
          );
        }
      }),
    ),
    validateResourceOfType(ManagedCluster, (cluster, _args, report) =>
      judged(report, (j) =>
        j.check(
          () => cluster.podIdentityProfile?.enabled === true,
          "The AKS pod-identity add-on is deprecated; use workload identity.",
        ),
      ),
    ),
  ],
};
