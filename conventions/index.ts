/**
 * The conventions every layer shares (components, policy pack, platform program, CLI). Each fact is
 * defined once, here; the layers import it. No dependencies, not even Node built-ins.
 */
export * from "./formats";
export * from "./kubernetes";
export * from "./modes";
export * from "./pod-identity-release";
export * from "./pod-security";
export * from "./problems";
export * from "./roles";
export * from "./threats";
