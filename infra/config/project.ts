/** The Pulumi project name (`Pulumi.yaml` `name`); project config keys are `aks-hardening:<key>`. */
export const PROJECT = "aks-hardening";
