/** `aks-kubernetes-rbac` on the hardened cluster, then RBAC off or left to the default. */
import { describePolicy, UNKNOWN } from "../harness";
import { clusterFixture, cluster } from "./fixtures";

describePolicy({
  policy: "aks-kubernetes-rbac",
  fixture: clusterFixture,
  mutations: [
    { name: "RBAC off", mutate: (rs) => void (cluster(rs).enableRBAC = false), expect: /enableRBAC/ },
    { name: "RBAC absent", mutate: (rs) => void delete cluster(rs).enableRBAC, expect: /enableRBAC/ },
  ],
  unknown: { name: "enableRBAC", mutate: (rs) => void (cluster(rs).enableRBAC = UNKNOWN) },
});
