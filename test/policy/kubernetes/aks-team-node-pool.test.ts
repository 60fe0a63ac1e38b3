/**
 * `aks-team-node-pool` (issue 15) on the team-pool world, then a team pool shared, untainted,
 * unlabelled or in System mode.
 */
import { byName, describePolicy, UNKNOWN } from "../harness";
import { KEY, world } from "./team-pool-fixtures";

describePolicy({
  policy: "aks-team-node-pool",
  fixture: world,
  mutations: [
    {
      name: "a team pool without its taint (any pod could land there)",
      mutate: (rs) => void (byName(rs, "pool-catalog").nodeTaints = []),
      expect: /AgentPool pool-catalog: labelled for team catalog without the taint/,
    },
    {
      name: "a pool labelled for one team and tainted for another (shared)",
      mutate: (rs) => void (byName(rs, "pool-catalog").nodeTaints = [`${KEY}=payments:NoSchedule`]),
      expect: /labelled for team catalog but tainted for payments: one pool serves one team/,
    },
    {
      name: "a taint that only prefers",
      mutate: (rs) => void (byName(rs, "pool-catalog").nodeTaints = [`${KEY}=catalog:PreferNoSchedule`]),
      expect: /PreferNoSchedule does not keep other pods off/,
    },
    {
      name: "a team taint without the label",
      mutate: (rs) => void delete byName(rs, "pool-catalog").nodeLabels,
      expect: /taint aks-hardening.io\/team-pool=catalog without the label/,
    },
    {
      name: "a team pool in System mode",
      mutate: (rs) => void (byName(rs, "pool-catalog").mode = "System"),
      expect: /a team pool in System mode/,
    },
    {
      name: "an inline cluster pool labelled for a team, untainted",
      mutate: (rs) =>
        void byName(rs, "aks").agentPoolProfiles.push({ name: "inline", nodeLabels: { [KEY]: "x" } }),
      expect: /ManagedCluster aks pool inline: labelled for team x without the taint/,
    },
  ],
  unknown: {
    name: "a pool's label",
    mutate: (rs) => void (byName(rs, "pool-catalog").nodeLabels = { [KEY]: UNKNOWN }),
  },
});
