/**
 * Every team namespace has a default-deny NetworkPolicy (ingress and egress), and no allow-all
 * policy beside it, so a compromised pod reaches only what its team explicitly allowed (and not,
 * say, NMI's port on the node).
 */
import { coversEveryIpv4Address } from "../../../conventions/formats";
import { TEAM_LABEL } from "../../../conventions/kubernetes";
import type { PolicyResource } from "@pulumi/policy";
import { Judge, judged, Props } from "../lib/judge";
import { PackStackPolicy, cisTags } from "../lib/metadata";
import { metadataEntry, metadataOf, namespacesByName } from "./support/stack-index";

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
  const cidr = wholeBlock(j, peer);
  return cidr === "0.0.0.0/0" || cidr === "::/0";
}

/** The CIDR of a peer's `ipBlock` when nothing is excepted from it (a block with `except` is narrower). */
function wholeBlock(j: Judge, peer: Props): string | undefined {
  const block = j.read(() => peer.ipBlock as Props | undefined);
  if (typeof block !== "object" || block === null) return undefined;
  const cidr = j.read(() => block.cidr);
  const except = j.read(() => block.except as unknown[] | undefined);
  const nothingExcepted = except === undefined || (Array.isArray(except) && except.length === 0);
  return typeof cidr === "string" && nothingExcepted ? cidr.trim() : undefined;
}

/** A rule of a policy that admits every port: either every peer, or these whole IPv4/IPv6 blocks. */
export interface WidestRule {
  /** `ingress[0]`, `egress[2]`. */
  rule: string;
  direction: "ingress" | "egress";
  /** No peers, or a peer that is every address (0.0.0.0/0, ::/0). */
  everyPeer: boolean;
  /** The peers' blocks with nothing excepted (when not every peer). */
  cidrs: string[];
}

/**
 * The rules of a policy that admit every port (no ports, or only entries that admit every port),
 * with what their peers reach. A rule whose peers are every address undoes a default deny alone;
 * rules whose blocks together cover every IPv4 address (`0.0.0.0/1` + `128.0.0.0/1`, in one rule,
 * several, or several policies) undo it together. IPv6 is judged by `::/0` alone.
 */
export function widestRules(j: Judge, policy: PolicyResource): WidestRule[] {
  const widest: WidestRule[] = [];
  for (const [direction, peersKey] of [
    ["ingress", "from"],
    ["egress", "to"],
  ] as const) {
    const rules = j.items(() => policy.props.spec?.[direction] as Props[] | undefined);
    rules.forEach((rule, i) => {
      const peers = j.list(() => rule[peersKey] as Props[] | undefined);
      const ports = j.list(() => rule.ports as Props[] | undefined);
      if (!peers.complete || !ports.complete) return;
      if (!(ports.known.length === 0 || ports.known.every((p) => everyPort(j, p)))) return;
      const everyPeer = peers.known.length === 0 || peers.known.some((p) => everyAddress(j, p));
      const cidrs = everyPeer
        ? []
        : peers.known.map((p) => wholeBlock(j, p)).filter((c): c is string => c !== undefined);
      if (everyPeer || cidrs.length > 0)
        widest.push({ rule: `${direction}[${i}]`, direction, everyPeer, cidrs });
    });
  }
  return widest;
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
      /** Per team namespace and direction: the rules on every port whose blocks may add up to everything. */
      const partial = new Map<string, { where: string; cidrs: string[]; urn: string }[]>();
      for (const r of args.resources) {
        if (r.type !== NETWORK_POLICY_TYPE) continue;
        const namespace = metadataOf(j, r, "namespace") ?? "default";
        if (typeof namespace !== "string") continue;
        const name = String(metadataOf(j, r, "name"));
        if (teamNamespaces.has(namespace))
          for (const widest of widestRules(j, r)) {
            if (widest.everyPeer) {
              j.report(
                `NetworkPolicy ${name} in team namespace ${namespace}: ${widest.rule} allows all traffic (no peers or every address, on every port), undoing the default deny.`,
                r.urn,
              );
              continue;
            }
            const key = `${namespace}\0${widest.direction}`;
            partial.set(key, [
              ...(partial.get(key) ?? []),
              { where: `${name} ${widest.rule}`, cidrs: widest.cidrs, urn: r.urn },
            ]);
          }
        const set = denied.get(namespace) ?? new Set<string>();
        deniedDirections(j, r).forEach((d) => set.add(d));
        denied.set(namespace, set);
      }
      for (const [key, rules] of partial) {
        if (!coversEveryIpv4Address(rules.flatMap((r) => r.cidrs))) continue;
        const [namespace, direction] = key.split("\0");
        j.report(
          `NetworkPolicy rules ${rules.map((r) => r.where).join(", ")} in team namespace ${namespace} together allow ${direction} from or to every IPv4 address on every port (${rules.flatMap((r) => r.cidrs).join(", ")}), undoing the default deny.`,
          rules[0].urn,
        );
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
