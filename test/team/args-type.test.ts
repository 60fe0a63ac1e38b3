/**
 * Insecure options are not expressible through `TeamWorkloadArgs`: the compile-time half is checked
 * by `tsc` (every `@ts-expect-error` below must stay an error, or the type-check fails), the run-time
 * half shows that an untyped (JavaScript) caller's extra keys change nothing in the rendered pods.
 */
import * as pulumi from "@pulumi/pulumi";
import type { TeamContract } from "../../components/team/contract";
import { checkRestrictedPodSpec } from "../../components/team/pod-security";
import { renderTeamWorkload } from "../../components/team/workload";
import type { TeamWorkloadArgs } from "../../components/team/workload-args";
import { TEAM_A, contractOf } from "./fixtures";

const data = contractOf(TEAM_A);
const contract: TeamContract = {
  ...data,
  kubernetes: { ...data.kubernetes, kubeconfig: pulumi.secret(data.kubernetes.kubeconfig) },
};

const base: TeamWorkloadArgs = {
  contract,
  identity: "orders-reader",
  image: "acrteama.azurecr.io/orders-api:1.4.2",
  resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
  probes: { readiness: { path: "/ready" }, liveness: { path: "/healthz" } },
};

/** What an attacker-minded or careless caller would like to pass. */
const insecure = {
  privileged: true,
  hostNetwork: true,
  hostPID: true,
  capabilities: { add: ["NET_ADMIN", "NET_RAW"] },
  securityContext: { runAsUser: 0, allowPrivilegeEscalation: true, seccompProfile: { type: "Unconfined" } },
  podLabels: { aadpodidbinding: "billing.billing-writer" },
  serviceAccountName: "billing-writer-sa",
  hostPath: "/etc/kubernetes",
};

// Never called: it exists for `tsc`, which must reject each of these literals.
export function notExpressible(): TeamWorkloadArgs[] {
  return [
    // @ts-expect-error privileged mode is not an arg
    { ...base, privileged: true },
    // @ts-expect-error host networking is not an arg
    { ...base, hostNetwork: true },
    // @ts-expect-error capabilities are not an arg
    { ...base, capabilities: { add: ["NET_ADMIN"] } },
    // @ts-expect-error a raw securityContext is not an arg
    { ...base, securityContext: { runAsUser: 0 } },
    // @ts-expect-error the ServiceAccount is chosen from the contract, not by the caller
    { ...base, serviceAccountName: "billing-writer-sa" },
    // @ts-expect-error probes cannot target another host
    { ...base, probes: { readiness: { path: "/r", host: "169.254.169.254" }, liveness: { path: "/l" } } },
  ];
}

describe("TeamWorkloadArgs", () => {
  it("ignores insecure keys an untyped caller smuggles in: the pods are rendered exactly as without them", () => {
    const plain = renderTeamWorkload("api", base);
    const smuggled = renderTeamWorkload("api", { ...base, ...insecure } as TeamWorkloadArgs);
    expect(smuggled).toEqual(plain);
    expect(checkRestrictedPodSpec(smuggled.deployment.spec.template.spec)).toEqual([]);
    expect(smuggled.deployment.spec.template.metadata.labels.aadpodidbinding).toBe("orders.orders-reader");
  });
});
