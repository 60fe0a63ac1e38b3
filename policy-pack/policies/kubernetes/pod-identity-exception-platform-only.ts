/**
 * AzurePodIdentityException objects live only in the platform's identity namespace: a pod matching
 * one gets raw node tokens from NMI without any validation, so an exception a team could write is a
 * way to every identity on its node (S6).
 */
import type { PolicyConfigSchema } from "@pulumi/policy";
import { configWithDefaults } from "../lib/config";
import { judged } from "../lib/judge";
import { identityNamespaceProperty, podIdentityType, validateTypeToken } from "../lib/kubernetes";
import { PackResourcePolicy } from "../lib/metadata";

const identityNamespaceConfig: PolicyConfigSchema = {
  properties: { identityNamespace: identityNamespaceProperty },
};

export const podIdentityExceptionPlatformOnly: PackResourcePolicy = {
  name: "pod-identity-exception-platform-only",
  description:
    "AzurePodIdentityException objects (pods matching them get raw node tokens from NMI without any validation) exist only in the platform's identity namespace, where no team can create pods.",
  severity: "critical",
  remediationSteps:
    "Delete the exception; if the platform truly needs one, create it in the identity namespace, whose RBAC and admission policies admit platform principals only.",
  tags: [],
  configSchema: identityNamespaceConfig,
  validateResource: validateTypeToken(podIdentityType("AzurePodIdentityException"), (props, args, report) =>
    judged(report, (j) => {
      const { identityNamespace } = configWithDefaults<{ identityNamespace: string }>(
        identityNamespaceConfig,
        args,
      );
      j.check(
        () => props.metadata?.namespace !== identityNamespace,
        () =>
          `AzurePodIdentityException ${args.name} is in ${JSON.stringify(props.metadata?.namespace ?? "default")}; only ${JSON.stringify(identityNamespace)} (platform-controlled) may hold exceptions.`,
      );
    }),
  ),
};
