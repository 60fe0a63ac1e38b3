/**
 * What the blueprint declares for a stack: the real program (`main` from infra/program.ts) run
 * under the recording mocks with stacks/Pulumi.<stack>.yaml, its Kubernetes resources converted to
 * manifests, and the validated config (teams and their Entra group IDs) the test users mirror.
 * `local` (existing cluster, aad-pod-identity managed mode) is the attack suite's main cluster;
 * `dev` (create mode, standard mode) adds what managed mode never deploys: MIC and its RBAC.
 */
import * as path from "node:path";
import { main } from "../../../infra/program";
import { PROJECT } from "../../../infra/config/project";
import { readStackFile } from "../../../infra/config/stack-file";
import type { BlueprintConfig, TeamConfig } from "../../../infra/config/types";
import { validateConfig } from "../../../infra/config/validate";
import { AAD_POD_IDENTITY_GROUP } from "../../../conventions/kubernetes";
import { manifestsFromRecording, type ConvertedManifest, type Manifest } from "../../../testing/manifests";
import { mockInvoke } from "../../../testing/computed-outputs";
import { runProgramUnderMocks } from "../../../testing/recording-mocks";
import type { TokenUser } from "./cluster";

export interface Blueprint {
  config: BlueprintConfig;
  manifests: ConvertedManifest[];
}

export const LOCAL_STACK = "local";
/** A create-mode stack with aad-pod-identity in standard mode (MIC runs in the cluster). */
export const STANDARD_MODE_STACK = "dev";
/** The team whose developer attacks MIC on the standard-mode cluster (a pod-identity team of `dev`). */
export const STANDARD_MODE_ATTACKER_TEAM = "catalog";

/**
 * Records the program for a stack and converts its Kubernetes objects. The stack file is
 * stacks/Pulumi.<stack>.yaml; for the local stack `$AKS_HARDENING_E2E_STACK_FILE` can name another
 * configuration to try.
 */
export async function recordBlueprint(stack = LOCAL_STACK): Promise<Blueprint> {
  const local = stack === LOCAL_STACK;
  const stackFile =
    (local ? process.env.AKS_HARDENING_E2E_STACK_FILE : undefined) ??
    path.resolve(__dirname, "../../../stacks", `Pulumi.${stack}.yaml`);
  // The local stack's kubeconfig is only read by the Pulumi provider, which the mocks replace: the
  // fixture applies the recorded objects itself, so a marker value stands in for it. Create-mode
  // stacks take theirs from the (mocked) cluster and must not be given one.
  const raw = readStackFile(
    stackFile,
    local
      ? { secrets: { "existing.kubeconfig": "unused: the e2e fixture applies the recorded objects itself" } }
      : {},
  );
  const config = validateConfig(raw, stack);
  const rawConfig = Object.fromEntries(
    Object.entries(raw).map(([key, value]) => [
      `${PROJECT}:${key}`,
      typeof value === "string" ? value : JSON.stringify(value),
    ]),
  );
  const run = await runProgramUnderMocks(main, { project: PROJECT, stack, rawConfig, call: mockInvoke });
  return { config, manifests: manifestsFromRecording(run.resources) };
}

/** The victim: the first team whose pods use aad-pod-identity and that has an identity. */
export function victimTeam(config: BlueprintConfig): TeamConfig {
  const team = config.teams.find((t) => t.identityMode === "pod-identity" && t.identities.length > 0);
  if (!team) throw new Error("the local stack needs a pod-identity team with an identity to attack");
  return team;
}

/**
 * The AzureIdentity and AzureIdentityBinding the blueprint declares for the pods labelled
 * `selector` (`podIdentitySelector` of one of the victim's identities).
 */
export function victimIdentityObjects(
  b: Blueprint,
  selector: string,
): { identity: Manifest; binding: Manifest } {
  const ofKind = (kind: string) =>
    b.manifests
      .map((c) => c.manifest)
      .filter((m) => m.apiVersion.startsWith(`${AAD_POD_IDENTITY_GROUP}/`) && m.kind === kind);
  const binding = ofKind("AzureIdentityBinding").find(
    (m) => (m.spec as { selector?: string }).selector === selector,
  );
  if (!binding) throw new Error(`the blueprint declares no AzureIdentityBinding with selector ${selector}`);
  const identityName = (binding.spec as { azureIdentity: string }).azureIdentity;
  const identity = ofKind("AzureIdentity").find(
    (m) => m.metadata.name === identityName && m.metadata.namespace === binding.metadata.namespace,
  );
  if (!identity)
    throw new Error(`the blueprint declares no AzureIdentity ${binding.metadata.namespace}/${identityName}`);
  return { identity, binding };
}

/** The attacker: `team-b` if present, else the first other team. */
export function attackerTeam(config: BlueprintConfig, victim: TeamConfig): TeamConfig {
  const team =
    config.teams.find((t) => t.name === "team-b" && t !== victim) ?? config.teams.find((t) => t !== victim);
  if (!team) throw new Error("the local stack needs two teams");
  return team;
}

/** The team named `name`; the stack must declare it. */
export function teamNamed(config: BlueprintConfig, name: string): TeamConfig {
  const team = config.teams.find((t) => t.name === name);
  if (!team) throw new Error(`the stack declares no team ${JSON.stringify(name)}`);
  return team;
}

/** Token users exactly as Entra would present them: a name plus the groups they belong to. */
export const USERS = {
  platformAdmin: "platform-admin",
  victimDeveloper: "victim-developer",
  attackerDeveloper: "attacker-developer",
  /** On the standard-mode cluster: a developer of one team, attacking MIC. */
  standardModeDeveloper: "standard-mode-team-developer",
} as const;

/**
 * A team-B service account (its CI, say) that someone granted far too much in team B's namespace.
 * A service account of the team's own namespace, because RoleBindings in a team namespace may name
 * only the team's groups, its own service accounts and the platform
 * (`aks-hardening-team-rolebinding-subjects`); a static token stands in for its projected token.
 */
export function overprivilegedUser(attacker: TeamConfig): string {
  return `system:serviceaccount:${attacker.namespaces[0]}:overgranted-ci`;
}

/** A team-B service account holding a `*` Role in team B's namespace only ("namespace owner"). */
export function namespaceOwnerUser(attacker: TeamConfig): string {
  return `system:serviceaccount:${attacker.namespaces[0]}:namespace-owner`;
}

/** A member of the stack's first platform group. */
function platformAdmin(config: BlueprintConfig): TokenUser {
  if (config.platformGroupIds.length === 0) throw new Error("platformGroupIds is empty in the stack");
  return { name: USERS.platformAdmin, groups: [config.platformGroupIds[0]] };
}

export function tokenUsers(config: BlueprintConfig, victim: TeamConfig, attacker: TeamConfig): TokenUser[] {
  return [
    platformAdmin(config),
    { name: USERS.victimDeveloper, groups: victim.developerGroupIds },
    { name: USERS.attackerDeveloper, groups: attacker.developerGroupIds },
    // No team group: its rights come only from the RoleBindings the scenario creates.
    ...[overprivilegedUser(attacker), namespaceOwnerUser(attacker)].map((name) => ({
      name,
      groups: ["system:serviceaccounts", `system:serviceaccounts:${attacker.namespaces[0]}`],
    })),
  ];
}

/** The standard-mode cluster's users: its platform admin and a developer of `team`. */
export function standardModeUsers(config: BlueprintConfig, team: TeamConfig): TokenUser[] {
  return [platformAdmin(config), { name: USERS.standardModeDeveloper, groups: team.developerGroupIds }];
}
