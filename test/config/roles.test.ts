/** The built-in role catalogue and the roles refused for workload identities. */
import {
  BUILT_IN_ROLES,
  FORBIDDEN_WORKLOAD_ROLES,
  isBuiltInRole,
  roleDefinitionId,
} from "../../conventions/roles";

describe("BUILT_IN_ROLES", () => {
  it("holds the roles the blueprint and its teams use", () => {
    for (const role of [
      "Reader",
      "Contributor",
      "Owner",
      "User Access Administrator",
      "Managed Identity Operator",
      "Virtual Machine Contributor",
      "AcrPull",
      "Storage Blob Data Reader",
      "Storage Blob Data Contributor",
      "Key Vault Secrets User",
      "Key Vault Certificate User",
      "Key Vault Crypto User",
      "Azure Service Bus Data Sender",
      "Azure Service Bus Data Receiver",
      "Azure Event Hubs Data Sender",
      "Azure Event Hubs Data Receiver",
    ]) {
      expect(isBuiltInRole(role)).toBe(true);
    }
  });

  it("maps every role to a distinct lowercase GUID", () => {
    const guids = Object.values(BUILT_IN_ROLES);
    for (const guid of guids)
      expect(guid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(new Set(guids).size).toBe(guids.length);
  });

  it("pins the GUIDs that guard identity theft (a wrong one would grant something else)", () => {
    expect(BUILT_IN_ROLES["Managed Identity Operator"]).toBe("f1a07417-d97a-45cb-824c-7a7467783830");
    expect(BUILT_IN_ROLES["Virtual Machine Contributor"]).toBe("9980e02c-c2be-4d73-94e8-173b1dc7cf3c");
    expect(BUILT_IN_ROLES.Owner).toBe("8e3af657-a8ff-443c-a75c-2fe8c4bcb635");
  });
});

describe("roleDefinitionId", () => {
  it("builds the subscription-qualified ID Azure reads back", () => {
    expect(roleDefinitionId("00000000-0000-0000-0000-000000000001", "AcrPull")).toBe(
      "/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d",
    );
  });
  it("throws on a role outside the catalogue, naming it", () => {
    expect(() => roleDefinitionId("sub", "Storage Blob Reader")).toThrow(/Storage Blob Reader/);
    expect(() => roleDefinitionId("sub", "toString")).toThrow(/toString/);
  });
});

describe("FORBIDDEN_WORKLOAD_ROLES", () => {
  const forbidden = (role: string) => role in FORBIDDEN_WORKLOAD_ROLES;

  it.each([
    ["Owner", true],
    ["Contributor", true],
    ["User Access Administrator", true],
    ["Role Based Access Control Administrator", true],
    ["Storage Blob Data Reader", false],
    ["Key Vault Secrets User", false],
    ["Azure Service Bus Data Sender", false],
    ["AcrPull", false],
  ])(
    "%s forbidden: %s (roles that write role assignments are; data-plane roles are not)",
    (role, expected) => {
      expect(forbidden(role)).toBe(expected);
    },
  );

  it("only names catalogue roles", () => {
    for (const role of Object.keys(FORBIDDEN_WORKLOAD_ROLES)) expect(isBuiltInRole(role)).toBe(true);
  });
});
