/**
 * One table per edge kind: each row is a small cluster, and whether team-b then reaches team-a's
 * identity (and through which edges). Every row that opens a path has a twin without the one
 * object that opens it, which must leave team-b with nothing: the control's absence is what shows.
 */
import { POD_IDENTITY_LABEL_POLICY } from "../../conventions/admission/pod-identity-label";
import { IDENTITY_OBJECTS_POLICY } from "../../conventions/admission/identity-objects-platform-only";
import { AZURE_IDENTITY_SCOPE_POLICY } from "../../conventions/admission/azure-identity-scope";
import { NAMESPACE_TRUST_ANCHORS_POLICY } from "../../conventions/admission/namespace-trust-anchors";
import { subjectExpression } from "../../cli/paths/edges-azure";
import { Rbac, ruleAllows } from "../../cli/paths/rbac";
import {
  B_GROUP,
  clusterRole,
  clusterRoleBinding,
  enforcedPolicy,
  factsOf,
  group,
  namespace,
  nmi,
  reach,
  role,
  roleBinding,
  run,
  serviceAccount,
  twoTeams,
  victimPodIdentity,
  VICTIM_CLIENT_ID,
} from "./fixtures";

type Manifest = Record<string, unknown>;
/** Namespaced pod identity: label copying alone gets nowhere, so any path comes from the row's object. */
const hardened = (): Manifest[] => [...twoTeams(), ...victimPodIdentity(), nmi(["--forceNamespaced=true"])];
const bindB = (roleName: string, kind = "ClusterRole", ns = "team-a") =>
  roleBinding(ns, `b-${roleName}`, { kind, name: roleName }, [group(B_GROUP)]);

describe("rule matching (the authorizer's semantics)", () => {
  const rule = (r: Partial<Record<"apiGroups" | "resources" | "verbs" | "resourceNames", string[]>>) => ({
    apiGroups: [""],
    resources: [],
    verbs: [],
    resourceNames: [],
    ...r,
  });
  it.each([
    [
      "* covers every resource and verb",
      rule({ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }),
      "create",
      "pods",
      undefined,
      true,
    ],
    [
      "* covers subresources",
      rule({ resources: ["*"], verbs: ["create"] }),
      "create",
      "pods/exec",
      undefined,
      true,
    ],
    [
      "pods/* does not cover pods",
      rule({ resources: ["pods/*"], verbs: ["create"] }),
      "create",
      "pods",
      undefined,
      false,
    ],
    [
      "*/exec covers pods/exec",
      rule({ resources: ["*/exec"], verbs: ["create"] }),
      "create",
      "pods/exec",
      undefined,
      true,
    ],
    [
      "*/exec does not cover pods/attach",
      rule({ resources: ["*/exec"], verbs: ["create"] }),
      "create",
      "pods/attach",
      undefined,
      false,
    ],
    [
      "pods does not cover pods/exec",
      rule({ resources: ["pods"], verbs: ["*"] }),
      "create",
      "pods/exec",
      undefined,
      false,
    ],
    [
      "resourceNames never allow create (no name)",
      rule({ resources: ["pods"], verbs: ["create"], resourceNames: ["x"] }),
      "create",
      "pods",
      undefined,
      false,
    ],
    [
      "resourceNames allow the named object",
      rule({ resources: ["serviceaccounts/token"], verbs: ["create"], resourceNames: ["x"] }),
      "create",
      "serviceaccounts/token",
      "x",
      true,
    ],
    [
      "resourceNames refuse another name",
      rule({ resources: ["serviceaccounts/token"], verbs: ["create"], resourceNames: ["x"] }),
      "create",
      "serviceaccounts/token",
      "y",
      false,
    ],
    [
      "apiGroups are checked",
      rule({ apiGroups: ["apps"], resources: ["pods"], verbs: ["create"] }),
      "create",
      "pods",
      undefined,
      false,
    ],
  ])("%s", (_title, r, verb, resource, name, allowed) => {
    expect(ruleAllows(r, { verb, group: "", resource, name })).toBe(allowed);
  });
});

describe("RBAC edges", () => {
  const podsInA = [{ apiGroups: [""], resources: ["pods"], verbs: ["create"] }];
  it.each<[string, Manifest[], string[] | undefined]>([
    ["baseline: namespaced pod identity, team RBAC only", [], undefined],
    [
      "RoleBinding in team-a to a ClusterRole with create pods",
      [clusterRole("pods", podsInA), bindB("pods")],
      ["CREATE_POD", "POD_LABEL_MATCH"],
    ],
    [
      "ClusterRoleBinding with create deployments",
      [
        clusterRole("deploy", [{ apiGroups: ["apps"], resources: ["deployments"], verbs: ["create"] }]),
        clusterRoleBinding("b", "deploy", [group(B_GROUP)]),
      ],
      ["CREATE_WORKLOAD", "POD_LABEL_MATCH"],
    ],
    // `*` includes the identity kinds: a binding next to team-a's AzureIdentity is the shortest way.
    [
      "wildcard rule",
      [clusterRole("all", [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }]), bindB("all")],
      ["BINDING_CREATE"],
    ],
    [
      "pods/* does not create pods",
      [clusterRole("sub", [{ apiGroups: [""], resources: ["pods/*"], verbs: ["create"] }]), bindB("sub")],
      undefined,
    ],
    [
      "resourceNames on create pods grant nothing",
      [
        clusterRole("named", [
          { apiGroups: [""], resources: ["pods"], verbs: ["create"], resourceNames: ["web"] },
        ]),
        bindB("named"),
      ],
      undefined,
    ],
    [
      "a Role of the same name in another namespace is not the one referenced",
      [role("team-b", "pods", podsInA), bindB("pods", "Role")],
      undefined,
    ],
    [
      "RoleBinding in team-a to team-b's ServiceAccount (binding to a ServiceAccount of another namespace)",
      [
        serviceAccount("team-b", "app"),
        clusterRole("pods", podsInA),
        roleBinding("team-a", "b-sa", { kind: "ClusterRole", name: "pods" }, [
          { kind: "ServiceAccount", name: "app", namespace: "team-b" },
        ]),
      ],
      ["CREATE_POD", "POD_LABEL_MATCH"],
    ],
    [
      "aggregated ClusterRole: a labelled role widens the aggregate bound in team-a",
      [
        clusterRole("agg", [], {
          aggregationRule: {
            clusterRoleSelectors: [{ matchLabels: { "example.com/aggregate-to-agg": "true" } }],
          },
        }),
        clusterRole("pods-part", podsInA, {
          metadata: { labels: { "example.com/aggregate-to-agg": "true" } },
        }),
        bindB("agg"),
      ],
      ["CREATE_POD", "POD_LABEL_MATCH"],
    ],
    [
      "aggregated ClusterRole whose selector matches nothing",
      [
        clusterRole("agg", [], {
          aggregationRule: {
            clusterRoleSelectors: [{ matchLabels: { "example.com/aggregate-to-agg": "true" } }],
          },
        }),
        clusterRole("pods-part", podsInA, {
          metadata: { labels: { "example.com/aggregate-to-other": "true" } },
        }),
        bindB("agg"),
      ],
      undefined,
    ],
    [
      "bind + create rolebindings in team-a: every right there",
      [
        clusterRole("binder", [
          {
            apiGroups: ["rbac.authorization.k8s.io"],
            resources: ["rolebindings", "clusterroles"],
            verbs: ["create", "bind"],
          },
        ]),
        bindB("binder"),
      ],
      ["ESCALATE", "BINDING_CREATE"],
    ],
    [
      "create rolebindings without bind or escalate: nothing new",
      [
        clusterRole("binder", [
          { apiGroups: ["rbac.authorization.k8s.io"], resources: ["rolebindings"], verbs: ["create"] },
        ]),
        bindB("binder"),
      ],
      undefined,
    ],
    [
      "impersonate a team-a ServiceAccount that can run pods",
      [
        serviceAccount("team-a", "ci"),
        roleBinding("team-a", "ci", { kind: "Role", name: "dev" }, [
          { kind: "ServiceAccount", name: "ci", namespace: "team-a" },
        ]),
        clusterRole("imp", [{ apiGroups: [""], resources: ["serviceaccounts"], verbs: ["impersonate"] }]),
        bindB("imp"),
      ],
      ["IMPERSONATE", "CREATE_POD", "POD_LABEL_MATCH"],
    ],
    [
      "token request for that ServiceAccount",
      [
        serviceAccount("team-a", "ci"),
        roleBinding("team-a", "ci", { kind: "Role", name: "dev" }, [
          { kind: "ServiceAccount", name: "ci", namespace: "team-a" },
        ]),
        clusterRole("tok", [
          { apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"], resourceNames: ["ci"] },
        ]),
        bindB("tok"),
      ],
      ["TOKEN_REQUEST", "CREATE_POD", "POD_LABEL_MATCH"],
    ],
    [
      "token request limited to another ServiceAccount",
      [
        serviceAccount("team-a", "ci"),
        roleBinding("team-a", "ci", { kind: "Role", name: "dev" }, [
          { kind: "ServiceAccount", name: "ci", namespace: "team-a" },
        ]),
        clusterRole("tok", [
          {
            apiGroups: [""],
            resources: ["serviceaccounts/token"],
            verbs: ["create"],
            resourceNames: ["other"],
          },
        ]),
        bindB("tok"),
      ],
      undefined,
    ],
  ])("%s", (_title, extra, expected) => {
    const { analysis } = run([...hardened(), ...extra]);
    expect(reach(analysis, "team-b")).toEqual(expected);
    // team-a always reaches its own identity, and never counts as a finding for it. (A group
    // bound in team-a's namespace counts as team-a's too, so its path may be team-b's new one.)
    expect(reach(analysis, "team-a")).toBeDefined();
    expect(analysis.findings.every((f) => f.team === "team-b")).toBe(true);
  });

  it("keeps a RoleBinding's namespace scope: bind in team-b reaches every right in team-b only", () => {
    const { ctx, analysis } = run([
      ...hardened(),
      // Without these, every right in team-b includes forging an AzureIdentity (S3) and relabelling
      // team-b to PSA privileged (S4).
      ...enforcedPolicy(IDENTITY_OBJECTS_POLICY),
      ...enforcedPolicy(NAMESPACE_TRUST_ANCHORS_POLICY),
      clusterRole("binder", [
        {
          apiGroups: ["rbac.authorization.k8s.io"],
          resources: ["rolebindings", "clusterroles"],
          verbs: ["create", "bind"],
        },
      ]),
      bindB("binder", "ClusterRole", "team-b"),
    ]);
    expect(ctx.graph.nodes.has("all-rights:team-b")).toBe(true);
    expect(ctx.graph.nodes.has("all-rights:*")).toBe(false);
    expect(reach(analysis, "team-b")).toBeUndefined();
  });

  it("reports a binding to an undeclared role as an assumption and grants nothing", () => {
    const facts = factsOf([...hardened(), bindB("missing")]);
    const rbac = new Rbac(facts.objects);
    expect(rbac.unresolved).toEqual(["RoleBinding team-a/b-missing -> ClusterRole missing"]);
  });
});

describe("aad-pod-identity edges", () => {
  const identity = victimPodIdentity();
  it.each<[string, Manifest[], string[] | undefined, string?]>([
    [
      "non-namespaced (default install): a copied label matches across namespaces (S1)",
      [...identity],
      ["CREATE_POD", "POD_LABEL_MATCH"],
      undefined,
    ],
    [
      "NMI --forceNamespaced=true",
      [...identity, nmi(["--forceNamespaced=true"])],
      undefined,
      "aad-pod-identity namespaced mode (forceNamespaced)",
    ],
    [
      "NMI --forceNamespaced=false",
      [...identity, nmi(["--forceNamespaced=false"])],
      ["CREATE_POD", "POD_LABEL_MATCH"],
      undefined,
    ],
    [
      "the AzureIdentity's Behavior: namespaced annotation",
      [...victimPodIdentity("team-a", { "aadpodidentity.k8s.io/Behavior": "namespaced" })],
      undefined,
      "aad-pod-identity namespaced mode (forceNamespaced)",
    ],
    [
      "label-owner admission policy",
      [...identity, ...enforcedPolicy(POD_IDENTITY_LABEL_POLICY)],
      undefined,
      `admission policy ${POD_IDENTITY_LABEL_POLICY}`,
    ],
    [
      "the label-owner policy present but only audited (no Deny binding)",
      [...identity, enforcedPolicy(POD_IDENTITY_LABEL_POLICY)[0]],
      ["CREATE_POD", "POD_LABEL_MATCH"],
      undefined,
    ],
  ])("%s", (_title, extra, expected, blockedBy) => {
    const { ctx, analysis } = run([...twoTeams(), ...extra]);
    expect(reach(analysis, "team-b")).toEqual(expected);
    if (blockedBy)
      expect(
        ctx.graph.blocked.some(
          (b) => b.kind === "POD_LABEL_MATCH" && b.from === "pod-spec:team-b" && b.blockedBy === blockedBy,
        ),
      ).toBe(true);
  });

  const writes = clusterRole("pi", [
    { apiGroups: ["aadpodidentity.k8s.io"], resources: ["*"], verbs: ["*"] },
  ]);
  const inB = roleBinding("team-b", "b-pi", { kind: "ClusterRole", name: "pi" }, [group(B_GROUP)]);
  it.each<[string, Manifest[], string[] | undefined]>([
    [
      "S3: AzureIdentity + binding in its own namespace, pointing at team-a's identity",
      [writes, inB],
      ["AZID_CREATE"],
    ],
    [
      "S3 with the identity-objects policy",
      [writes, inB, ...enforcedPolicy(IDENTITY_OBJECTS_POLICY)],
      undefined,
    ],
    // The team-scope policy judges AzureIdentity only: an exception in team-b still opens raw IMDS (S6).
    [
      "S3 with the team-scope policy (resourceID must be in team-b's group)",
      [writes, inB, ...enforcedPolicy(AZURE_IDENTITY_SCOPE_POLICY)],
      ["EXCEPTION_CREATE", "NODE_HOLDS"],
    ],
  ])("%s", (_title, extra, expected) => {
    const { analysis } = run([...hardened(), ...extra]);
    expect(reach(analysis, "team-b")).toEqual(expected);
  });

  it("S2: a binding next to team-a's AzureIdentity, matched by a pod in team-b (non-namespaced)", () => {
    // The label-owner policy closes S1, so only the new binding can open the way.
    const base = [...twoTeams(), ...identity, ...enforcedPolicy(POD_IDENTITY_LABEL_POLICY)];
    const bindingsInA = clusterRole("bindings", [
      { apiGroups: ["aadpodidentity.k8s.io"], resources: ["azureidentitybindings"], verbs: ["create"] },
    ]);
    expect(reach(run(base).analysis, "team-b")).toBeUndefined();
    expect(reach(run([...base, bindingsInA, bindB("bindings")]).analysis, "team-b")).toEqual([
      "BINDING_CREATE",
    ]);
    // Namespaced matching: the pod would have to run in team-a, which team-b cannot.
    expect(
      reach(
        run([...base, bindingsInA, bindB("bindings"), nmi(["--forceNamespaced=true"])]).analysis,
        "team-b",
      ),
    ).toBeUndefined();
  });

  it("S6: an exception in team-b reaches the node's identities; a mic* Deployment in --MICNamespace too", () => {
    const exceptions = clusterRole("ex", [
      { apiGroups: ["aadpodidentity.k8s.io"], resources: ["azurepodidentityexceptions"], verbs: ["create"] },
    ]);
    const ex = run([
      ...hardened(),
      exceptions,
      roleBinding("team-b", "ex", { kind: "ClusterRole", name: "ex" }, [group(B_GROUP)]),
    ]);
    expect(reach(ex.analysis, "team-b")).toEqual(["EXCEPTION_CREATE", "NODE_HOLDS"]);
    const deploy = clusterRole("deploy", [
      { apiGroups: ["apps"], resources: ["deployments"], verbs: ["create"] },
    ]);
    const micNs = [
      ...twoTeams(),
      ...victimPodIdentity(),
      nmi(["--forceNamespaced=true", "--MICNamespace=team-b"]),
    ];
    const mic = run([
      ...micNs,
      deploy,
      roleBinding("team-b", "d", { kind: "ClusterRole", name: "deploy" }, [group(B_GROUP)]),
    ]);
    expect(reach(mic.analysis, "team-b")).toEqual(["MIC_NAME", "NODE_HOLDS"]);
    // The same right with NMI's MIC namespace elsewhere: nothing.
    const elsewhere = run([
      ...hardened(),
      deploy,
      roleBinding("team-b", "d", { kind: "ClusterRole", name: "deploy" }, [group(B_GROUP)]),
    ]);
    expect(reach(elsewhere.analysis, "team-b")).toBeUndefined();
  });

  it("S4: a privileged (unlabelled) namespace leads to the node, restricted PSA refuses it", () => {
    const open = run([
      ...hardened().filter(
        (m) => (m.metadata as { name?: string }).name !== "team-b" || m.kind !== "Namespace",
      ),
      namespace("team-b", "team-b", ""),
    ]);
    expect(reach(open.analysis, "team-b")).toEqual(["CREATE_POD", "HOSTNET_IMDS", "NODE_HOLDS"]);
    const closed = run(hardened());
    expect(reach(closed.analysis, "team-b")).toBeUndefined();
    expect(
      closed.ctx.graph.blocked.some(
        (b) => b.kind === "HOSTNET_IMDS" && b.blockedBy === "Pod Security Admission restricted on team-b",
      ),
    ).toBe(true);
  });

  it("S5: exec into MIC in --MICNamespace reaches the node's identities", () => {
    const micDeployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "mic", namespace: "default" },
      spec: {
        template: {
          metadata: { labels: { app: "mic" } },
          spec: {
            containers: [{ name: "mic", image: "mcr.microsoft.com/oss/azure/aad-pod-identity/mic:v1.8.17" }],
          },
        },
      },
    };
    const exec = clusterRole("exec", [{ apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] }]);
    const base = [
      ...twoTeams(),
      ...victimPodIdentity(),
      nmi(["--forceNamespaced=true"], "default"),
      micDeployment,
    ];
    const { analysis } = run([
      ...base,
      exec,
      roleBinding("default", "exec", { kind: "ClusterRole", name: "exec" }, [group(B_GROUP)]),
    ]);
    expect(reach(analysis, "team-b")).toEqual(["EXEC_INTO", "MIC_NAME", "NODE_HOLDS"]);
    expect(reach(run(base).analysis, "team-b")).toBeUndefined();
  });
});

describe("Workload Identity and Azure edges", () => {
  const WI_CLIENT = "bbbbbbbb-0000-0000-0000-00000000000b";
  const identityA = {
    name: "id-wi-a",
    clientId: WI_CLIENT,
    principalId: "p-a",
    resourceId:
      "/subscriptions/s/resourcegroups/rg-a/providers/microsoft.managedidentity/userassignedidentities/id-wi-a",
    team: "team-a",
    source: "urn:id-wi-a",
  };
  const fic = (f: { subject?: string; claimsMatchingExpression?: string; issuer?: string }) => ({
    identityResourceGroup: "rg-a",
    identityName: "id-wi-a",
    audiences: ["api://AzureADTokenExchange"],
    source: "urn:fic",
    issuer: "https://issuer.example/",
    ...f,
  });
  const cluster = { issuer: "https://issuer.example/" };
  const base = [...twoTeams(), serviceAccount("team-a", "app"), serviceAccount("team-b", "app")];
  it.each<[string, ReturnType<typeof fic>, string[] | undefined, string[] | undefined]>([
    [
      "exact subject of team-a's ServiceAccount",
      fic({ subject: "system:serviceaccount:team-a:app" }),
      ["FIC_TRUST"],
      undefined,
    ],
    [
      "a subject naming team-b's ServiceAccount",
      fic({ subject: "system:serviceaccount:team-b:app" }),
      undefined,
      ["FIC_TRUST"],
    ],
    [
      "expression limited to team-a",
      fic({ claimsMatchingExpression: "claims['sub'] matches 'system:serviceaccount:team-a:*'" }),
      ["FIC_TRUST"],
      undefined,
    ],
    [
      "expression over every namespace",
      fic({ claimsMatchingExpression: "claims['sub'] matches 'system:serviceaccount:*:app'" }),
      ["FIC_TRUST"],
      ["FIC_TRUST"],
    ],
    [
      "expression with eq or matches",
      fic({
        claimsMatchingExpression:
          "claims['sub'] eq 'system:serviceaccount:team-a:app' or claims['sub'] matches 'system:serviceaccount:team-b:a*'",
      }),
      ["FIC_TRUST"],
      ["FIC_TRUST"],
    ],
    [
      "another cluster's issuer",
      fic({ subject: "system:serviceaccount:team-b:app", issuer: "https://other.example/" }),
      undefined,
      undefined,
    ],
  ])("%s", (_title, credential, teamA, teamB) => {
    const { analysis } = run(base, {
      azureKnown: true,
      identities: [identityA],
      federatedCredentials: [credential],
      cluster,
    });
    expect(reach(analysis, "team-a", WI_CLIENT)).toEqual(teamA);
    expect(reach(analysis, "team-b", WI_CLIENT)).toEqual(teamB);
  });

  it("evaluates claims-matching expressions, and refuses to guess one it does not understand", () => {
    const test = subjectExpression("claims['sub'] matches 'system:serviceaccount:team-a:*'")!;
    expect(test("system:serviceaccount:team-a:x")).toBe(true);
    expect(test("system:serviceaccount:team-ab:x")).toBe(false);
    expect(subjectExpression("claims['sub'] startsWith 'x'")).toBeUndefined();
    const facts = factsOf(base, {
      azureKnown: true,
      identities: [identityA],
      federatedCredentials: [fic({ claimsMatchingExpression: "weird" })],
      cluster,
    });
    const { buildGraph } = jest.requireActual<typeof import("../../cli/paths/build-graph")>(
      "../../cli/paths/build-graph",
    );
    buildGraph(facts);
    expect(facts.assumptions.join("\n")).toMatch(/not understood; taken to match every ServiceAccount/);
  });

  it("role-assignment scope containment: Managed Identity Contributor on rg-b reaches identities in rg-b only", () => {
    const identityB = {
      ...identityA,
      name: "id-b",
      clientId: "cccccccc-0000-0000-0000-00000000000c",
      principalId: "p-b",
      resourceId:
        "/subscriptions/s/resourcegroups/rg-b/providers/microsoft.managedidentity/userassignedidentities/id-b",
      team: "team-b",
    };
    const role = (scope: string) => ({
      principalId: "p-a",
      roleId: "e40ec5ca-96e0-45a2-b4ff-59039f2c2b59",
      scope,
      source: "urn:ra",
    });
    const azure = (scope: string) => ({
      azureKnown: true,
      identities: [identityA, identityB],
      federatedCredentials: [fic({ subject: "system:serviceaccount:team-a:app" })],
      roleAssignments: [role(scope)],
      cluster,
    });
    const onB = run(base, azure("/subscriptions/s/resourcegroups/rg-b"));
    expect(reach(onB.analysis, "team-a", identityB.clientId)).toEqual(["FIC_TRUST", "FIC_WRITE"]);
    const onSubscription = run(base, azure("/subscriptions/s"));
    expect(reach(onSubscription.analysis, "team-a", identityB.clientId)).toEqual(["FIC_TRUST", "FIC_WRITE"]);
    const elsewhere = run(base, azure("/subscriptions/s/resourcegroups/rg-c"));
    expect(reach(elsewhere.analysis, "team-a", identityB.clientId)).toBeUndefined();
    // A resource group named as a prefix of another is not containment.
    const prefix = run(base, azure("/subscriptions/s/resourcegroups/rg"));
    expect(reach(prefix.analysis, "team-a", identityB.clientId)).toBeUndefined();
  });

  it("without Azure facts, trusts the client-id annotation and says so", () => {
    const annotated = [
      ...twoTeams(),
      serviceAccount("team-a", "app", { "azure.workload.identity/client-id": WI_CLIENT }),
    ];
    const facts = factsOf(annotated);
    const { analysis } = run(annotated);
    expect(reach(analysis, "team-a", WI_CLIENT)).toEqual(["FIC_TRUST"]);
    expect(reach(analysis, "team-b", WI_CLIENT)).toBeUndefined();
    const { buildGraph } = jest.requireActual<typeof import("../../cli/paths/build-graph")>(
      "../../cli/paths/build-graph",
    );
    buildGraph(facts);
    expect(facts.assumptions.join("\n")).toMatch(/client-id is assumed backed by a federated credential/);
  });
});

it("the victim client ID fixture is the identity node key", () => {
  const { ctx } = run(hardened());
  expect(ctx.graph.nodes.get(`identity:${VICTIM_CLIENT_ID}`)?.team).toBe("team-a");
});
