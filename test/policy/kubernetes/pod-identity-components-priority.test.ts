/**
 * `pod-identity-components-priority` (issue 13) on the placement world, then MIC or NMI at a class
 * a team pod could preempt.
 */
import { byName, describePolicy, UNKNOWN } from "../harness";
import { world } from "./placement-fixtures";

describePolicy({
  policy: "pod-identity-components-priority",
  fixture: world,
  mutations: [
    {
      name: "NMI without a priority class",
      mutate: (rs) => void delete byName(rs, "nmi").spec.template.spec.priorityClassName,
      expect: /DaemonSet nmi: NMI runs at priorityClassName "\(none\)", must be system-node-critical/,
    },
    {
      name: "MIC at the node-critical class of NMI",
      mutate: (rs) => void (byName(rs, "mic").spec.template.spec.priorityClassName = "system-node-critical"),
      expect: /MIC runs at priorityClassName "system-node-critical", must be system-cluster-critical/,
    },
  ],
  unknown: {
    name: "NMI's priority class",
    mutate: (rs) => void (byName(rs, "nmi").spec.template.spec.priorityClassName = UNKNOWN),
  },
});
