/**
 * The blueprint's component library, as a team's or a platform's Pulumi project imports it.
 * Each area has its own barrel; see README "team-components" for what application teams use.
 */
export * from "./azure";
export * from "./kubernetes";
export * from "./team";
