/**
 * `aks-pod-identity-team-pools` (issue 15) on the team-pool world, then a pod-identity team left
 * without its pool.
 */
import { byName, describePolicy, UNKNOWN } from "../harness";
import { KEY, world } from "./team-pool-fixtures";

describePolicy({
  policy: "aks-pod-identity-team-pools",
  fixture: world,
  mutations: [
    {
      name: "a pod-identity team without a pool labelled for it",
      mutate: (rs) => rs.filter((r) => r.name !== "pool-catalog"),
      expect:
        /team catalog \(namespace catalog, AzureIdentity catalog-reader\) has no node pool labelled aks-hardening.io\/team-pool=catalog/,
    },
  ],
  unknown: {
    name: "a pool's label",
    mutate: (rs) => void (byName(rs, "pool-catalog").nodeLabels = { [KEY]: UNKNOWN }),
  },
});
