/**
 * Values that real providers compute and that downstream code reads (IDs, principal IDs, the OIDC
 * issuer). Under mocks they would otherwise be undefined; we fill them in deterministically so that
 * the wiring between resources (e.g. a role assignment's principal) can be asserted.
 */

/** The fake subscription every mocked Azure resource lives in. */
export const MOCK_SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000";

/** A stable, GUID-shaped value derived from a resource's type and name. */
export function mockGuid(seed: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < seed.length; i++) {
    h1 = Math.imul(h1 ^ seed.charCodeAt(i), 16777619) >>> 0;
    h2 = Math.imul(h2 ^ seed.charCodeAt(i), 2246822519) >>> 0;
  }
  const hex = (h1.toString(16).padStart(8, "0") + h2.toString(16).padStart(8, "0")).repeat(2);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** Computed outputs for the resource types the blueprint reads back. */
export function computedOutputs(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
): Record<string, unknown> {
  const sub = `/subscriptions/${MOCK_SUBSCRIPTION_ID}`;
  const rg = str(inputs.resourceGroupName) ?? "rg";
  switch (type) {
    case "azure-native:resources:ResourceGroup": {
      const rgName = str(inputs.resourceGroupName) ?? name;
      return { name: rgName, id: `${sub}/resourceGroups/${rgName}` };
    }
    case "azure-native:managedidentity:UserAssignedIdentity": {
      const idName = str(inputs.resourceName) ?? name;
      return {
        name: idName,
        id: `${sub}/resourceGroups/${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${idName}`,
        principalId: mockGuid(`principal:${name}`),
        clientId: mockGuid(`client:${name}`),
        tenantId: mockGuid("tenant"),
      };
    }
    case "azure-native:containerservice:ManagedCluster": {
      const clusterName = str(inputs.resourceName) ?? name;
      return {
        name: clusterName,
        id: `${sub}/resourceGroups/${rg}/providers/Microsoft.ContainerService/managedClusters/${clusterName}`,
        nodeResourceGroup: str(inputs.nodeResourceGroup) ?? `MC_${rg}_${clusterName}`,
        fqdn: `${clusterName}.hcp.example.azmk8s.io`,
        oidcIssuerProfile: { enabled: true, issuerURL: `https://oidc.example.azure.com/${mockGuid(name)}/` },
      };
    }
    case "azure-native:operationalinsights:Workspace": {
      const wsName = str(inputs.workspaceName) ?? name;
      return {
        name: wsName,
        id: `${sub}/resourceGroups/${rg}/providers/Microsoft.OperationalInsights/workspaces/${wsName}`,
        customerId: mockGuid(`workspace:${name}`),
      };
    }
    default:
      return {};
  }
}

/** The kubeconfig the mocked AKS user-credentials API returns (an Entra exec login, as AKS gives). */
export const MOCK_USER_KUBECONFIG = [
  "apiVersion: v1",
  "kind: Config",
  "clusters:",
  "- name: mock",
  "  cluster: { server: https://mock.hcp.example.azmk8s.io:443 }",
  "contexts:",
  "- name: mock",
  "  context: { cluster: mock, user: mock-user }",
  "current-context: mock",
  "users:",
  "- name: mock-user",
  "  user:",
  "    exec:",
  "      apiVersion: client.authentication.k8s.io/v1beta1",
  "      command: kubelogin",
  "      args: [get-token, --login, azurecli, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630]",
  "",
].join("\n");

/**
 * Answers the invokes the blueprint program makes, for the recording mocks' `call` option and the
 * offline plan. The program makes exactly one: the user (never admin) credentials of the new cluster.
 * Any other token throws, so an unexpected invoke is noticed rather than answered with nothing.
 */
export function mockInvoke(token: string, inputs: Record<string, unknown>): Record<string, unknown> {
  switch (token) {
    case "azure-native:containerservice:listManagedClusterUserCredentials":
      return {
        kubeconfigs: [
          { name: "clusterUser", value: Buffer.from(MOCK_USER_KUBECONFIG, "utf8").toString("base64") },
        ],
      };
    default:
      throw new Error(`unexpected invoke under mocks: ${token} ${JSON.stringify(inputs)}`);
  }
}
