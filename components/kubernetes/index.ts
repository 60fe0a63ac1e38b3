/** The in-cluster layer: `KubernetesHardening` and the pieces it composes, for programs and tests. */
export * from "./hardening";
export * from "./hardening-args";
export * from "./validate-args";
export * from "../../conventions/kubernetes";
export * from "./crds";
export * from "./rbac-rules";
export * from "./network-policies";
export * from "./pod-identity-workloads";
export * from "./pod-identity";
export * from "./team-namespace";
export * from "./guardrails";
export * from "../../conventions/admission";
