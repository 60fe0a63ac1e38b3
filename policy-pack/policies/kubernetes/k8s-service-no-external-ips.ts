/**
 * Preview-time twin of the admission rule on Service externalIPs (issue 13, CVE-2020-8554):
 * kube-proxy sends traffic for any address a Service lists there (cluster DNS, another team, a node)
 * to that Service's pods, so a team Service could intercept it.
 */
import { validateResourceOfType } from "@pulumi/policy";
import { Service } from "@pulumi/kubernetes/core/v1/service";
import { judged, Props } from "../lib/judge";
import { PackResourcePolicy } from "../lib/metadata";

export const k8sServiceNoExternalIps: PackResourcePolicy = {
  name: "k8s-service-no-external-ips",
  description:
    "No Service sets spec.externalIPs: kube-proxy would send traffic for those addresses (cluster DNS, other teams, nodes) to the Service's pods (CVE-2020-8554).",
  severity: "high",
  remediationSteps:
    "Remove spec.externalIPs; expose the Service through an internal LoadBalancer or an ingress the platform runs.",
  tags: [],
  validateResource: validateResourceOfType(Service, (props, args, report) =>
    judged(report, (j) => {
      const ips = j.items(() => (props as Props).spec?.externalIPs as string[] | undefined);
      if (ips.length > 0)
        j.report(`Service ${args.name}: spec.externalIPs ${ips.join(", ")} (CVE-2020-8554).`);
    }),
  ),
};
