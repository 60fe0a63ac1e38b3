/**
 * `k8s-rbac-identity-roles-platform-only` on the hardened world, then unbound roles that write
 * identity objects or reach into the identity namespace (bindable from outside the stack).
 */
import { byName, describePolicy, k8s, UNKNOWN } from "../harness";
import { rbac, world } from "./fixtures";

const micRoleOnly = { platformRoles: ["aad-pod-identity-mic"] };

describePolicy({
  policy: "k8s-rbac-identity-roles-platform-only",
  fixture: world,
  settings: micRoleOnly,
  mutations: [
    {
      name: "an unbound ClusterRole that writes AzureIdentities (bindable from outside the stack)",
      mutate: (rs) => [
        ...rs,
        k8s(rbac, "ClusterRole", "identity-writer", {
          metadata: { name: "identity-writer" },
          rules: [
            { apiGroups: ["aadpodidentity.k8s.io"], resources: ["azureidentities"], verbs: ["update"] },
          ],
        }),
      ],
      expect: /ClusterRole "identity-writer" grants write on aadpodidentity\.k8s\.io \(identity objects\)/,
    },
    {
      name: "an unbound Role in the identity namespace that execs into its pods",
      mutate: (rs) => [
        ...rs,
        k8s(rbac, "Role", "debug", {
          metadata: { name: "debug", namespace: "aad-pod-identity" },
          rules: [{ apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] }],
        }),
      ],
      expect: /Role "debug" grants exec\/attach\/port-forward in the identity namespace/,
    },
    {
      name: "MIC's own role, once it is no longer listed as the platform's",
      mutate: () => undefined,
      settings: { platformRoles: [] },
      expect: /ClusterRole "aad-pod-identity-mic" grants write on aadpodidentity\.k8s\.io/,
    },
  ],
  unknown: {
    name: "a team Role's verbs, beside an identity-writing ClusterRole",
    mutate: (rs) => {
      byName(rs, "team-dev-role").rules[0].verbs = UNKNOWN;
      return [
        ...rs,
        k8s(rbac, "ClusterRole", "identity-writer", {
          metadata: { name: "identity-writer" },
          rules: [{ apiGroups: ["aadpodidentity.k8s.io"], resources: ["azureidentities"], verbs: ["patch"] }],
        }),
      ];
    },
    stillReports: /ClusterRole "identity-writer" grants write/,
  },
});
