/**
 * `k8s-no-default-namespace` on the hardened world, then objects placed in `default`, explicitly or
 * by omission.
 */
import { byName, describePolicy, k8s, UNKNOWN } from "../harness";
import { world } from "./fixtures";

describePolicy({
  policy: "k8s-no-default-namespace",
  fixture: world,
  mutations: [
    {
      name: "workload in default",
      mutate: (rs) => void (byName(rs, "api").metadata.namespace = "default"),
      expect: /Deployment api is placed in "default"/,
    },
    {
      name: "workload without a namespace",
      mutate: (rs) => void delete byName(rs, "api").metadata.namespace,
      expect: /no metadata.namespace/,
    },
    {
      name: "a ConfigMap in default",
      mutate: (rs) => [
        ...rs,
        k8s("core/v1", "ConfigMap", "cfg", { metadata: { namespace: "default" }, data: {} }),
      ],
      expect: /ConfigMap cfg/,
    },
    {
      name: "an identity object in default",
      mutate: (rs) => void (byName(rs, "payments-api").metadata.namespace = "default"),
      expect: /AzureIdentity payments-api is placed in "default"/,
    },
  ],
  unknown: {
    name: "one object's namespace, beside a workload in default",
    mutate: (rs) => {
      byName(rs, "team-dev-role").metadata.namespace = UNKNOWN;
      byName(rs, "api").metadata.namespace = "default";
    },
    stillReports: /Deployment api/,
  },
});
