/**
 * No stack declares AzureAssignedIdentity objects: MIC alone writes them, and NMI hands out a token
 * for any pod an AzureAssignedIdentity names, so a declared one is a forged assignment (S2).
 */
import { podIdentityType, validateTypeToken } from "../lib/kubernetes";
import { PackResourcePolicy } from "../lib/metadata";

export const podIdentityNoAssignedIdentityObjects: PackResourcePolicy = {
  name: "pod-identity-no-assigned-identity-objects",
  description:
    "No stack declares AzureAssignedIdentity objects: MIC alone writes them, and NMI hands out a token for any pod an AzureAssignedIdentity names.",
  severity: "critical",
  remediationSteps:
    "Remove the AzureAssignedIdentity; declare an AzureIdentity and AzureIdentityBinding in the team namespace instead.",
  tags: [],
  validateResource: validateTypeToken(podIdentityType("AzureAssignedIdentity"), (_props, args, report) =>
    report(`AzureAssignedIdentity ${args.name} is declared in the stack; only MIC may create these.`),
  ),
};
