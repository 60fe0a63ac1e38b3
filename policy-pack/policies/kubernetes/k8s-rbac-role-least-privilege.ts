/**
 * No Role or ClusterRole uses wildcards or the escalation verbs, whoever it is bound to: `*` also
 * grants every type added later (such as new identity CRDs), and bind, escalate and impersonate let
 * the holder give itself any other right.
 */
import { PolicyConfigSchema, validateResourceOfType } from "@pulumi/policy";
import { ClusterRole } from "@pulumi/kubernetes/rbac/v1/clusterRole";
import { Role } from "@pulumi/kubernetes/rbac/v1/role";
import { configWithDefaults } from "../lib/config";
import { judged, Props } from "../lib/judge";
import { PackResourcePolicy, cisTags } from "../lib/metadata";
import { ESCALATION_VERBS } from "./support/rbac";

const roleConfig: PolicyConfigSchema = {
  properties: {
    exemptRoles: {
      type: "array",
      items: { type: "string" },
      default: [],
      description:
        "Names of Roles/ClusterRoles allowed wildcards or escalation verbs (a reviewed platform role).",
    },
  },
};

export const k8sRbacRoleLeastPrivilege: PackResourcePolicy = {
  name: "k8s-rbac-role-least-privilege",
  description:
    "No Role or ClusterRole uses `*` in verbs, resources or apiGroups (it also grants every future type, such as new identity CRDs) or the escalation verbs bind, escalate and impersonate, whoever it is bound to.",
  severity: "high",
  remediationSteps:
    "List explicit apiGroups, resources and verbs; grant bind/escalate/impersonate to nobody but reviewed platform roles (listed in exemptRoles).",
  tags: cisTags(["4.1.3"]),
  configSchema: roleConfig,
  validateResource: [Role, ClusterRole].map((roleClass) =>
    validateResourceOfType(roleClass as typeof Role, (role, args, report) =>
      judged(report, (j) => {
        const { exemptRoles } = configWithDefaults<{ exemptRoles: string[] }>(roleConfig, args);
        const props = role as Props;
        const name = j.read(() => props.metadata?.name as string | undefined);
        if (typeof name === "string" && exemptRoles.includes(name)) return;
        for (const rule of j.items(() => props.rules as Props[] | undefined)) {
          for (const field of ["verbs", "resources", "apiGroups"]) {
            if (j.items(() => rule[field] as string[] | undefined).includes("*")) {
              j.report(`${args.name}: a rule has "*" in ${field}.`);
            }
          }
          const escalation = j
            .items(() => rule.verbs as string[] | undefined)
            .filter((v) => ESCALATION_VERBS.has(v));
          if (escalation.length > 0) j.report(`${args.name}: a rule grants ${escalation.join(", ")}.`);
        }
      }),
    ),
  ),
};
