/**
 * `k8s-content-visible-at-preview`: a Helm chart in a platform namespace the config allows and inline
 * YAML the pack parses, then content the pack cannot read installed where teams live, and manifests
 * the provider would refuse. (How every other policy judges the objects each delivery carries is
 * pack-wide: `../delivery.test.ts`.)
 */
import { byName, describePolicy, resource, UNKNOWN } from "../harness";

describePolicy({
  policy: "k8s-content-visible-at-preview",
  settings: { allowedNamespaces: ["platform-tools"] },
  fixture: () => [
    resource("kubernetes:helm.sh/v4:Chart", "ingress", { chart: "./ingress", namespace: "platform-tools" }),
    resource("kubernetes:yaml/v2:ConfigGroup", "inline", {
      yaml: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: payments}\n",
    }),
  ],
  mutations: [
    {
      name: "a Helm chart installed into a team namespace",
      mutate: (rs) => void (byName(rs, "ingress").namespace = "payments"),
      expect: /helm\.sh\/v4:Chart ingress installs into namespace "payments"/,
    },
    {
      name: "a chart without namespace falls into default",
      mutate: (rs) => void delete byName(rs, "ingress").namespace,
      expect: /installs into namespace "default"/,
    },
    {
      name: "manifest files beside inline YAML",
      mutate: (rs) => void (byName(rs, "inline").files = ["extra/*.yaml"]),
      expect: /ConfigGroup inline installs into namespace "default", and manifest files/,
    },
    {
      name: "an inline object without apiVersion and kind",
      mutate: (rs) => void (byName(rs, "inline").objs = [{ metadata: { name: "x" } }]),
      expect: /objs\[0\]: no apiVersion and kind/,
    },
  ],
  unknown: {
    name: "the chart's namespace",
    mutate: (rs) => void (byName(rs, "ingress").namespace = UNKNOWN),
    stillReports: /a namespace unknown at preview/,
    deferred: false,
  },
});
