/**
 * A Role or ClusterRole that would let its holder write identity objects, or reach into the
 * identity namespace (exec, secrets, workloads, tokens), is refused unless it is one of the
 * platform's own, even when this stack binds it to nobody: the role can be bound from outside the
 * stack (another stack, `kubectl`), and `k8s-rbac-identity-protection` only sees bindings declared
 * here.
 */
import { PolicyConfigSchema, validateResourceOfType } from "@pulumi/policy";
import { ClusterRole } from "@pulumi/kubernetes/rbac/v1/clusterRole";
import { Role } from "@pulumi/kubernetes/rbac/v1/role";
import { configWithDefaults } from "../lib/config";
import { judged, Props } from "../lib/judge";
import { identityNamespaceProperty } from "../lib/kubernetes";
import { PackResourcePolicy, cisTags } from "../lib/metadata";
import { dangerousGrants, rulesOf } from "./support/rbac";

const config: PolicyConfigSchema = {
  properties: {
    platformRoles: {
      type: "array",
      items: { type: "string" },
      default: ["aks-hardening-aad-pod-identity-mic", "aks-hardening-aad-pod-identity-nmi"],
      description:
        "Names of the platform's own Roles/ClusterRoles that may grant identity-object writes or identity-namespace access (MIC's and NMI's).",
    },
    identityNamespace: identityNamespaceProperty,
  },
};

export const k8sRbacIdentityRolesPlatformOnly: PackResourcePolicy = {
  name: "k8s-rbac-identity-roles-platform-only",
  description:
    "No Role or ClusterRole but the platform's own grants writes on aadpodidentity.k8s.io objects, and no Role in the identity namespace grants exec, secret reads, workload changes or tokens there, whether or not this stack binds it.",
  severity: "critical",
  remediationSteps:
    "Drop the identity-object write verbs (and any Role in the identity namespace); identity objects are written by the platform and MIC only. A reviewed platform role goes in platformRoles.",
  tags: cisTags(["4.1.3"]),
  configSchema: config,
  validateResource: [Role, ClusterRole].map((roleClass) =>
    validateResourceOfType(roleClass as typeof Role, (role, args, report) =>
      judged(report, (j) => {
        const settings = configWithDefaults<{ platformRoles: string[]; identityNamespace: string }>(
          config,
          args,
        );
        const props = role as Props;
        const name = j.read(() => props.metadata?.name as string | undefined);
        if (typeof name === "string" && settings.platformRoles.includes(name)) return;
        const namespace = j.read(() => props.metadata?.namespace as string | undefined);
        const isRole = args.type === "kubernetes:rbac.authorization.k8s.io/v1:Role";
        const inIdentityNamespace = isRole && namespace === settings.identityNamespace;
        // Wildcards alone are k8s-rbac-role-least-privilege's concern; here only what they reach.
        const grants = dangerousGrants(rulesOf(j, props), inIdentityNamespace).filter(
          (g) => !g.startsWith("wildcards"),
        );
        const relevant = grants.filter(
          (g) => g.startsWith("write on ") || g.endsWith("in the identity namespace"),
        );
        if (relevant.length > 0) {
          j.report(
            `${isRole ? "Role" : "ClusterRole"} ${JSON.stringify(name ?? args.name)} grants ${relevant.join("; ")}; only the platform's own roles (${settings.platformRoles.join(", ")}) may, bound or not.`,
          );
        }
      }),
    ),
  ),
};
