/**
 * The NetworkPolicies of a team namespace: deny everything in and out, then open DNS and the one
 * path the team's identity mode needs to obtain Azure tokens.
 *
 * NetworkPolicy cannot block IMDS reliably on AKS (host routes to 169.254.169.254), so it is not the
 * IMDS control here (NMI's interception and `--block-instance-metadata` are); it limits what a
 * compromised pod can reach with a token it holds.
 */
import type * as k8s from "@pulumi/kubernetes";
import type { IdentityMode } from "../../conventions/modes";
import { NAMESPACE_NAME_LABEL, WORKLOAD_IDENTITY_USE_LABEL } from "../../conventions/kubernetes";

type NetworkPolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;

/** NMI's port on the node: pod traffic to IMDS is DNAT'd to `<node IP>:2579`. */
export const NMI_PORT = 2579;

export interface TeamNetworkPolicy {
  name: string;
  spec: NetworkPolicySpec;
}

/** Every pod, both directions, nothing allowed. */
export const DEFAULT_DENY: TeamNetworkPolicy = {
  name: "default-deny-all",
  spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
};

/** DNS to CoreDNS in kube-system only. */
export const ALLOW_DNS: TeamNetworkPolicy = {
  name: "allow-dns-egress",
  spec: {
    podSelector: {},
    policyTypes: ["Egress"],
    egress: [
      {
        to: [
          {
            namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: "kube-system" } },
            podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
          },
        ],
        ports: [
          { protocol: "UDP", port: 53 },
          { protocol: "TCP", port: 53 },
        ],
      },
    ],
  },
};

/** Pod identity: token requests go to IMDS's address and are redirected to NMI on the node. */
export const ALLOW_POD_IDENTITY_TOKENS: TeamNetworkPolicy = {
  name: "allow-pod-identity-token-egress",
  spec: {
    podSelector: {},
    policyTypes: ["Egress"],
    egress: [
      { to: [{ ipBlock: { cidr: "169.254.169.254/32" } }], ports: [{ protocol: "TCP", port: 80 }] },
      { ports: [{ protocol: "TCP", port: NMI_PORT }] },
    ],
  },
};

/**
 * Workload identity: pods exchange their projected token at Microsoft Entra ID over HTTPS, whose
 * addresses are not fixed, so only the port can be pinned here (an egress firewall narrows it).
 * Only pods that opted in to workload identity get it.
 */
export const ALLOW_WORKLOAD_IDENTITY_TOKENS: TeamNetworkPolicy = {
  name: "allow-workload-identity-token-egress",
  spec: {
    podSelector: { matchLabels: { [WORKLOAD_IDENTITY_USE_LABEL]: "true" } },
    policyTypes: ["Egress"],
    egress: [{ ports: [{ protocol: "TCP", port: 443 }] }],
  },
};

/** The policies for one team namespace. */
export function teamNetworkPolicies(mode: IdentityMode): TeamNetworkPolicy[] {
  return [
    DEFAULT_DENY,
    ALLOW_DNS,
    mode === "pod-identity" ? ALLOW_POD_IDENTITY_TOKENS : ALLOW_WORKLOAD_IDENTITY_TOKENS,
  ];
}
