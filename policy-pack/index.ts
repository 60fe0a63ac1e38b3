/**
 * The CrossGuard entry point, and the only file that calls `new PolicyPack` (which starts the gRPC
 * server the Pulumi CLI talks to; never import this file from tests, import `./policies` instead).
 */
import { PolicyPack } from "@pulumi/policy";
import { packEnforcementLevel, packName, policies } from "./policies";

new PolicyPack(packName, {
  displayName: "AKS hardening",
  description:
    "Refuses insecure AKS clusters, Azure role assignments and federated credentials, and Kubernetes objects that would let one team take another team's Azure identity (aad-pod-identity and Entra Workload Identity).",
  enforcementLevel: packEnforcementLevel,
  policies,
});
