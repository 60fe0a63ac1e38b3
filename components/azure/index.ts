/** The Azure layer of the blueprint: cluster, team footprints, security monitoring. */
export * from "./audit-queries";
export * from "./cluster";
export * from "./monitoring";
export * from "./naming";
export * from "./role-grant";
export * from "./team-footprint";
