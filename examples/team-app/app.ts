/**
 * A team's program. Nothing in it says "pod identity" or "workload identity": the team names its
 * identity, and the contract read from the platform stack decides how the pods bind to it.
 */
import * as pulumi from "@pulumi/pulumi";
import { TeamWorkload, getTeamContract } from "@aks-hardening/components/team";

export async function main(): Promise<Record<string, unknown>> {
  const config = new pulumi.Config("team-app");
  const contract = await getTeamContract(config.require("contractStack"), config.require("team"));

  const api = new TeamWorkload("api", {
    contract,
    identity: config.require("identity"),
    image: config.require("image"),
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
    probes: {
      readiness: { path: "/ready" },
      liveness: { path: "/healthz", periodSeconds: 20 },
      startup: { path: "/healthz", failureThreshold: 30 },
    },
    env: { LOG_LEVEL: "info" },
    service: { port: 80 },
  });

  return { namespace: api.namespace, serviceAccount: api.serviceAccountName };
}
