/**
 * Federated identity credentials (`azure-native:managedidentity:FederatedIdentityCredential`): the
 * trust that lets one Kubernetes service account, and nothing else, act as a managed identity.
 */
import { PolicyConfigSchema, validateResourceOfType } from "@pulumi/policy";
import { FederatedIdentityCredential } from "@pulumi/azure-native/managedidentity/federatedIdentityCredential";
import { configWithDefaults } from "../lib/config";
import { judged } from "../lib/judge";
import { PackResourcePolicy } from "../lib/metadata";

/** `system:serviceaccount:<namespace>:<serviceaccount>` with DNS-1123 names. */
const SUBJECT =
  /^system:serviceaccount:([a-z0-9](?:[-a-z0-9]*[a-z0-9])?):([a-z0-9](?:[-a-z0-9.]*[a-z0-9])?)$/;

const federatedCredentialConfig: PolicyConfigSchema = {
  properties: {
    forbiddenNamespaces: {
      type: "array",
      items: { type: "string" },
      default: ["default", "kube-system", "kube-public", "kube-node-lease"],
      description: "Namespaces whose service accounts may never be trusted (shared or system namespaces).",
    },
    allowedAudiences: {
      type: "array",
      items: { type: "string" },
      minItems: 1,
      default: ["api://AzureADTokenExchange"],
      description: "Audiences a credential may accept.",
    },
  },
};

export const azureFederatedCredentialSubject: PackResourcePolicy = {
  name: "azure-federated-credential-subject",
  description:
    "A federated identity credential trusts exactly one service account (`system:serviceaccount:<ns>:<sa>`) outside shared namespaces, from an https issuer, for the Entra token-exchange audience.",
  severity: "critical",
  remediationSteps:
    'Set `subject: "system:serviceaccount:<team namespace>:<service account>"`, `issuer: <cluster>.oidcIssuerProfile.issuerURL` and `audiences: ["api://AzureADTokenExchange"]`.',
  tags: [],
  configSchema: federatedCredentialConfig,
  validateResource: validateResourceOfType(FederatedIdentityCredential, (credential, args, report) =>
    judged(report, (j) => {
      const config = configWithDefaults<{ forbiddenNamespaces: string[]; allowedAudiences: string[] }>(
        federatedCredentialConfig,
        args,
      );
      const subject = j.read(() => credential.subject);
      if (typeof subject === "string") {
        const match = SUBJECT.exec(subject);
        if (!match) {
          j.report(
            `subject ${JSON.stringify(subject)} is not "system:serviceaccount:<namespace>:<serviceaccount>" (one service account).`,
          );
        } else if (config.forbiddenNamespaces.includes(match[1])) {
          j.report(
            `subject ${JSON.stringify(subject)} trusts a service account of the shared namespace "${match[1]}".`,
          );
        }
      }
      j.check(
        () => !/^https:\/\/[^\s/]+/.test(credential.issuer),
        () => `issuer ${JSON.stringify(credential.issuer)} must be an https URL (the cluster's OIDC issuer).`,
      );
      const audiences = j.items(() => credential.audiences);
      j.check(
        () => credential.audiences === undefined || credential.audiences.length === 0,
        "audiences must be set.",
      );
      for (const audience of audiences) {
        if (!config.allowedAudiences.includes(audience)) {
          j.report(
            `audience ${JSON.stringify(audience)} is not one of ${config.allowedAudiences.join(", ")}.`,
          );
        }
      }
    }),
  ),
};
