/**
 * TeamFootprint under mocks: each team's grants stay inside its own resource group, federated
 * credentials bind exactly one ServiceAccount, and MIC's "Managed Identity Operator" lands on single
 * identities only. Each scoping check is also shown to fail on a mutated (widened) assignment.
 */
import { Provider as AzureProvider } from "@pulumi/azure-native/provider";
import {
  TeamFootprint,
  WORKLOAD_IDENTITY_AUDIENCE,
  deterministicGuid,
  roleSlug,
  subscriptionIdOf,
} from "../../components/azure";
import { BUILT_IN_ROLES } from "../../conventions/roles";
import { MOCK_SUBSCRIPTION_ID } from "../../testing/computed-outputs";
import { ofType, runProgramUnderMocks, single, type RecordedResource } from "../../testing/recording-mocks";

const RA = "azure-native:authorization:RoleAssignment";
const UAMI = "azure-native:managedidentity:UserAssignedIdentity";
const FIC = "azure-native:managedidentity:FederatedIdentityCredential";
const ISSUER = "https://westeurope.oic.prod-aks.azure.com/tenant/cluster/";
const MIC_PRINCIPAL = "99999999-9999-4999-8999-999999999999";
const MIO_GUID = BUILT_IN_ROLES["Managed Identity Operator"];
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let recorded: RecordedResource[];

beforeAll(async () => {
  ({ resources: recorded } = await runProgramUnderMocks(() => {
    const provider = new AzureProvider("azure", { location: "westeurope" });
    const common = { provider, clusterName: "aks", location: "westeurope" };
    new TeamFootprint("aks-payments", {
      ...common,
      team: "payments",
      identityMode: "workload-identity",
      oidcIssuerUrl: ISSUER,
      // Even with MIC configured, a workload-identity team's identities are never handed to MIC.
      micPrincipalId: MIC_PRINCIPAL,
      identities: [
        {
          name: "ledger",
          namespace: "payments",
          serviceAccount: "ledger-sa",
          roles: ["Storage Blob Data Reader", "Key Vault Secrets User"],
        },
        { name: "api", namespace: "payments-api", serviceAccount: "api", roles: [] },
      ],
    });
    new TeamFootprint("aks-orders", {
      ...common,
      team: "orders",
      identityMode: "pod-identity",
      micPrincipalId: MIC_PRINCIPAL,
      identities: [
        {
          name: "worker",
          namespace: "orders",
          serviceAccount: "worker",
          roles: ["Storage Blob Data Contributor"],
        },
        { name: "reporter", namespace: "orders", serviceAccount: "reporter", roles: ["Reader"] },
      ],
    });
    // Pod identity in managed mode: no MIC, so no Managed Identity Operator at all.
    new TeamFootprint("aks-search", {
      ...common,
      team: "search",
      identityMode: "pod-identity",
      identities: [{ name: "indexer", namespace: "search", serviceAccount: "indexer", roles: ["Reader"] }],
    });
    return {};
  }));
});

const rgId = (team: string) => `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/rg-aks-${team}`;
const identityOf = (team: string, name: string) => single(recorded, UAMI, `aks-${team}-${name}-identity`);
const isMio = (ra: RecordedResource) => String(ra.inputs.roleDefinitionId).endsWith(`/${MIO_GUID}`);

/** A workload role assignment is acceptable only at exactly its team's resource group. */
function scopedToTeamGroup(ra: RecordedResource, team: string): boolean {
  return ra.inputs.scope === rgId(team);
}

/** MIC's grant is acceptable only on one user-assigned identity of the team. */
function onSingleTeamIdentity(ra: RecordedResource, team: string): boolean {
  return new RegExp(
    `^${rgId(team)}/providers/Microsoft\\.ManagedIdentity/userAssignedIdentities/[^/]+$`,
  ).test(String(ra.inputs.scope));
}

const widen = (ra: RecordedResource, scope: string): RecordedResource => ({
  ...ra,
  inputs: { ...ra.inputs, scope },
});

describe("resource groups and identities", () => {
  it("gives every team its own resource group", () => {
    for (const team of ["payments", "orders", "search"]) {
      expect(single(recorded, "azure-native:resources:ResourceGroup", `aks-${team}-rg`).inputs).toMatchObject(
        {
          resourceGroupName: `rg-aks-${team}`,
          location: "westeurope",
        },
      );
    }
  });

  it("creates one user-assigned identity per declared workload, inside the team's group", () => {
    expect(ofType(recorded, UAMI)).toHaveLength(5);
    expect(identityOf("payments", "ledger").inputs).toMatchObject({
      resourceGroupName: "rg-aks-payments",
      resourceName: "id-aks-payments-ledger",
    });
    expect(identityOf("orders", "worker").inputs.resourceGroupName).toBe("rg-aks-orders");
  });
});

describe("workload role assignments", () => {
  const workloadGrants = () => ofType(recorded, RA).filter((ra) => !isMio(ra));

  it("grants each declared role, and only those", () => {
    expect(
      workloadGrants()
        .map((ra) => ra.name)
        .sort(),
    ).toEqual(
      [
        "aks-orders-reporter-reader",
        "aks-orders-worker-storage-blob-data-contributor",
        "aks-payments-ledger-key-vault-secrets-user",
        "aks-payments-ledger-storage-blob-data-reader",
        "aks-search-indexer-reader",
      ].sort(),
    );
    const ledgerReader = single(recorded, RA, "aks-payments-ledger-storage-blob-data-reader");
    expect(ledgerReader.inputs.principalId).toBe(identityOf("payments", "ledger").outputs.principalId);
  });

  it("scopes every workload grant to the team's own resource group, never wider", () => {
    for (const ra of workloadGrants()) {
      const team = ra.name.split("-")[1];
      expect(scopedToTeamGroup(ra, team)).toBe(true);
    }
    const sample = single(recorded, RA, "aks-orders-worker-storage-blob-data-contributor");
    expect(scopedToTeamGroup(widen(sample, `/subscriptions/${MOCK_SUBSCRIPTION_ID}`), "orders")).toBe(false);
    expect(scopedToTeamGroup(widen(sample, rgId("payments")), "orders")).toBe(false);
  });

  it("never assigns anything at subscription scope", () => {
    const all = ofType(recorded, RA);
    expect(all.length).toBeGreaterThan(0);
    for (const ra of all) expect(String(ra.inputs.scope)).not.toMatch(/^\/subscriptions\/[^/]+\/?$/);
  });

  it("uses full role definition IDs, ServicePrincipal and deterministic GUID names", () => {
    const all = ofType(recorded, RA);
    for (const ra of all) {
      expect(ra.inputs.principalType).toBe("ServicePrincipal");
      const roleDefinitionId = String(ra.inputs.roleDefinitionId);
      const guid = roleDefinitionId.split("/").pop() as string;
      expect(roleDefinitionId).toBe(
        `/subscriptions/${MOCK_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
      );
      expect(Object.values(BUILT_IN_ROLES)).toContain(guid);
      expect(ra.inputs.roleAssignmentName).toMatch(GUID);
    }
    const names = all.map((ra) => ra.inputs.roleAssignmentName);
    expect(new Set(names).size).toBe(names.length);
    // Derived from scope, principal and role, as Microsoft's RBAC guidance recommends.
    const sample = single(recorded, RA, "aks-search-indexer-reader").inputs;
    expect(sample.roleAssignmentName).toBe(
      deterministicGuid(String(sample.scope), String(sample.principalId), String(sample.roleDefinitionId)),
    );
  });
});

describe("workload identity federation", () => {
  it("federates each identity of a workload-identity team with exactly its ServiceAccount", () => {
    const fics = ofType(recorded, FIC);
    expect(fics.map((f) => f.name).sort()).toEqual([
      "aks-payments-api-federation",
      "aks-payments-ledger-federation",
    ]);
    expect(single(recorded, FIC, "aks-payments-ledger-federation").inputs).toEqual({
      resourceGroupName: "rg-aks-payments",
      resourceName: "id-aks-payments-ledger",
      federatedIdentityCredentialResourceName: "aks-payments-ledger-sa",
      issuer: ISSUER,
      subject: "system:serviceaccount:payments:ledger-sa",
      audiences: [WORKLOAD_IDENTITY_AUDIENCE],
    });
    expect(WORKLOAD_IDENTITY_AUDIENCE).toBe("api://AzureADTokenExchange");
  });

  it("refuses a workload-identity team without the cluster's OIDC issuer", () => {
    expect(
      () =>
        new TeamFootprint("x", {
          provider: undefined as unknown as AzureProvider,
          clusterName: "aks",
          team: "x",
          location: "westeurope",
          identityMode: "workload-identity",
        }),
    ).toThrow(/workload-identity mode needs the cluster's OIDC issuer URL/);
  });
});

describe("MIC's Managed Identity Operator (pod identity, standard mode)", () => {
  const mioGrants = () => ofType(recorded, RA).filter(isMio);

  it("grants it to MIC on each approved pod-identity identity individually", () => {
    expect(
      mioGrants()
        .map((ra) => ra.name)
        .sort(),
    ).toEqual(["aks-orders-reporter-mic-mio", "aks-orders-worker-mic-mio"]);
    const worker = single(recorded, RA, "aks-orders-worker-mic-mio");
    expect(worker.inputs).toMatchObject({
      principalId: MIC_PRINCIPAL,
      scope: identityOf("orders", "worker").outputs.id,
    });
  });

  it("scopes it to single identities, never a resource group or subscription", () => {
    for (const ra of mioGrants()) expect(onSingleTeamIdentity(ra, "orders")).toBe(true);
    const sample = single(recorded, RA, "aks-orders-worker-mic-mio");
    expect(onSingleTeamIdentity(widen(sample, rgId("orders")), "orders")).toBe(false);
    expect(onSingleTeamIdentity(widen(sample, `/subscriptions/${MOCK_SUBSCRIPTION_ID}`), "orders")).toBe(
      false,
    );
  });

  it("gives MIC nothing for workload-identity teams or in managed mode", () => {
    expect(mioGrants().filter((ra) => /payments|search/.test(ra.name))).toEqual([]);
  });
});

describe("wiring", () => {
  it("uses the explicit provider and parents every resource to its team component", () => {
    const provider = single(recorded, "pulumi:providers:azure-native", "azure");
    for (const r of recorded.filter((x) => x.type.startsWith("azure-native:"))) {
      expect(r.provider?.startsWith(`${provider.urn}::`)).toBe(true);
      expect(r.parent).toMatch(/aks-hardening:azure:TeamFootprint::aks-(payments|orders|search)$/);
    }
  });
});

describe("naming helpers", () => {
  it("derives stable, distinct, version-5 GUIDs", () => {
    const a = deterministicGuid("a", "Reader");
    expect(a).toMatch(GUID);
    expect(a[14]).toBe("5");
    expect(deterministicGuid("a", "Reader")).toBe(a);
    expect(deterministicGuid("a", "Owner")).not.toBe(a);
    expect(deterministicGuid("aR", "eader")).not.toBe(a);
  });

  it("reads the subscription from any resource ID and refuses non-IDs", () => {
    expect(subscriptionIdOf(`/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/x`)).toBe(
      MOCK_SUBSCRIPTION_ID,
    );
    expect(() => subscriptionIdOf("rg-x")).toThrow(/not an Azure resource ID.*rg-x/);
  });

  it("slugs role names for resource names", () => {
    expect(roleSlug("Storage Blob Data Reader")).toBe("storage-blob-data-reader");
    expect(roleSlug("AcrPull")).toBe("acrpull");
  });
});
