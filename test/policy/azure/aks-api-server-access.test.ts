/**
 * `aks-api-server-access` on the hardened cluster, then an API server open to the whole internet,
 * in one range or several, or public when the config wants it private.
 */
import { describePolicy, UNKNOWN } from "../harness";
import { clusterFixture, cluster } from "./fixtures";

describePolicy({
  policy: "aks-api-server-access",
  fixture: clusterFixture,
  mutations: [
    {
      name: "0.0.0.0/0 authorized",
      mutate: (rs) => void cluster(rs).apiServerAccessProfile.authorizedIPRanges.push("0.0.0.0/0"),
      expect: /whole internet/,
    },
    {
      name: "both halves of the internet authorized",
      mutate: (rs) =>
        void cluster(rs).apiServerAccessProfile.authorizedIPRanges.push("0.0.0.0/1", "128.0.0.0/1"),
      expect: /together cover every IPv4 address: the whole internet/,
    },
    {
      name: "public without ranges",
      mutate: (rs) => void delete cluster(rs).apiServerAccessProfile,
      expect: /open to every address/,
    },
    {
      name: "public when the config requires private",
      mutate: () => undefined,
      settings: { requirePrivateCluster: true },
      expect: /enablePrivateCluster must be true/,
    },
    {
      name: "private cluster that still lists 0.0.0.0/0",
      mutate: (rs) =>
        void (cluster(rs).apiServerAccessProfile = {
          enablePrivateCluster: true,
          authorizedIPRanges: ["0.0.0.0/0"],
        }),
      expect: /whole internet/,
    },
  ],
  unknown: {
    name: "one authorized range, listed before 0.0.0.0/0",
    mutate: (rs) => void (cluster(rs).apiServerAccessProfile.authorizedIPRanges = [UNKNOWN, "0.0.0.0/0"]),
    stillReports: /whole internet/,
  },
});
