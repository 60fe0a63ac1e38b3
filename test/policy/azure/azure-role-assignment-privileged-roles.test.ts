/**
 * `azure-role-assignment-privileged-roles` on a team's assignments, then a privileged role in each
 * form its ID takes.
 */
import { byName, describePolicy, UNKNOWN } from "../harness";
import { role, BLOB_READER, roleFixture } from "./fixtures";

describePolicy({
  policy: "azure-role-assignment-privileged-roles",
  fixture: roleFixture,
  mutations: [
    {
      name: "Owner",
      mutate: (rs) =>
        void (byName(rs, "blob-reader").roleDefinitionId = role("8e3af657-a8ff-443c-a75c-2fe8c4bcb635")),
      expect: /privileged role/,
    },
    {
      name: "Contributor (bare GUID form)",
      mutate: (rs) =>
        void (byName(rs, "blob-reader").roleDefinitionId = "b24988ac-6180-42a0-ab88-20f7382dd24c"),
      expect: /privileged role/,
    },
    {
      name: "User Access Administrator without principalType",
      mutate: (rs) => {
        byName(rs, "blob-reader").roleDefinitionId =
          `/providers/Microsoft.Authorization/roleDefinitions/18d7d88d-d35e-4fb5-a5c3-7773c20a72d9`;
        delete byName(rs, "blob-reader").principalType;
      },
      expect: /unspecified type/,
    },
    {
      name: "a configured extra role",
      mutate: () => undefined,
      settings: { forbiddenRoleDefinitionIds: [BLOB_READER] },
      expect: /privileged role/,
    },
  ],
  unknown: {
    name: "roleDefinitionId",
    mutate: (rs) => void (byName(rs, "blob-reader").roleDefinitionId = UNKNOWN),
  },
});
