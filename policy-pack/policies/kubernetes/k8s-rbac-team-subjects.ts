/**
 * Grants inside a team's namespaces stay inside the team: a RoleBinding in a namespace the config
 * assigns to a team names only that team's groups, service accounts of its own namespaces and
 * platform subjects. In a Workload Identity namespace, `edit` for another team's group (or a Role
 * that creates pods or mints tokens) hands that team this team's Azure identity. The cluster twin is
 * the admission policy `aks-hardening-team-rolebinding-subjects`; the namespace is the effective one
 * (explicit, else the provider's), so a provider's default namespace cannot hide a binding.
 */
import { PolicyConfigSchema, validateResourceOfType } from "@pulumi/policy";
import { RoleBinding } from "@pulumi/kubernetes/rbac/v1/roleBinding";
import { configWithDefaults } from "../lib/config";
import { judged, Props, UNKNOWN } from "../lib/judge";
import { namespaceOf } from "../lib/kubernetes";
import { PackResourcePolicy } from "../lib/metadata";
import { isPlatformSubject, PlatformSubjects, platformSubjectsProperties, Subject } from "./support/rbac";

interface Team {
  groups: string[];
  namespaces: string[];
}

const teamBindingConfig: PolicyConfigSchema = {
  properties: {
    ...platformSubjectsProperties,
    teams: {
      type: "object",
      additionalProperties: {
        type: "object",
        properties: {
          groups: { type: "array", items: { type: "string" } },
          namespaces: { type: "array", items: { type: "string" } },
        },
        required: ["groups", "namespaces"],
        additionalProperties: false,
      },
      default: {},
      description:
        "Team name -> its developer group object IDs and its namespaces (as the platform stack's `teams` config); RoleBindings in those namespaces may name only that team and the platform.",
    },
  },
};

/** Whether `subject` belongs to `team` (its groups, or a service account of one of its namespaces). */
export function isTeamSubject(subject: Subject, team: Team, bindingNamespace: string): boolean {
  const saUser = /^system:serviceaccount:([^:]+):[^:]+$/.exec(subject.name);
  const saGroup = /^system:serviceaccounts:([^:]+)$/.exec(subject.name);
  switch (subject.kind) {
    case "Group":
      return team.groups.includes(subject.name) || (saGroup !== null && team.namespaces.includes(saGroup[1]));
    case "ServiceAccount":
      return team.namespaces.includes(subject.namespace || bindingNamespace);
    case "User":
      return saUser !== null && team.namespaces.includes(saUser[1]);
    default:
      return false;
  }
}

export const k8sRbacTeamSubjects: PackResourcePolicy = {
  name: "k8s-rbac-team-subjects",
  description:
    "A RoleBinding in a team's namespace names only that team's groups, service accounts of the team's own namespaces and platform subjects, never another team or an individual user.",
  severity: "critical",
  remediationSteps:
    "Bind roles in a team namespace only to that team's developer groups or its own service accounts; to share something with another team, expose it (a Service, a queue), never a RoleBinding that lets them run pods or mint tokens as this team.",
  tags: [],
  configSchema: teamBindingConfig,
  validateResource: validateResourceOfType(RoleBinding, (binding, args, report) =>
    judged(report, (j) => {
      const config = configWithDefaults<PlatformSubjects & { teams: Record<string, Team> }>(
        teamBindingConfig,
        args,
      );
      const props = binding as Props;
      const namespace = namespaceOf(j, props) ?? "default";
      if (typeof namespace !== "string") return;
      const owner = Object.entries(config.teams).find(([, team]) => team.namespaces.includes(namespace));
      if (!owner) return;
      const [teamName, team] = owner;
      const foreign: string[] = [];
      for (const s of j.items(() => props.subjects as Props[] | undefined)) {
        const kind = j.read(() => s.kind as string);
        const name = j.read(() => s.name as string);
        const subjectNamespace = j.read(() => s.namespace as string | undefined);
        if (typeof kind !== "string" || typeof name !== "string" || subjectNamespace === UNKNOWN) continue;
        const subject: Subject = { kind, name, ...(subjectNamespace ? { namespace: subjectNamespace } : {}) };
        if (isTeamSubject(subject, team, namespace) || isPlatformSubject(subject, config, namespace))
          continue;
        foreign.push(`${kind} ${subjectNamespace ? `${subjectNamespace}/` : ""}${name}`);
      }
      if (foreign.length > 0) {
        j.report(
          `RoleBinding ${args.name} in ${namespace} (team ${teamName}) names subjects outside the team: ${foreign.join(", ")}.`,
        );
      }
    }),
  ),
};
