/**
 * Decision tables of the pod-identity guardrails (S1, S2, S3, S6), evaluated with the exact CEL the
 * components register.
 */
import {
  azureIdentityScopePolicy,
  bindingSelectorPolicy,
  identityObjectsPlatformOnlyPolicy,
  podIdentityLabelPolicy,
} from "../../conventions/admission";
import { runDecisionTable } from "./decision-table";
import {
  AZURE_ASSIGNED_IDENTITIES,
  AZURE_IDENTITIES,
  AZURE_IDENTITY_BINDINGS,
  AZURE_POD_IDENTITY_EXCEPTIONS,
  DEPLOYER_USER,
  MASTERS_USER,
  MIC_USER,
  NMI_USER,
  PLATFORM_USER,
  PODS,
  RG_A,
  RG_B,
  SETTINGS,
  TEAM_A_USER,
  TEAM_B_USER,
  azureIdentity,
  namespacedRequest,
  pod,
  uami,
} from "./fixtures";

describe("aks-hardening-pod-identity-label-owner (S1)", () => {
  const podIn = (ns: string, label?: string, operation: "CREATE" | "UPDATE" = "CREATE") =>
    namespacedRequest(PODS, ns, pod(ns, { label }), TEAM_B_USER, operation);
  runDecisionTable(podIdentityLabelPolicy(), [
    {
      name: "team-b pod with its own selector team-b.x is allowed",
      request: podIn("team-b", "team-b.x"),
      expect: "allow",
    },
    { name: "pod without the label is allowed", request: podIn("team-b"), expect: "allow" },
    {
      name: "team-b pod with team-a's selector team-a.x is denied",
      request: podIn("team-b", "team-a.x"),
      expect: "deny",
      messageIncludes: ["aadpodidbinding=team-a.x", "namespace team-b"],
    },
    {
      name: "relabelling a running pod to team-a.x (UPDATE) is denied",
      request: podIn("team-b", "team-a.x", "UPDATE"),
      expect: "deny",
    },
    {
      name: "a bare identity name without namespace is denied",
      request: podIn("team-b", "x"),
      expect: "deny",
    },
    {
      name: "a namespace that is a prefix of another (team-b vs team-b2.x) is denied",
      request: podIn("team-b", "team-b2.x"),
      expect: "deny",
    },
    {
      name: "platform principals are held to the same rule",
      request: namespacedRequest(PODS, "team-b", pod("team-b", { label: "team-a.x" }), PLATFORM_USER),
      expect: "deny",
    },
  ]);
});

const GC_USER = {
  username: "system:serviceaccount:kube-system:generic-garbage-collector",
  groups: ["system:serviceaccounts"],
};

describe("aks-hardening-identity-objects-platform-only (S2, S6)", () => {
  const policy = identityObjectsPlatformOnlyPolicy(SETTINGS);
  const obj = (kind: string) => ({
    apiVersion: "aadpodidentity.k8s.io/v1",
    kind,
    metadata: { name: "x" },
    spec: {},
  });
  runDecisionTable(policy, [
    {
      name: "platform group member creates an AzureIdentityBinding",
      request: namespacedRequest(
        AZURE_IDENTITY_BINDINGS,
        "team-a",
        obj("AzureIdentityBinding"),
        PLATFORM_USER,
      ),
      expect: "allow",
    },
    {
      name: "system:masters creates an AzureIdentity",
      request: namespacedRequest(AZURE_IDENTITIES, "team-a", obj("AzureIdentity"), MASTERS_USER),
      expect: "allow",
    },
    {
      name: "the named deployment user creates an AzureIdentity",
      request: namespacedRequest(AZURE_IDENTITIES, "team-a", obj("AzureIdentity"), DEPLOYER_USER),
      expect: "allow",
    },
    {
      name: "MIC creates an AzureAssignedIdentity",
      request: namespacedRequest(AZURE_ASSIGNED_IDENTITIES, "team-a", obj("AzureAssignedIdentity"), MIC_USER),
      expect: "allow",
    },
    {
      name: "MIC updates an AzureIdentity (type upgrade)",
      request: namespacedRequest(AZURE_IDENTITIES, "team-a", obj("AzureIdentity"), MIC_USER, "UPDATE"),
      expect: "allow",
    },
    {
      name: "the garbage collector removes a finalizer (spec and labels unchanged)",
      request: namespacedRequest(
        AZURE_IDENTITY_BINDINGS,
        "team-a",
        obj("AzureIdentityBinding"),
        GC_USER,
        "UPDATE",
        {
          oldObject: {
            ...obj("AzureIdentityBinding"),
            metadata: { name: "x", finalizers: ["foregroundDeletion"] },
          },
        },
      ),
      expect: "allow",
    },
    {
      name: "the garbage collector's identity may not change a binding's selector",
      request: namespacedRequest(
        AZURE_IDENTITY_BINDINGS,
        "team-a",
        { ...obj("AzureIdentityBinding"), spec: { selector: "team-b.x" } },
        GC_USER,
        "UPDATE",
        { oldObject: { ...obj("AzureIdentityBinding"), spec: { selector: "team-a.x" } } },
      ),
      expect: "deny",
    },
    {
      name: "the garbage collector's identity may not create an identity object",
      request: namespacedRequest(AZURE_IDENTITIES, "team-a", obj("AzureIdentity"), GC_USER),
      expect: "deny",
    },
    {
      name: "S2: team-b creates an AzureIdentityBinding in its own namespace",
      request: namespacedRequest(AZURE_IDENTITY_BINDINGS, "team-b", obj("AzureIdentityBinding"), TEAM_B_USER),
      expect: "deny",
      messageIncludes: ["dev-b@example.com may not CREATE azureidentitybindings in namespace team-b"],
    },
    {
      name: "S2: team-b creates an AzureIdentityBinding in default",
      request: namespacedRequest(
        AZURE_IDENTITY_BINDINGS,
        "default",
        obj("AzureIdentityBinding"),
        TEAM_B_USER,
      ),
      expect: "deny",
    },
    {
      name: "S6: team-a creates an AzurePodIdentityException (NMI bypass)",
      request: namespacedRequest(
        AZURE_POD_IDENTITY_EXCEPTIONS,
        "team-a",
        obj("AzurePodIdentityException"),
        TEAM_A_USER,
      ),
      expect: "deny",
      messageIncludes: ["azurepodidentityexceptions"],
    },
    {
      name: "team-a forges an AzureAssignedIdentity (what NMI trusts)",
      request: namespacedRequest(
        AZURE_ASSIGNED_IDENTITIES,
        "team-a",
        obj("AzureAssignedIdentity"),
        TEAM_A_USER,
      ),
      expect: "deny",
    },
    {
      name: "MIC may not create an AzurePodIdentityException",
      request: namespacedRequest(
        AZURE_POD_IDENTITY_EXCEPTIONS,
        "team-a",
        obj("AzurePodIdentityException"),
        MIC_USER,
      ),
      expect: "deny",
    },
    {
      name: "NMI (read-only) may not create an AzureAssignedIdentity",
      request: namespacedRequest(AZURE_ASSIGNED_IDENTITIES, "team-a", obj("AzureAssignedIdentity"), NMI_USER),
      expect: "deny",
    },
    {
      name: "a user without any groups is denied, not an error",
      request: namespacedRequest(AZURE_IDENTITIES, "team-a", obj("AzureIdentity"), { username: "anon" }),
      expect: "deny",
    },
  ]);
});

describe("aks-hardening-azure-identity-team-scope (S3, S6)", () => {
  const policy = azureIdentityScopePolicy();
  const create = (ns: string, spec: Record<string, unknown>) =>
    namespacedRequest(AZURE_IDENTITIES, ns, azureIdentity(ns, spec), PLATFORM_USER);
  runDecisionTable(policy, [
    {
      name: "type 0 identity in the team's own resource group",
      request: create("team-a", { type: 0, resourceID: uami(RG_A, "id-web"), clientID: "c" }),
      expect: "allow",
    },
    {
      name: "resource ID casing differs from the annotation (ARM IDs are case-insensitive)",
      request: create("team-a", {
        type: 0,
        resourceID: uami(RG_A, "id-web").toUpperCase().replace("/SUBSCRIPTIONS/", "/subscriptions/"),
        clientID: "c",
      }),
      expect: "allow",
    },
    {
      name: "S3: team-a's namespace points at team-b's managed identity",
      request: create("team-a", { type: 0, resourceID: uami(RG_B, "id-payments"), clientID: "c" }),
      expect: "deny",
      messageIncludes: ["rg-aks-team-b", "is not a user-assigned identity in", "rg-aks-team-a"],
    },
    {
      name: "S3: resource group whose name extends the team's (rg-aks-team-a2)",
      request: create("team-a", { type: 0, resourceID: uami(`${RG_A}2`, "id"), clientID: "c" }),
      expect: "deny",
    },
    {
      name: "S3: path traversal after the prefix",
      request: create("team-a", {
        type: 0,
        resourceID: `${uami(RG_A, "x")}/../../../../rg-aks-team-b`,
        clientID: "c",
      }),
      expect: "deny",
    },
    {
      name: "S3: another resource type in the team's group",
      request: create("team-a", {
        type: 0,
        resourceID: `${RG_A}/providers/Microsoft.Compute/virtualMachineScaleSets/aks-nodes`,
        clientID: "c",
      }),
      expect: "deny",
    },
    {
      name: "type 1 (service principal with secret) is refused",
      request: create("team-a", { type: 1, resourceID: uami(RG_A, "id-web"), clientID: "c" }),
      expect: "deny",
      messageIncludes: ["spec.type must be 0", "got 1"],
    },
    {
      name: "type 2 (service principal certificate) is refused",
      request: create("team-a", { type: 2, clientID: "c" }),
      expect: "deny",
    },
    {
      name: "missing type is refused",
      request: create("team-a", { resourceID: uami(RG_A, "id-web"), clientID: "c" }),
      expect: "deny",
      messageIncludes: ["got none"],
    },
    {
      name: "S2: an AzureIdentity in default (no team annotation) is refused",
      request: create("default", { type: 0, resourceID: uami(RG_A, "id-web"), clientID: "c" }),
      expect: "deny",
      messageIncludes: ["namespace default has no valid"],
    },
    {
      name: "an AzureIdentity in the identity namespace is refused",
      request: create("aad-pod-identity", { type: 0, resourceID: uami(RG_A, "id-web"), clientID: "c" }),
      expect: "deny",
    },
  ]);
});

describe("aks-hardening-azure-identity-binding-selector (S1, S2)", () => {
  const binding = (ns: string, spec: Record<string, unknown>) =>
    namespacedRequest(
      AZURE_IDENTITY_BINDINGS,
      ns,
      { apiVersion: "aadpodidentity.k8s.io/v1", kind: "AzureIdentityBinding", metadata: { name: "b" }, spec },
      PLATFORM_USER,
    );
  runDecisionTable(bindingSelectorPolicy(), [
    {
      name: "selector <namespace>.<identity>",
      request: binding("team-a", { azureIdentity: "web", selector: "team-a.web" }),
      expect: "allow",
    },
    {
      name: "S1: a binding in team-b claiming team-a's selector",
      request: binding("team-b", { azureIdentity: "web", selector: "team-a.web" }),
      expect: "deny",
      messageIncludes: ['spec.selector "team-a.web" must be "team-b.web"'],
    },
    {
      name: "selector not derived from the identity name",
      request: binding("team-a", { azureIdentity: "web", selector: "team-a.other" }),
      expect: "deny",
    },
    {
      name: "empty selector",
      request: binding("team-a", { azureIdentity: "web", selector: "" }),
      expect: "deny",
    },
    { name: "missing azureIdentity", request: binding("team-a", { selector: "team-a." }), expect: "deny" },
  ]);
});
