/**
 * The team side of the contract: read it from the platform stack, check its shape and version, and
 * hand the team's program a typed contract, so that a team writes one line:
 *
 *   const contract = await getTeamContract("acme/aks-hardening/prod", "team-a");
 *
 * It is async on purpose: a StackReference's values are known at preview, and resolving them up
 * front lets a bad contract or a wrong team name fail with a clear error before any resource of the
 * team's stack is registered, and lets components decide on plain values (which identity, which
 * namespace) instead of inside `apply`.
 */
import * as pulumi from "@pulumi/pulumi";
import { podIdentitySelector } from "../kubernetes/conventions";
import { TEAM_CONTRACT_VERSION, TEAM_CONTRACTS_OUTPUT } from "./contract";
import type { TeamContract, TeamContractData, TeamContractIdentity } from "./contract";
import { ProblemList, TeamInputError } from "./errors";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RESOURCE_GROUP_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+$/i;
const STACK_NAME = /^[^/\s]+\/[^/\s]+\/[^/\s]+$/;
const MODES = ["pod-identity", "workload-identity"];

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
  pattern?: RegExp,
  what?: string,
): void {
  if (typeof value !== "string" || value === "") problems.add(key, value, "must be a non-empty string");
  else if (pattern && !pattern.test(value)) problems.add(key, value, `must be ${what}`);
}

function validateIdentity(problems: ProblemList, key: string, raw: unknown, namespaces: string[]): void {
  const identity = asObj(raw);
  if (!identity) {
    problems.add(key, raw, "must be an object");
    return;
  }
  const { name, namespace, mode } = identity as Partial<Record<keyof TeamContractIdentity, unknown>>;
  requireString(problems, `${key}.name`, name, DNS_LABEL, "a DNS-1123 label");
  if (typeof namespace !== "string" || !namespaces.includes(namespace)) {
    problems.add(
      `${key}.namespace`,
      namespace,
      `must be one of the team's namespaces (${namespaces.join(", ")})`,
    );
  }
  requireString(problems, `${key}.clientId`, identity.clientId, GUID, "a GUID");
  if (mode === "pod-identity") {
    const expected = podIdentitySelector(String(namespace), String(name));
    if (identity.podIdentitySelector !== expected) {
      problems.add(
        `${key}.podIdentitySelector`,
        identity.podIdentitySelector,
        `must be "${expected}" (<namespace>.<identity>)`,
      );
    }
    if (identity.serviceAccount !== undefined)
      requireString(
        problems,
        `${key}.serviceAccount`,
        identity.serviceAccount,
        DNS_LABEL,
        "a DNS-1123 label",
      );
  } else if (mode === "workload-identity") {
    requireString(problems, `${key}.serviceAccount`, identity.serviceAccount, DNS_LABEL, "a DNS-1123 label");
  } else {
    problems.add(`${key}.mode`, mode, `must be one of ${MODES.join(", ")}`);
  }
}

/**
 * Pure: checks that `raw` is a contract of `team` in a version this library reads, and returns it
 * typed. Throws `TeamInputError` listing every missing or wrong field, each named by its path
 * (`teamContracts.<team>.<field>`).
 */
export function validateTeamContract(raw: unknown, team: string): TeamContractData {
  const root = `${TEAM_CONTRACTS_OUTPUT}.${team}`;
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
  const namespaces = stringList(problems, `${root}.namespaces`, c.namespaces, (ns) =>
    DNS_LABEL.test(ns) ? undefined : "must be a DNS-1123 label",
  );
  if (Array.isArray(c.namespaces) && c.namespaces.length === 0) {
    problems.add(`${root}.namespaces`, c.namespaces, "must name at least one namespace");
  }
  requireString(
    problems,
    `${root}.resourceGroupId`,
    c.resourceGroupId,
    RESOURCE_GROUP_ID,
    "/subscriptions/<sub>/resourceGroups/<rg>",
  );
  if (!Array.isArray(c.identities)) problems.add(`${root}.identities`, c.identities, "must be a list");
  else
    c.identities.forEach((identity, i) =>
      validateIdentity(problems, `${root}.identities[${i}]`, identity, namespaces),
    );
  stringList(problems, `${root}.imageRegistries`, c.imageRegistries);
  const kubernetes = asObj(c.kubernetes);
  requireString(problems, `${root}.kubernetes.server`, kubernetes?.server, /^https:\/\//, "an https:// URL");
  requireString(problems, `${root}.kubernetes.kubeconfig`, kubernetes?.kubeconfig);
  problems.throwIfAny(subject);
  return c as unknown as TeamContractData;
}

/**
 * Reads `team`'s contract from the platform stack `platformStack` (`<org>/<project>/<stack>`)
 * through a `pulumi.StackReference`, validates it, and returns it typed, with the kubeconfig as a
 * secret Output and everything else plain.
 *
 * @param opts options of the StackReference (e.g. `parent`); its name is `platform-contract-<team>`.
 */
export async function getTeamContract(
  platformStack: string,
  team: string,
  opts?: pulumi.CustomResourceOptions,
): Promise<TeamContract> {
  const problems = new ProblemList();
  if (!STACK_NAME.test(platformStack))
    problems.add("platformStack", platformStack, "must be <org>/<project>/<stack>");
  if (!DNS_LABEL.test(team)) problems.add("team", team, "must be a DNS-1123 label");
  problems.throwIfAny("arguments of getTeamContract");

  const reference = new pulumi.StackReference(`platform-contract-${team}`, { name: platformStack }, opts);
  // The output is secret as a whole (it carries the kubeconfig): read it either way.
  const details = await reference.getOutputDetails(TEAM_CONTRACTS_OUTPUT);
  const all = details.value ?? details.secretValue;
  const contracts = asObj(all);
  if (!contracts) {
    throw new TeamInputError(`platform stack "${platformStack}"`, [
      {
        key: TEAM_CONTRACTS_OUTPUT,
        value: all,
        message:
          "stack output is missing or not a map of team contracts (is this the platform stack, and deployed?)",
      },
    ]);
  }
  if (!(team in contracts)) {
    throw new TeamInputError(`platform stack "${platformStack}"`, [
      {
        key: `${TEAM_CONTRACTS_OUTPUT}.${team}`,
        value: undefined,
        message: `no contract for this team; teams in the contract: ${Object.keys(contracts).join(", ") || "(none)"}`,
      },
    ]);
  }
  const contract = validateTeamContract(contracts[team], team);
  return {
    ...contract,
    kubernetes: { ...contract.kubernetes, kubeconfig: pulumi.secret(contract.kubernetes.kubeconfig) },
  };
}
