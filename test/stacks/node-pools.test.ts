/**
 * Team node pools under mocks (issue 15), on the dev stack with one documented deviation each:
 * managed mode (the identity assignments the platform must make name only the team's own pool),
 * and isolation turned off (no team pools; pod-identity teams then share the user pools).
 */
import { runStack, type StackRun } from "./whole-program";
import { ofType } from "../../testing/recording-mocks";

type Assignments = Record<string, { nodePools: string[]; identities: string[]; nodeResourceGroup?: string }>;

const managed = (project: Record<string, unknown>) => ({
  ...project,
  podIdentity: { ...(project.podIdentity as object), mode: "managed" },
});
const shared = (project: Record<string, unknown>) => ({
  ...managed(project),
  podIdentity: { ...(project.podIdentity as object), mode: "managed", isolateNodes: false },
  teams: (project.teams as Record<string, unknown>[]).map(({ nodePool: _pool, ...team }) => team),
});

let isolated: StackRun;
let sharing: StackRun;
let standard: StackRun;
beforeAll(async () => {
  // One at a time: the mocks are process-wide runtime state.
  isolated = await runStack("dev", { override: managed });
  sharing = await runStack("dev", { override: shared });
  standard = await runStack("dev");
});

describe("managed mode: identities go to the team's own pool only", () => {
  it("names, for each pod-identity team, its own pool and its own identities", () => {
    const assignments = isolated.outputs.nodePoolIdentityAssignments as Assignments;
    const podIdentityTeams = isolated.config.teams.filter((t) => t.identityMode === "pod-identity");
    expect(Object.keys(assignments).sort()).toEqual(podIdentityTeams.map((t) => t.name).sort());
    const identityIds = ofType(isolated.resources, "azure-native:managedidentity:UserAssignedIdentity");
    for (const team of podIdentityTeams) {
      const entry = assignments[team.name];
      expect(entry.nodePools).toEqual([team.nodePool?.name]);
      expect(entry.nodePools).not.toContain(isolated.config.cluster.systemPool.name);
      for (const other of isolated.config.teams.filter((t) => t !== team && t.nodePool))
        expect(entry.nodePools).not.toContain(other.nodePool?.name);
      expect(entry.identities).toHaveLength(team.identities.length);
      for (const id of entry.identities) {
        const identity = identityIds.find((i) => i.outputs.id === id);
        expect(identity?.name.startsWith(`${isolated.config.cluster.name}-${team.name}-`)).toBe(true);
      }
      expect(entry.nodeResourceGroup).toBe(`rg-${isolated.config.cluster.name}-nodes`);
    }
  });

  it("with isolation off, names the shared user pools (what co-residency means)", () => {
    const assignments = sharing.outputs.nodePoolIdentityAssignments as Assignments;
    const userPools = sharing.config.cluster.userPools.map((p) => p.name);
    for (const entry of Object.values(assignments)) expect(entry.nodePools).toEqual(userPools);
    const teamPools = ofType(sharing.resources, "azure-native:containerservice:AgentPool").filter((p) =>
      p.name.includes("-team-pool-"),
    );
    expect(teamPools).toEqual([]);
  });

  it("standard mode exports no assignment list (MIC assigns identities where the pods run)", () => {
    expect(standard.outputs.nodePoolIdentityAssignments).toBeUndefined();
  });
});
