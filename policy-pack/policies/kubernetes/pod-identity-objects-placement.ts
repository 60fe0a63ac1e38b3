/**
 * aad-pod-identity objects name an explicit namespace that is not `default` or a system namespace:
 * the CRDs decide who gets which Azure identity, and an identity in `default` is usable by bindings
 * in any namespace (S1, S2, S6).
 */
import type { PolicyConfigSchema } from "@pulumi/policy";
import { configWithDefaults } from "../lib/config";
import { judged, UNKNOWN } from "../lib/judge";
import { namespaceOf, podIdentityType, validateTypeToken } from "../lib/kubernetes";
import { PackResourcePolicy, cisTags } from "../lib/metadata";

const IDENTITY_KINDS = [
  "AzureIdentity",
  "AzureIdentityBinding",
  "AzurePodIdentityException",
  "AzureAssignedIdentity",
];

const placementConfig: PolicyConfigSchema = {
  properties: {
    forbiddenNamespaces: {
      type: "array",
      items: { type: "string" },
      default: ["default", "kube-system", "kube-public", "kube-node-lease"],
      description: "Namespaces where no aad-pod-identity object may live.",
    },
  },
};

export const podIdentityObjectsPlacement: PackResourcePolicy = {
  name: "pod-identity-objects-placement",
  description:
    "AzureIdentity, AzureIdentityBinding, AzurePodIdentityException and AzureAssignedIdentity objects name an explicit namespace that is not `default` or a system namespace (identities in `default` are usable by bindings in any namespace).",
  severity: "critical",
  remediationSteps:
    "Set `metadata.namespace` to the owning team's namespace (exceptions: the identity namespace).",
  tags: cisTags(["4.6.3"]),
  configSchema: placementConfig,
  validateResource: IDENTITY_KINDS.map((kind) =>
    validateTypeToken(podIdentityType(kind), (props, args, report) =>
      judged(report, (j) => {
        const { forbiddenNamespaces } = configWithDefaults<{ forbiddenNamespaces: string[] }>(
          placementConfig,
          args,
        );
        const namespace = namespaceOf(j, props);
        if (namespace === undefined)
          j.report(`${kind} ${args.name} has no metadata.namespace (it would land in "default").`);
        else if (namespace !== UNKNOWN && forbiddenNamespaces.includes(namespace)) {
          j.report(`${kind} ${args.name} is in the shared namespace ${JSON.stringify(namespace)}.`);
        }
      }),
    ),
  ),
};
