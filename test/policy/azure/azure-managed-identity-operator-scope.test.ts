/**
 * `azure-managed-identity-operator-scope`: MIC's operator right on one identity, then on anything
 * wider or narrower.
 */
import { byName, describePolicy, UNKNOWN } from "../harness";
import { SUB, TEAM_RG, UAMI, roleFixture } from "./fixtures";

describePolicy({
  policy: "azure-managed-identity-operator-scope",
  fixture: roleFixture,
  mutations: [
    {
      name: "on the team resource group",
      mutate: (rs) => void (byName(rs, "mic-operator").scope = TEAM_RG),
      expect: /single user-assigned identity/,
    },
    {
      name: "on the subscription",
      mutate: (rs) => void (byName(rs, "mic-operator").scope = SUB),
      expect: /single user-assigned identity/,
    },
    {
      name: "on a child path below an identity",
      mutate: (rs) => void (byName(rs, "mic-operator").scope = `${UAMI}/federatedIdentityCredentials/x`),
      expect: /single user-assigned identity/,
    },
  ],
  unknown: {
    name: "the scope (the identity's ID at preview)",
    mutate: (rs) => void (byName(rs, "mic-operator").scope = UNKNOWN),
  },
});
