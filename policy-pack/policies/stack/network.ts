/**
 * Every team namespace has a default-deny NetworkPolicy (ingress and egress), and no allow-all
 * policy beside it, so a compromised pod reaches only what its team explicitly allowed (and not,
 * say, NMI's port on the node).
 */
import { TEAM_LABEL } from "../../../conventions/kubernetes";
import type { PolicyResource } from "@pulumi/policy";
import { Judge, judged, Props } from "../lib/judge";
import { PackStackPolicy, cisTags } from "../lib/metadata";
import { metadataEntry, metadataOf, namespacesByName } from "./stack-index";

const NETWORK_POLICY_TYPE = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

/** The directions (Ingress/Egress) a NetworkPolicy denies for every pod of its namespace. */
export function deniedDirections(j: Judge, policy: PolicyResource): Set<string> {
  const denied = new Set<string>();
  const selector = j.read(() => policy.props.spec?.podSelector as Props | undefined);
  if (typeof selector !== "object" || selector === null) return denied;
  const selectsAll =
    j.entries(() => selector.matchLabels as Record<string, string> | undefined).length === 0 &&
    j.items(() => selector.matchExpressions as Props[] | undefined).length === 0;
  if (!selectsAll) return denied;
  const types = j.read(() => policy.props.spec?.policyTypes as string[] | undefined);
  // Without policyTypes Kubernetes treats the policy as Ingress (plus Egress if it has egress rules).
  const effective =
    types === undefined ? ["Ingress"] : j.items(() => policy.props.spec?.policyTypes as string[]);
  for (const type of effective) {
    const rules = j.read(() => policy.props.spec?.[type.toLowerCase()] as Props[] | undefined);
    if (rules === undefined || (Array.isArray(rules) && rules.length === 0)) denied.add(type);
  }
  return denied;
}

/** A port entry that admits every port of its protocol: no `port`, or `port: 1` through `endPort: 65535`. */
function everyPort(j: Judge, entry: Props): boolean {
  const port = j.read(() => entry.port);
  const endPort = j.read(() => entry.endPort);
  return port === undefined || ((port === 1 || port === "1") && endPort === 65535);
}

/** A peer that is every address: `ipBlock` 0.0.0.0/0 or ::/0 with nothing excepted. */
function everyAddress(j: Judge, peer: Props): boolean {
  const block = j.read(() => peer.ipBlock as Props | undefined);
  if (typeof block !== "object" || block === null) return false;
  const cidr = j.read(() => block.cidr);
  const except = j.read(() => block.except as unknown[] | undefined);
  return (
    (cidr === "0.0.0.0/0" || cidr === "::/0") &&
    (except === undefined || (Array.isArray(except) && except.length === 0))
  );
}

/**
 * Rules of a policy that let all traffic through: no peers (or a peer that is every address) and no
 * ports (or only entries that admit every port). Coverage assembled from several narrower CIDRs
 * (0.0.0.0/1 + 128.0.0.0/1) is not computed.
 */
export function openRules(j: Judge, policy: PolicyResource): string[] {
  const open: string[] = [];
  for (const [direction, peersKey] of [
    ["ingress", "from"],
    ["egress", "to"],
  ] as const) {
    const rules = j.items(() => policy.props.spec?.[direction] as Props[] | undefined);
    rules.forEach((rule, i) => {
      const peers = j.list(() => rule[peersKey] as Props[] | undefined);
      const ports = j.list(() => rule.ports as Props[] | undefined);
      if (!peers.complete || !ports.complete) return;
      const allPeers = peers.known.length === 0 || peers.known.some((p) => everyAddress(j, p));
      const allPorts = ports.known.length === 0 || ports.known.every((p) => everyPort(j, p));
      if (allPeers && allPorts) open.push(`${direction}[${i}]`);
    });
  }
  return open;
}

export const teamNamespaceDefaultDeny: PackStackPolicy = {
  name: "team-namespace-default-deny",
  description:
    "Every team namespace (label aks-hardening.io/team) has NetworkPolicies with an empty podSelector that deny all ingress and all egress by default, and no policy there opens all traffic again (a rule with no peers, or 0.0.0.0/0, and no ports).",
  severity: "high",
  remediationSteps:
    'Add a NetworkPolicy in the namespace with `podSelector: {}` and `policyTypes: ["Ingress", "Egress"]` and no rules, then allow the flows the team needs with further policies.',
  tags: cisTags(["4.4.2"]),
  validateStack: (args, report) =>
    judged(report, (j) => {
      const denied = new Map<string, Set<string>>();
      const teamNamespaces = new Set(
        [...namespacesByName(j, args.resources)]
          .filter(([, ns]) => metadataEntry(j, ns, "labels", TEAM_LABEL) !== undefined)
          .map(([name]) => name),
      );
      for (const r of args.resources) {
        if (r.type !== NETWORK_POLICY_TYPE) continue;
        const namespace = metadataOf(j, r, "namespace") ?? "default";
        if (typeof namespace !== "string") continue;
        if (teamNamespaces.has(namespace))
          for (const rule of openRules(j, r))
            j.report(
              `NetworkPolicy ${String(metadataOf(j, r, "name"))} in team namespace ${namespace}: ${rule} allows all traffic (no peers or 0.0.0.0/0, no ports), undoing the default deny.`,
              r.urn,
            );
        const set = denied.get(namespace) ?? new Set<string>();
        deniedDirections(j, r).forEach((d) => set.add(d));
        denied.set(namespace, set);
      }
      for (const [name, namespace] of namespacesByName(j, args.resources)) {
        if (metadataEntry(j, namespace, "labels", TEAM_LABEL) === undefined) continue;
        const directions = denied.get(name) ?? new Set();
        const missing = ["Ingress", "Egress"].filter((d) => !directions.has(d));
        if (missing.length > 0) {
          j.report(
            `Team namespace ${name} has no default-deny NetworkPolicy for ${missing.join(" and ")}.`,
            namespace.urn,
          );
        }
      }
    }),
};
