/**
 * `k8s-service-no-external-ips` (issue 13, CVE-2020-8554) on the placement world, then a Service
 * with externalIPs.
 */
import { byName, describePolicy, UNKNOWN } from "../harness";
import { world } from "./placement-fixtures";

describePolicy({
  policy: "k8s-service-no-external-ips",
  fixture: world,
  mutations: [
    {
      name: "externalIPs (CVE-2020-8554)",
      mutate: (rs) => void (byName(rs, "api-svc").spec.externalIPs = ["10.0.0.10"]),
      expect: /Service api-svc: spec.externalIPs 10.0.0.10/,
    },
  ],
  unknown: {
    name: "one external IP, beside a known one",
    mutate: (rs) => void (byName(rs, "api-svc").spec.externalIPs = [UNKNOWN, "10.0.0.10"]),
    stillReports: /10.0.0.10/,
  },
});
