/**
 * Every AzureIdentity is a user-assigned managed identity: the other types are service principals
 * whose secret or certificate sits in a Kubernetes Secret that NMI reads, a credential anyone who
 * reads that Secret can use from anywhere.
 */
import { judged } from "../lib/judge";
import { podIdentityType, validateTypeToken } from "../lib/kubernetes";
import { PackResourcePolicy } from "../lib/metadata";

export const podIdentityAzureIdentityType: PackResourcePolicy = {
  name: "pod-identity-azure-identity-type",
  description:
    "Every AzureIdentity is a user-assigned managed identity (`type: 0`): types 1 and 2 are service principals whose secret or certificate sits in a Kubernetes Secret that NMI reads.",
  severity: "high",
  remediationSteps:
    "Use `spec.type: 0` with `resourceID` and `clientID` of a user-assigned managed identity; remove `clientPassword`.",
  tags: [],
  validateResource: validateTypeToken(podIdentityType("AzureIdentity"), (props, _args, report) =>
    judged(report, (j) => {
      j.check(
        () => props.spec?.type !== undefined && props.spec.type !== 0 && props.spec.type !== "0",
        () =>
          `spec.type is ${JSON.stringify(props.spec?.type)}; only 0 (user-assigned managed identity) is allowed.`,
      );
      j.check(
        () => props.spec?.clientPassword !== undefined,
        "spec.clientPassword references a service-principal secret.",
      );
    }),
  ),
};
