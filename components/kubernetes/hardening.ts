// PLACEHOLDER: replaced by the Kubernetes layer's real implementation. Do not build on it.
import * as pulumi from "@pulumi/pulumi";
import type { KubernetesHardeningArgs } from "./hardening-args";

export class KubernetesHardening extends pulumi.ComponentResource {
  constructor(name: string, args: KubernetesHardeningArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aks-hardening:kubernetes:KubernetesHardening", name, {}, opts);
    void args;
    this.registerOutputs({});
  }
}
