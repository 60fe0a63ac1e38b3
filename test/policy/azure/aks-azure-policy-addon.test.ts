/** `aks-azure-policy-addon` on the hardened cluster, then the Azure Policy add-on disabled or missing. */
import { describePolicy, UNKNOWN } from "../harness";
import { clusterFixture, cluster } from "./fixtures";

describePolicy({
  policy: "aks-azure-policy-addon",
  fixture: clusterFixture,
  mutations: [
    {
      name: "add-on disabled",
      mutate: (rs) => void (cluster(rs).addonProfiles.azurepolicy.enabled = false),
      expect: /azurepolicy.enabled must be true/,
    },
    {
      name: "add-on missing",
      mutate: (rs) => void (cluster(rs).addonProfiles = {}),
      expect: /azurepolicy is missing/,
    },
  ],
  unknown: { name: "addonProfiles", mutate: (rs) => void (cluster(rs).addonProfiles = UNKNOWN) },
});
