/**
 * `ClusterGuardrails`: the admission policies and their bindings, as typed Pulumi resources.
 *
 * The policy specs come from `conventions/admission/` as plain data; this component only registers
 * them, so the CEL the decision-table tests evaluate is byte for byte the CEL the API server
 * receives. Each policy also records the settings it was built from, so the pack can rebuild it
 * and refuse any policy that differs.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { GUARDRAIL_SETTINGS_ANNOTATION, THREATS_ANNOTATION } from "../../conventions/kubernetes";
import { scenariosOfAdmissionPolicy } from "../../conventions/threats";
import {
  guardrailPolicies,
  recordGuardrailSettings,
  type GuardrailSettings,
} from "../../conventions/admission";

export interface ClusterGuardrailsArgs {
  /** Explicit provider of the target cluster. Required. */
  provider: k8s.Provider;
  /** Who is platform and what the identity namespace may run. Required. */
  settings: GuardrailSettings;
}

export class ClusterGuardrails extends pulumi.ComponentResource {
  /** Names of the policies (and of their bindings). */
  readonly policyNames: string[];

  constructor(name: string, args: ClusterGuardrailsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aks-hardening:kubernetes:ClusterGuardrails", name, {}, opts);
    const child = { parent: this, provider: args.provider };
    const definitions = guardrailPolicies(args.settings);
    const recordedSettings = recordGuardrailSettings(args.settings);
    for (const def of definitions) {
      const metadata = {
        name: def.name,
        annotations: {
          [THREATS_ANNOTATION]: scenariosOfAdmissionPolicy(def.name).join(","),
          "aks-hardening.io/description": def.description,
        },
      };
      const policyMetadata = {
        ...metadata,
        annotations: { ...metadata.annotations, [GUARDRAIL_SETTINGS_ANNOTATION]: recordedSettings },
      };
      const policy = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(
        `${name}-${def.name}`,
        { metadata: policyMetadata, spec: def.spec },
        child,
      );
      new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(
        `${name}-${def.name}`,
        { metadata, spec: { policyName: def.name, validationActions: def.validationActions } },
        { ...child, dependsOn: [policy] },
      );
    }
    this.policyNames = definitions.map((d) => d.name);
    this.registerOutputs({ policyNames: this.policyNames });
  }
}
