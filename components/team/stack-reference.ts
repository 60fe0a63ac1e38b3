/**
 * The team side of the contract: read it from the team's own contract stack, check its shape and
 * version, and hand the team's program a typed contract, so that a team writes one line:
 *
 *   const contract = await getTeamContract("acme/aks-hardening-contracts/team-a", "team-a");
 *
 * It is async on purpose: a StackReference's values are known at preview, and resolving them up
 * front lets a bad contract or a wrong team name fail with a clear error before any resource of the
 * team's stack is registered, and lets components decide on plain values (which identity, which
 * namespace) instead of inside `apply`.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  isAksPoolName,
  isDns1123Label,
  isDns1123Subdomain,
  isGuid,
  isResourceGroupId,
} from "../../conventions/formats";
import { isolationProblems, type TenantIdentity } from "../../conventions/isolation";
import { podIdentitySelector } from "../../conventions/kubernetes";
import { IDENTITY_MODES } from "../../conventions/modes";
import { TEAM_CONTRACT_OUTPUT, TEAM_CONTRACT_VERSION } from "./contract";
import type { TeamContract, TeamContractData, TeamContractIdentity } from "./contract";
import { ProblemList, TeamInputError } from "./errors";
import { kubeconfigCredentials, parseKubeconfig } from "./kubeconfig";

const STACK_NAME = /^[^/\s]+\/[^/\s]+\/[^/\s]+$/;

type Obj = Record<string, unknown>;

function asObj(value: unknown): Obj | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Obj) : undefined;
}

function stringList(
  problems: ProblemList,
  key: string,
  value: unknown,
  check?: (s: string) => string | undefined,
) {
  if (!Array.isArray(value)) {
    problems.add(key, value, "must be a list of strings");
    return [] as string[];
  }
  value.forEach((item, i) => {
    const message = typeof item !== "string" ? "must be a string" : check?.(item);
    if (message) problems.add(`${key}[${i}]`, item, message);
  });
  return value.filter((v): v is string => typeof v === "string");
}

function requireString(
  problems: ProblemList,
  key: string,
  value: unknown,
  accepts?: RegExp | ((value: string) => boolean),
  what?: string,
): void {
  const ok = (text: string) => (accepts instanceof RegExp ? accepts.test(text) : (accepts?.(text) ?? true));
  if (typeof value !== "string" || value === "") problems.add(key, value, "must be a non-empty string");
  else if (!ok(value)) problems.add(key, value, `must be ${what}`);
}

/** A pod-identity identity's selector is derived from its namespace and name: reported after them. */
function validateSelector(problems: ProblemList, key: string, raw: unknown): void {
  const identity = asObj(raw);
  if (identity?.mode !== "pod-identity") return;
  const expected = podIdentitySelector(String(identity.namespace), String(identity.name));
  if (identity.podIdentitySelector !== expected) {
    problems.add(
      `${key}.podIdentitySelector`,
      identity.podIdentitySelector,
      `must be "${expected}" (<namespace>.<identity>)`,
    );
  }
}

/**
 * One identity's fields, each on its own; returns what the isolation rules judge (that it lies in
 * the team's namespaces, that no two share a name, ServiceAccount or client ID).
 */
function validateIdentity(problems: ProblemList, key: string, raw: unknown): TenantIdentity | undefined {
  const identity = asObj(raw);
  if (!identity) {
    problems.add(key, raw, "must be an object");
    return undefined;
  }
  const { name, namespace, mode } = identity as Partial<Record<keyof TeamContractIdentity, unknown>>;
  requireString(problems, `${key}.name`, name, isDns1123Label, "a DNS-1123 label");
  requireString(problems, `${key}.namespace`, namespace, isDns1123Label, "a DNS-1123 label");
  requireString(problems, `${key}.clientId`, identity.clientId, isGuid, "a GUID");
  // Workload identity federates exactly this ServiceAccount; pod identity names it when it has one.
  if (mode === "workload-identity" || identity.serviceAccount !== undefined) {
    requireString(
      problems,
      `${key}.serviceAccount`,
      identity.serviceAccount,
      isDns1123Subdomain,
      "a DNS-1123 subdomain",
    );
  }
  if (mode !== "pod-identity" && mode !== "workload-identity") {
    problems.add(`${key}.mode`, mode, `must be one of ${IDENTITY_MODES.join(", ")}`);
  }
  const text = (value: unknown, wellFormed: (s: string) => boolean) =>
    typeof value === "string" && wellFormed(value) ? value : "";
  const clientId = text(identity.clientId, isGuid);
  return {
    key,
    name: text(name, isDns1123Label),
    namespace: text(namespace, isDns1123Label),
    serviceAccount: text(identity.serviceAccount, isDns1123Subdomain),
    ...(clientId !== "" ? { clientId: { value: clientId, key: `${key}.clientId` } } : {}),
  };
}

/**
 * Pure: checks that `raw` is a contract of `team` in a version this library reads, and returns it
 * typed. Throws `TeamInputError` listing every missing or wrong field, each named by its path under
 * `root` (default `teamContract`, the contract stack's output; `teamContracts.<team>` on the
 * platform side).
 */
export function validateTeamContract(
  raw: unknown,
  team: string,
  root: string = TEAM_CONTRACT_OUTPUT,
): TeamContractData {
  const subject = `platform contract for team "${team}"`;
  const problems = new ProblemList();
  const contract = asObj(raw);
  if (!contract) {
    problems.add(root, raw, "must be an object (the team's contract)");
    problems.throwIfAny(subject);
  }
  const c = contract as Obj;
  if (c.contractVersion !== TEAM_CONTRACT_VERSION) {
    const newer = typeof c.contractVersion === "number" && c.contractVersion > TEAM_CONTRACT_VERSION;
    problems.add(
      `${root}.contractVersion`,
      c.contractVersion,
      newer
        ? `is newer than this library reads (${TEAM_CONTRACT_VERSION}); upgrade the components library`
        : `must be ${TEAM_CONTRACT_VERSION}`,
    );
    // A different version may differ in every field: report only this.
    problems.throwIfAny(subject);
  }
  if (c.team !== team) problems.add(`${root}.team`, c.team, `must be "${team}"`);
  stringList(problems, `${root}.namespaces`, c.namespaces, (ns) =>
    isDns1123Label(ns) ? undefined : "must be a DNS-1123 label",
  );
  if (Array.isArray(c.namespaces) && c.namespaces.length === 0) {
    problems.add(`${root}.namespaces`, c.namespaces, "must name at least one namespace");
  }
  requireString(
    problems,
    `${root}.resourceGroupId`,
    c.resourceGroupId,
    isResourceGroupId,
    "/subscriptions/<subscription GUID>/resourceGroups/<rg>",
  );
  if (!Array.isArray(c.identities)) problems.add(`${root}.identities`, c.identities, "must be a list");
  const identities = (Array.isArray(c.identities) ? c.identities : []).flatMap(
    (identity, i) => validateIdentity(problems, `${root}.identities[${i}]`, identity) ?? [],
  );
  // The same isolation rules the platform's config validation applied, within this one team.
  const isolation = isolationProblems({
    teams: [
      {
        key: root,
        name: team,
        developerGroupIds: [],
        namespaces: (Array.isArray(c.namespaces) ? c.namespaces : []).flatMap((ns, i) =>
          typeof ns === "string" ? [{ value: ns, key: `${root}.namespaces[${i}]` }] : [],
        ),
        identities,
      },
    ],
  });
  for (const p of isolation) problems.add(p.key, p.value, p.message);
  (Array.isArray(c.identities) ? c.identities : []).forEach((identity, i) =>
    validateSelector(problems, `${root}.identities[${i}]`, identity),
  );
  stringList(problems, `${root}.imageRegistries`, c.imageRegistries);
  if (c.nodePool !== undefined) {
    const pool = asObj(c.nodePool);
    requireString(problems, `${root}.nodePool.name`, pool?.name, isAksPoolName, "an AKS pool name");
  }
  const kubernetes = asObj(c.kubernetes);
  requireString(problems, `${root}.kubernetes.server`, kubernetes?.server, /^https:\/\//, "an https:// URL");
  requireString(problems, `${root}.kubernetes.kubeconfig`, kubernetes?.kubeconfig);
  // Checked again on the way in: a contract is read by a whole team, so a credential published by
  // mistake must stop here rather than become every team member's access.
  const parsed =
    typeof kubernetes?.kubeconfig === "string" ? parseKubeconfig(kubernetes.kubeconfig) : undefined;
  const credentials = parsed ? kubeconfigCredentials(parsed) : [];
  if (credentials.length > 0)
    problems.add(
      `${root}.kubernetes.kubeconfig`,
      `(kubeconfig with ${credentials.join(", ")})`,
      "embeds credentials; a contract's kubeconfig must let each user log in as themselves",
    );
  problems.throwIfAny(subject);
  return c as unknown as TeamContractData;
}

/**
 * Reads `team`'s contract from its contract stack `contractStack`
 * (`<org>/aks-hardening-contracts/<team>`, which the platform publishes and the team may read)
 * through a `pulumi.StackReference`, validates it, and returns it typed, with the kubeconfig as a
 * secret Output and everything else plain.
 *
 * @param opts options of the StackReference (e.g. `parent`); its name is `team-contract-<team>`.
 */
export async function getTeamContract(
  contractStack: string,
  team: string,
  opts?: pulumi.CustomResourceOptions,
): Promise<TeamContract> {
  const problems = new ProblemList();
  if (!STACK_NAME.test(contractStack))
    problems.add("contractStack", contractStack, "must be <org>/<project>/<stack>");
  if (!isDns1123Label(team)) problems.add("team", team, "must be a DNS-1123 label");
  problems.throwIfAny("arguments of getTeamContract");

  const reference = new pulumi.StackReference(`team-contract-${team}`, { name: contractStack }, opts);
  // Read it whether or not the publisher marked it secret.
  const details = await reference.getOutputDetails(TEAM_CONTRACT_OUTPUT);
  const raw = details.value ?? details.secretValue;
  if (raw === undefined) {
    throw new TeamInputError(`contract stack "${contractStack}"`, [
      {
        key: TEAM_CONTRACT_OUTPUT,
        value: undefined,
        message:
          "stack output is missing (is this the team's contract stack, published by the platform? a platform stack exports teamContracts instead, which teams must not read)",
      },
    ]);
  }
  const contract = validateTeamContract(raw, team);
  return {
    ...contract,
    kubernetes: { ...contract.kubernetes, kubeconfig: pulumi.secret(contract.kubernetes.kubeconfig) },
  };
}
