/**
 * The cross-team isolation rules: what makes a team's names, groups, namespaces, resource group,
 * node pool and identities its own. One pure function judges them for the stack configuration
 * (`infra/config`), for the Kubernetes component's arguments (`components/kubernetes`) and for a
 * team's contract (`components/team`), so a configuration that validation accepts is never refused
 * by a component after other resources were registered, and the three cannot drift apart.
 *
 * These rules are about how declarations relate to each other, not how each is spelled: every
 * caller checks the form of each value first (`formats.ts`) and hands over the well-formed ones,
 * each with the key it was declared under, so a problem names the key the user wrote.
 */
import { podIdentitySelector, USER_ASSIGNED_IDENTITY_PATH } from "./kubernetes";
import type { Problem } from "./problems";

/** A label value (the `aadpodidbinding` selector `<namespace>.<identity>`) is at most 63 characters. */
export const MAX_SELECTOR_LENGTH = 63;

/** A declared value and the key it was declared under, e.g. `teams[0].namespaces[1]`. */
export interface Declared {
  value: string;
  key: string;
}

/** One identity of a team; its fields' keys are `<key>.name`, `<key>.namespace`, `<key>.serviceAccount`. */
export interface TenantIdentity {
  /** E.g. `teams[0].identities[1]`. */
  key: string;
  /** `""` when missing or malformed (the caller reported it); such an identity joins no name rule. */
  name: string;
  namespace: string;
  serviceAccount: string;
  /** Known only for an identity that already exists; unknown (an Output) otherwise. */
  clientId?: Declared;
  resourceId?: Declared;
}

/** One team as the isolation rules see it. */
export interface TenantTeam {
  /** E.g. `teams[0]`; the name's key is `<key>.name`. */
  key: string;
  /** `""` when missing or malformed. */
  name: string;
  developerGroupIds: readonly Declared[];
  namespaces: readonly Declared[];
  /** The team's Azure resource group ID, when known as text. */
  resourceGroupId?: Declared;
  /** The AKS name of the team's dedicated pool. */
  nodePool?: Declared;
  identities: readonly TenantIdentity[];
}

/** Everything that must stay apart: the teams, and what belongs to the platform. */
export interface Tenancy {
  teams: readonly TenantTeam[];
  /** Groups whose members administer the cluster (platform and cluster-admin groups). */
  privilegedGroups?: readonly Declared[];
  /** Namespaces that may be PSA privileged. */
  privilegedNamespaces?: readonly Declared[];
  /** The cluster's own pools (the system pool and the shared user pools), which no team may own. */
  clusterPools?: readonly Declared[];
}

/** Where something was first declared, for "already owned by" messages. */
interface Owner {
  team: TenantTeam;
  key: string;
}

/**
 * Every isolation problem of `tenancy`, in declaration order. Group IDs, resource group IDs,
 * identity resource IDs and client IDs compare case-insensitively (Azure's IDs do); names compare
 * exactly (Kubernetes' do).
 */
export function isolationProblems(tenancy: Tenancy): Problem[] {
  const problems: Problem[] = [];
  const report = (key: string, value: unknown, message: string) => problems.push({ key, value, message });

  const privilegedGroups = firstByValue(tenancy.privilegedGroups ?? [], (id) => id.toLowerCase());
  const teamNames = new Map<string, string>();
  const groupOwners = new Map<string, Owner>();
  const namespaceOwners = new Map<string, Owner>();
  const resourceGroupOwners = new Map<string, Owner>();
  const clientIdOwners = new Map<string, Owner>();
  const resourceIdOwners = new Map<string, Owner>();
  const poolOwners = new Map((tenancy.clusterPools ?? []).map((p): [string, string] => [p.value, p.key]));

  // Namespaces first: an identity names its namespace, and the message says whose it is.
  for (const team of tenancy.teams) {
    for (const ns of team.namespaces) {
      const owner = namespaceOwners.get(ns.value);
      if (owner) report(ns.key, ns.value, `is already owned by team "${owner.team.name}" (${owner.key})`);
      else namespaceOwners.set(ns.value, { team, key: ns.key });
    }
  }

  for (const team of tenancy.teams) {
    const nameKey = `${team.key}.name`;
    const firstName = teamNames.get(team.name);
    if (team.name !== "" && firstName !== undefined)
      report(nameKey, team.name, `is already used by ${firstName}`);
    else if (team.name !== "") teamNames.set(team.name, nameKey);

    // A group shared by two teams, or with the platform, puts one team's accounts in another's place.
    for (const group of team.developerGroupIds) {
      const id = group.value.toLowerCase();
      const privileged = privilegedGroups.get(id);
      const owner = groupOwners.get(id);
      if (privileged) {
        report(
          group.key,
          group.value,
          `is also a platform/admin group (${privileged.key}): the team's accounts would administer the cluster`,
        );
      } else if (owner) {
        report(
          group.key,
          group.value,
          `is already team "${owner.team.name}"'s developer group (${owner.key}): its members would act as both teams`,
        );
      } else groupOwners.set(id, { team, key: group.key });
    }

    if (team.resourceGroupId) {
      const rg = team.resourceGroupId;
      const owner = claim(resourceGroupOwners, rg.value.toLowerCase(), { team, key: rg.key });
      if (owner)
        report(
          rg.key,
          rg.value,
          `is already team "${owner.team.name}"'s resource group (${owner.key}); teams must not share one`,
        );
    }

    // One pool, one team: a shared pool puts both teams' identities on the same nodes' IMDS.
    if (team.nodePool) {
      const pool = team.nodePool;
      const first = poolOwners.get(pool.value);
      if (first !== undefined)
        report(
          pool.key,
          pool.value,
          `is already used by ${first}: a team's pool is its own (shared nodes carry both teams' identities)`,
        );
      else poolOwners.set(pool.value, `${pool.key} (team "${team.name}")`);
    }

    identityProblems(team, { namespaceOwners, clientIdOwners, resourceIdOwners }, report);
  }

  problems.push(...resourceNameProblems(tenancy.teams));

  // A privileged namespace admits hostNetwork and NET_RAW pods (S4): never a team's.
  for (const ns of tenancy.privilegedNamespaces ?? []) {
    const owner = namespaceOwners.get(ns.value);
    if (owner)
      report(
        ns.key,
        ns.value,
        `is owned by team "${owner.team.name}" (${owner.key}): team namespaces always enforce restricted`,
      );
  }
  return problems;
}

function identityProblems(
  team: TenantTeam,
  owners: Record<"namespaceOwners" | "clientIdOwners" | "resourceIdOwners", Map<string, Owner>>,
  report: (key: string, value: unknown, message: string) => void,
): void {
  const names = new Map<string, string>();
  const accounts = new Map<string, string>();
  const namespaces = team.namespaces.map((ns) => ns.value);
  for (const identity of team.identities) {
    const nameKey = `${identity.key}.name`;
    const first = names.get(identity.name);
    if (identity.name !== "" && first !== undefined)
      report(nameKey, identity.name, `is already used by ${first}`);
    else if (identity.name !== "") names.set(identity.name, nameKey);

    // An identity serves pods of its own team's namespaces only (the binding's selector is namespaced).
    if (identity.namespace !== "" && !namespaces.includes(identity.namespace)) {
      const owner = owners.namespaceOwners.get(identity.namespace);
      const whose = owner && owner.team !== team ? `; it belongs to team "${owner.team.name}"` : "";
      report(
        `${identity.key}.namespace`,
        identity.namespace,
        `must be one of team "${team.name}"'s namespaces (${namespaces.join(", ")})${whose}`,
      );
    }
    const selector = podIdentitySelector(identity.namespace, identity.name);
    if (identity.name !== "" && identity.namespace !== "" && selector.length > MAX_SELECTOR_LENGTH) {
      report(
        identity.key,
        selector,
        `selector "<namespace>.<name>" must be at most ${MAX_SELECTOR_LENGTH} characters (has ${selector.length})`,
      );
    }

    // The platform creates one ServiceAccount per identity (in workload-identity mode it carries the
    // client-id annotation): two identities cannot share it.
    if (identity.serviceAccount !== "" && identity.namespace !== "") {
      const account = `${identity.namespace}/${identity.serviceAccount}`;
      const firstAccount = accounts.get(account);
      if (firstAccount !== undefined)
        report(
          `${identity.key}.serviceAccount`,
          identity.serviceAccount,
          `is already bound to ${firstAccount} in namespace "${identity.namespace}"`,
        );
      else accounts.set(account, identity.key);
    }

    // NMI asks IMDS for a token by client ID, not by resource ID: an identity whose resource ID is
    // its team's but whose client ID is another's would be served the other identity's token.
    if (identity.clientId) {
      const id = identity.clientId;
      const owner = claim(owners.clientIdOwners, id.value.toLowerCase(), { team, key: id.key });
      if (owner)
        report(
          id.key,
          id.value,
          `is already the client ID of team "${owner.team.name}"'s identity (${owner.key})`,
        );
    }
    if (identity.resourceId) {
      const id = identity.resourceId;
      const rg = team.resourceGroupId?.value;
      if (
        rg !== undefined &&
        !id.value.toLowerCase().startsWith(`${rg}${USER_ASSIGNED_IDENTITY_PATH}`.toLowerCase())
      ) {
        report(id.key, id.value, `must lie in team "${team.name}"'s resource group ${rg}`);
      } else {
        const owner = claim(owners.resourceIdOwners, id.value.toLowerCase(), { team, key: id.key });
        if (owner)
          report(id.key, id.value, `is already declared by team "${owner.team.name}" (${owner.key})`);
      }
    }
  }
}

/**
 * The components name a team's resources by joining the team's, a namespace's and an identity's
 * names with `-`, which a DNS label may contain too: team `a` with namespace `b-c` and team `a-b`
 * with namespace `c` would both give a Namespace resource `a-b-c`, and the engine refuses the second
 * after the first was registered. So the joined names must differ, per kind of resource.
 */
function resourceNameProblems(teams: readonly TenantTeam[]): Problem[] {
  const problems: Problem[] = [];
  const taken = new Map<string, string>();
  const claim = (kind: string, joined: string, key: string, value: string) => {
    const first = taken.get(`${kind}\0${joined}`);
    if (first === undefined) taken.set(`${kind}\0${joined}`, key);
    else
      problems.push({
        key,
        value,
        message: `gives its ${kind} the resource name "${joined}", as ${first} does (the components join names with "-"); rename one`,
      });
  };
  // A repeated team or identity name is its own problem, reported by the rules above: not again here.
  const teamNames = new Set<string>();
  for (const team of teams) {
    if (team.name === "" || teamNames.has(team.name)) continue;
    teamNames.add(team.name);
    for (const ns of team.namespaces) claim("namespace", `${team.name}-${ns.value}`, ns.key, ns.value);
    const identityNames = new Set<string>();
    for (const identity of team.identities) {
      if (identity.name === "" || identityNames.has(identity.name)) continue;
      identityNames.add(identity.name);
      const nameKey = `${identity.key}.name`;
      claim("managed identity", `${team.name}-${identity.name}`, nameKey, identity.name);
      if (identity.namespace !== "")
        claim(
          "pod-identity objects",
          `${team.name}-${identity.namespace}-${identity.name}`,
          nameKey,
          identity.name,
        );
    }
  }
  return problems;
}

/** Records `owner` for `id` unless it is taken; returns the earlier owner when it is. */
function claim(owners: Map<string, Owner>, id: string, owner: Owner): Owner | undefined {
  const earlier = owners.get(id);
  if (earlier === undefined) owners.set(id, owner);
  return earlier;
}

/** The first declaration of each value, under `normalize`. */
function firstByValue(
  declared: readonly Declared[],
  normalize: (value: string) => string,
): Map<string, Declared> {
  const first = new Map<string, Declared>();
  for (const d of declared) if (!first.has(normalize(d.value))) first.set(normalize(d.value), d);
  return first;
}
