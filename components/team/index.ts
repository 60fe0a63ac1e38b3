/** What application teams consume: the platform contract, its reader, and the restricted workload. */
export * from "./contract";
export * from "./errors";
export * from "./images";
export * from "./pod-security";
export * from "./stack-reference";
export * from "./workload";
export * from "./workload-args";
