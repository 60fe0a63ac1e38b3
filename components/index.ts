/**
 * The blueprint's component library, as a team's or a platform's Pulumi project imports it.
 * Each area has its own barrel; see README "team-components" for what application teams use.
 */
export * from "./azure";
export * from "./kubernetes/conventions";
export * from "./kubernetes/hardening";
export * from "./kubernetes/hardening-args";
export * from "./team";
