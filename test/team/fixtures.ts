/**
 * Shared fixtures of the team-components suites: two teams as the platform knows them (one on pod
 * identity, one on workload identity) and their contracts, built by the real builder.
 */
import { buildTeamContract } from "../../components/team/contract";
import type { TeamContractData, TeamContractSource } from "../../components/team/contract";
import type { IdentityMode } from "../../infra/config/types";

export const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";

/** A kubeconfig as AKS user credentials give it: endpoint + CA, authentication through kubelogin. */
export const TEAM_KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: aks
  cluster:
    server: https://aks-prod.hcp.westeurope.azmk8s.io:443
    certificate-authority-data: LS0tLS1CRUdJTi0=
users:
- name: team
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: kubelogin
      args: [get-token, --login, azurecli, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630]
contexts:
- name: aks
  context: { cluster: aks, user: team }
current-context: aks
`;

export const SERVER = "https://aks-prod.hcp.westeurope.azmk8s.io:443";

/** One team's platform-side description (resolved values). */
export function teamSource(
  name: string,
  namespace: string,
  identity: string,
  mode: IdentityMode,
  clientId: string,
): TeamContractSource<string> {
  return {
    name,
    namespaces: [namespace],
    identityMode: mode,
    resourceGroupId: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-aks-${name}`,
    identities: [{ name: identity, namespace, serviceAccount: `${identity}-sa`, clientId }],
  };
}

export const TEAM_A = teamSource(
  "team-a",
  "orders",
  "orders-reader",
  "pod-identity",
  "11111111-1111-4111-8111-111111111111",
);
export const TEAM_B = teamSource(
  "team-b",
  "billing",
  "billing-writer",
  "workload-identity",
  "22222222-2222-4222-8222-222222222222",
);

/** A contract as the platform stack exports it. */
export function contractOf(source: TeamContractSource<string>, registries?: string[]): TeamContractData {
  const registry = `acr${source.name.replace(/-/g, "")}.azurecr.io`;
  return buildTeamContract(source, { server: SERVER, kubeconfig: TEAM_KUBECONFIG }, registries ?? [registry]);
}

/** The same team, moved by the platform to the other identity mode. */
export function switched(source: TeamContractSource<string>): TeamContractSource<string> {
  return {
    ...source,
    identityMode: source.identityMode === "pod-identity" ? "workload-identity" : "pod-identity",
  };
}
