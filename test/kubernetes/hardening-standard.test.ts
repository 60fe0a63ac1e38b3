/**
 * `KubernetesHardening` in standard mode (MIC + NMI), one mock run: every control of the in-cluster
 * layer asserted on the recorded objects, and the recorded admission policies evaluated against
 * the recorded objects and against attacks.
 */
import { KubernetesHardening } from "../../components/kubernetes";
import {
  POD_IDENTITY_LABEL_POLICY,
  guardrailPolicies,
  namespacePodSecurityPolicy,
} from "../../conventions/admission";
import { SYSTEM_PRIORITY_QUOTA } from "../../components/kubernetes/team-namespace";
import {
  APPROVED_IDENTITIES_ANNOTATION,
  PSA_LABEL_KEYS,
  RESOURCE_GROUP_ANNOTATION,
  TEAM_LABEL,
  WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION,
} from "../../conventions/kubernetes";
import { ESCALATION_VERBS } from "../../components/kubernetes/rbac-rules";
import { guardrailSettingsFor, resolveHardeningArgs } from "../../components/kubernetes";
import { runProgramUnderMocks, type RecordedResource } from "../../testing/recording-mocks";
import {
  AZURE_IDENTITIES,
  CLUSTER_ROLE_BINDINGS,
  ROLE_BINDINGS,
  AZURE_IDENTITY_BINDINGS,
  DEPLOYER_USER,
  DEPLOYMENTS,
  IDENTITY_NS,
  MIC_IMAGE,
  NMI_HARDENING_FLAGS,
  NAMESPACES_RESOURCE,
  NMI_IMAGE,
  PLATFORM_GROUP,
  PLATFORM_USER,
  PODS,
  TEAM_A_GROUP,
  TEAM_B_GROUP,
  TEAM_B_USER,
  namespacedRequest,
  pod,
} from "./fixtures";
import { KUBELET_CLIENT_ID, TEAM_C_GROUP, hardeningArgs } from "./hardening-args";
import {
  k8sResources,
  object,
  objectsOfKind,
  recordedPolicies,
  recordedPolicy,
  the,
  type K8sObject,
  type Loose,
} from "./recorded";
import { evaluatePolicy, type AdmissionRequestFixture } from "./vap-evaluator";

const TEAM_NAMESPACES = ["team-a", "team-a-jobs", "team-b", "team-c"];
const TEAM_GROUPS = [TEAM_A_GROUP, TEAM_B_GROUP, TEAM_C_GROUP];

let resources: RecordedResource[];
let all: K8sObject[];
beforeAll(async () => {
  ({ resources } = await runProgramUnderMocks(() => {
    new KubernetesHardening("k8s", hardeningArgs("standard"));
  }));
  all = k8sResources(resources).map(object);
});

const podSpecOf = (o: K8sObject) => o.spec.template.spec;
const containerOf = (o: K8sObject) => podSpecOf(o).containers[0];

describe("wiring", () => {
  it("registers every Kubernetes object through the explicit provider, inside the component", () => {
    const objects = k8sResources(resources);
    expect(objects.length).toBeGreaterThan(50);
    const root = resources.find((r) => r.type === "aks-hardening:kubernetes:KubernetesHardening")!;
    for (const r of objects) {
      expect(r.provider).toMatch(/pulumi:providers:kubernetes::cluster::/);
      expect(r.parent).toBeDefined();
      // The parent is one of our components, never the stack itself.
      expect(r.parent).toMatch(/aks-hardening:kubernetes:[A-Za-z]+::/);
    }
    for (const type of ["PodIdentityInstall", "TeamNamespaces", "ClusterGuardrails"]) {
      const components = resources.filter((r) => r.type === `aks-hardening:kubernetes:${type}`);
      expect(components.length).toBeGreaterThan(0);
      components.forEach((c) => expect(c.parent).toBe(root.urn));
    }
  });

  it("puts nothing of ours in default; only labels default as restricted (patch, not create)", () => {
    expect(all.filter((o) => o.metadata.namespace === "default")).toEqual([]);
    expect(objectsOfKind(resources, "Namespace").map((n) => n.metadata.name)).not.toContain("default");
    const patches = k8sResources(resources).filter((r) => r.type === "kubernetes:core/v1:NamespacePatch");
    expect(patches).toHaveLength(1);
    const patch = object(patches[0]);
    expect(patch.metadata.name).toBe("default");
    for (const mode of ["enforce", "audit", "warn"]) {
      expect(patch.metadata.labels?.[`pod-security.kubernetes.io/${mode}`]).toBe("restricted");
      expect(patch.metadata.labels?.[`pod-security.kubernetes.io/${mode}-version`]).toBe("v1.33");
    }
  });
});

describe("aad-pod-identity install", () => {
  it("has its own namespace, PSA privileged (NMI needs hostNetwork + NET_ADMIN), versions pinned", () => {
    const ns = the(resources, "Namespace", IDENTITY_NS);
    for (const key of PSA_LABEL_KEYS) expect(ns.metadata.labels).toHaveProperty([key]);
    expect(ns.metadata.labels?.["pod-security.kubernetes.io/enforce"]).toBe("privileged");
    expect(ns.metadata.labels?.["pod-security.kubernetes.io/enforce-version"]).toBe("v1.33");
    expect(ns.metadata.labels).not.toHaveProperty([TEAM_LABEL]);
  });

  it("installs the four namespaced aadpodidentity.k8s.io/v1 CRDs with structural schemas", () => {
    const crds = objectsOfKind(resources, "CustomResourceDefinition");
    expect(crds.map((c) => c.spec.names.kind).sort()).toEqual([
      "AzureAssignedIdentity",
      "AzureIdentity",
      "AzureIdentityBinding",
      "AzurePodIdentityException",
    ]);
    for (const crd of crds) {
      expect(crd.metadata.name).toBe(`${crd.spec.names.plural}.aadpodidentity.k8s.io`);
      expect(crd.spec.group).toBe("aadpodidentity.k8s.io");
      expect(crd.spec.scope).toBe("Namespaced");
      // Protected `*.k8s.io` group: without this annotation a real API server answers 422.
      expect(crd.metadata.annotations?.["api-approved.kubernetes.io"]).toMatch(/^(unapproved|https:\/\/)/);
      expect(crd.spec.versions).toHaveLength(1);
      expect(crd.spec.versions[0]).toMatchObject({ name: "v1", served: true, storage: true });
      // Structural: every schema node has a type (or explicitly preserves unknown fields).
      const walk = (node: Record<string, Loose>, path: string) => {
        expect([
          path,
          typeof node.type === "string" || node.x_kubernetes_preserve_unknown_fields === true,
        ]).toEqual([path, true]);
        for (const [k, child] of Object.entries(node.properties ?? {})) walk(child as Loose, `${path}.${k}`);
        if (node.items) walk(node.items, `${path}[]`);
        if (node.additionalProperties) walk(node.additionalProperties, `${path}{}`);
      };
      walk(crd.spec.versions[0].schema.openAPIV3Schema, crd.spec.names.kind);
    }
    const identitySpec = the(resources, "CustomResourceDefinition", "azureidentities.aadpodidentity.k8s.io")
      .spec.versions[0].schema.openAPIV3Schema.properties.spec.properties;
    expect(identitySpec.type.type).toBe("integer");
    expect(identitySpec.resourceID.type).toBe("string");
    expect(identitySpec.clientID.type).toBe("string");
    const binding = the(resources, "CustomResourceDefinition", "azureidentitybindings.aadpodidentity.k8s.io")
      .spec.versions[0].schema.openAPIV3Schema.properties.spec.properties;
    expect(Object.keys(binding).sort()).toEqual(["azureIdentity", "metadata", "selector", "weight"]);
  });

  it("runs NMI namespaced, MIC namespace set, metadata header required, IMDS blocked, conntrack deletion on, kubenet refused", () => {
    const nmi = the(resources, "DaemonSet", "nmi", IDENTITY_NS);
    const c = containerOf(nmi);
    expect(c.image).toBe(NMI_IMAGE);
    expect(c.args).toEqual(expect.arrayContaining([`--operation-mode=standard`, ...NMI_HARDENING_FLAGS]));
    expect(c.env).toEqual(expect.arrayContaining([{ name: "FORCENAMESPACED", value: "true" }]));
    expect(podSpecOf(nmi).serviceAccountName).toBe("nmi");
  });

  it("runs NMI at system-node-critical and MIC at system-cluster-critical (no team pod can preempt them)", () => {
    expect(podSpecOf(the(resources, "DaemonSet", "nmi", IDENTITY_NS)).priorityClassName).toBe(
      "system-node-critical",
    );
    expect(podSpecOf(the(resources, "Deployment", "mic", IDENTITY_NS)).priorityClassName).toBe(
      "system-cluster-critical",
    );
  });

  it("gives NMI only what it strictly needs: host network, root, NET_ADMIN/NET_RAW/DAC_READ_SEARCH, two host paths", () => {
    const nmi = the(resources, "DaemonSet", "nmi", IDENTITY_NS);
    const spec = podSpecOf(nmi);
    const sc = containerOf(nmi).securityContext;
    expect(spec.hostNetwork).toBe(true);
    expect(sc.privileged).toBe(false);
    expect(sc.allowPrivilegeEscalation).toBe(false);
    expect(sc.readOnlyRootFilesystem).toBe(true);
    expect(sc.capabilities.drop).toEqual(["ALL"]);
    expect([...sc.capabilities.add].sort()).toEqual(["DAC_READ_SEARCH", "NET_ADMIN", "NET_RAW"]);
    const hostPaths = spec.volumes.filter((v: Loose) => v.hostPath).map((v: Loose) => v.hostPath.path);
    expect(hostPaths.sort()).toEqual(["/etc/default/kubelet", "/run/xtables.lock"]);
    const kubeletMount = containerOf(nmi).volumeMounts.find((m: Loose) => m.name === "kubelet-config");
    expect(kubeletMount.readOnly).toBe(true);
    expect(containerOf(nmi).resources.requests).toBeDefined();
    expect(containerOf(nmi).resources.limits).toBeDefined();
  });

  it("runs MIC namespaced with leader election in the identity namespace and the kubelet identity immutable", () => {
    const mic = the(resources, "Deployment", "mic", IDENTITY_NS);
    const c = containerOf(mic);
    expect(c.image).toBe(MIC_IMAGE);
    expect(c.args).toEqual(
      expect.arrayContaining([
        "--forceNamespaced=true",
        `--leader-election-namespace=${IDENTITY_NS}`,
        `--immutable-user-msis=${KUBELET_CLIENT_ID}`,
      ]),
    );
    expect(c.env).toEqual(expect.arrayContaining([{ name: "FORCENAMESPACED", value: "true" }]));
    expect(podSpecOf(mic).serviceAccountName).toBe("mic");
    expect(mic.spec.replicas).toBe(2);
  });

  it("gives MIC its Azure identity without azure.json, host paths or secrets (S5)", () => {
    const mic = the(resources, "Deployment", "mic", IDENTITY_NS);
    const c = containerOf(mic);
    expect(c.args.some((a: string) => a.startsWith("--cloudconfig"))).toBe(false);
    expect(JSON.stringify(mic)).not.toContain("azure.json");
    expect(podSpecOf(mic).volumes ?? []).toEqual([]);
    expect(c.volumeMounts ?? []).toEqual([]);
    const env = Object.fromEntries(
      c.env.filter((e: Loose) => e.value !== undefined).map((e: Loose) => [e.name, e.value]),
    );
    expect(env).toMatchObject({
      USE_MSI: "true",
      USER_ASSIGNED_MSI_CLIENT_ID: KUBELET_CLIENT_ID,
      VM_TYPE: "vmss",
    });
    expect(env).not.toHaveProperty("CLIENT_SECRET");
    expect(c.env.some((e: Loose) => e.valueFrom?.secretKeyRef)).toBe(false);
    expect(objectsOfKind(resources, "Secret")).toEqual([]);
    const sc = c.securityContext;
    expect(sc).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
    });
    expect(sc.capabilities).toEqual({ drop: ["ALL"] });
    expect(c.resources.requests).toBeDefined();
    expect(c.resources.limits).toBeDefined();
  });

  it("keeps MIC available with a PodDisruptionBudget that selects MIC's pods", () => {
    const pdb = the(resources, "PodDisruptionBudget", "mic", IDENTITY_NS);
    const mic = the(resources, "Deployment", "mic", IDENTITY_NS);
    expect(pdb.spec.minAvailable).toBe(1);
    expect(pdb.spec.selector.matchLabels).toEqual(mic.spec.selector.matchLabels);
    expect(mic.spec.template.metadata.labels).toMatchObject(pdb.spec.selector.matchLabels);
  });

  it("installs no AzurePodIdentityException (every exception is an NMI bypass)", () => {
    expect(objectsOfKind(resources, "AzurePodIdentityException")).toEqual([]);
  });
});

describe("RBAC", () => {
  const clusterRoles = () => objectsOfKind(resources, "ClusterRole");
  const roles = () => objectsOfKind(resources, "Role");
  const allRules = () => [...clusterRoles(), ...roles()].flatMap((r) => r.rules ?? []);

  it("uses no wildcard, no escalation verb and no aggregation label anywhere", () => {
    for (const rule of allRules()) {
      for (const verb of rule.verbs) expect(ESCALATION_VERBS).not.toContain(verb);
      expect(rule.resources ?? []).not.toContain("*");
      expect(rule.apiGroups ?? []).not.toContain("*");
    }
    for (const role of clusterRoles()) {
      const labels = Object.keys(role.metadata.labels ?? {});
      expect(labels.filter((l) => l.startsWith("rbac.authorization.k8s.io/aggregate-to"))).toEqual([]);
    }
  });

  it("does not let NMI read secrets, nor MIC rewrite CRDs", () => {
    const nmi = the(resources, "ClusterRole", "aks-hardening-aad-pod-identity-nmi");
    expect(nmi.rules!.flatMap((r) => r.resources ?? [])).not.toContain("secrets");
    const mic = the(resources, "ClusterRole", "aks-hardening-aad-pod-identity-mic");
    const crdRule = mic.rules!.find((r) => r.resources?.includes("customresourcedefinitions"))!;
    expect(crdRule.verbs.sort()).toEqual(["get", "list", "watch"]);
    expect(mic.rules!.flatMap((r) => r.resources ?? [])).not.toContain("secrets");
  });

  it("binds each team's groups to a developer Role in its own namespaces only", () => {
    const bindings = objectsOfKind(resources, "RoleBinding");
    for (const [team, group, namespaces] of [
      ["team-a", TEAM_A_GROUP, ["team-a", "team-a-jobs"]],
      ["team-b", TEAM_B_GROUP, ["team-b"]],
      ["team-c", TEAM_C_GROUP, ["team-c"]],
    ] as const) {
      const boundIn = bindings
        .filter((b) => b.subjects?.some((s) => s.kind === "Group" && s.name === group))
        .map((b) => b.metadata.namespace);
      expect([team, boundIn.sort()]).toEqual([team, [...namespaces].sort()]);
      for (const ns of namespaces) {
        const b = the(resources, "RoleBinding", "aks-hardening-team-developer", ns);
        expect(b.roleRef).toEqual({
          apiGroup: "rbac.authorization.k8s.io",
          kind: "Role",
          name: "aks-hardening-team-developer",
        });
        expect(b.subjects).toEqual([{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: group }]);
      }
    }
  });

  it("gives developers no write on identity CRDs, roles, bindings or namespaces, and names every verb", () => {
    const role = the(resources, "Role", "aks-hardening-team-developer", "team-a");
    const writes = ["create", "update", "patch", "delete", "deletecollection"];
    for (const rule of role.rules!) {
      expect(rule.verbs.length).toBeGreaterThan(0);
      expect(rule.resources!.length).toBeGreaterThan(0);
      const touchesIdentity = (rule.apiGroups ?? []).includes("aadpodidentity.k8s.io");
      const touchesRbac = (rule.apiGroups ?? []).includes("rbac.authorization.k8s.io");
      if (touchesIdentity) expect(rule.verbs.filter((v) => writes.includes(v))).toEqual([]);
      expect(touchesRbac).toBe(false);
      expect(rule.resources).not.toContain("namespaces");
      expect(rule.resources).not.toContain("serviceaccounts/token");
    }
  });

  it("fences the identity namespace: no team principal is bound there, nor cluster-wide beyond discovery", () => {
    const inIdentityNs = objectsOfKind(resources, "RoleBinding").filter(
      (b) => b.metadata.namespace === IDENTITY_NS,
    );
    for (const b of inIdentityNs) {
      expect(b.subjects!.every((s) => s.kind === "ServiceAccount" && s.namespace === IDENTITY_NS)).toBe(true);
    }
    for (const crb of objectsOfKind(resources, "ClusterRoleBinding")) {
      const teamSubjects = (crb.subjects ?? []).filter((s) => TEAM_GROUPS.includes(s.name));
      if (teamSubjects.length === 0) continue;
      expect(crb.roleRef!.name).toBe("aks-hardening-team-discovery");
    }
    const discovery = the(resources, "ClusterRole", "aks-hardening-team-discovery");
    for (const rule of discovery.rules!) {
      expect(rule.resources ?? []).toEqual([]);
      expect(rule.verbs).toEqual(["get"]);
      expect(rule.nonResourceURLs!.length).toBeGreaterThan(0);
    }
  });

  it("grants the platform groups administration, and cluster-admin to nobody else", () => {
    const admins = objectsOfKind(resources, "ClusterRoleBinding").filter(
      (b) => b.roleRef?.name === "cluster-admin",
    );
    expect(admins).toHaveLength(1);
    expect(admins[0].subjects).toEqual([
      { apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: PLATFORM_GROUP },
    ]);
  });
});

describe("team namespaces", () => {
  it("enforce, audit and warn PSA restricted at a pinned version and carry the trust anchors", () => {
    const teamOf: Record<string, string> = {
      "team-a": "team-a",
      "team-a-jobs": "team-a",
      "team-b": "team-b",
      "team-c": "team-c",
    };
    for (const name of TEAM_NAMESPACES) {
      const ns = the(resources, "Namespace", name);
      for (const mode of ["enforce", "audit", "warn"]) {
        expect(ns.metadata.labels?.[`pod-security.kubernetes.io/${mode}`]).toBe("restricted");
        expect(ns.metadata.labels?.[`pod-security.kubernetes.io/${mode}-version`]).toBe("v1.33");
      }
      expect(ns.metadata.labels?.[TEAM_LABEL]).toBe(teamOf[name]);
      expect(ns.metadata.annotations?.[RESOURCE_GROUP_ANNOTATION]).toMatch(
        new RegExp(`^/subscriptions/[^/]+/resourceGroups/rg-aks-${teamOf[name]}$`),
      );
    }
  });

  it("deny all ingress and egress by default, allow DNS, and have a quota and limit range", () => {
    for (const ns of TEAM_NAMESPACES) {
      const deny = the(resources, "NetworkPolicy", "default-deny-all", ns);
      expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
      const dns = the(resources, "NetworkPolicy", "allow-dns-egress", ns);
      expect(dns.spec.egress[0].ports).toEqual([
        { protocol: "UDP", port: 53 },
        { protocol: "TCP", port: 53 },
      ]);
      expect(dns.spec.egress[0].to[0].namespaceSelector.matchLabels).toEqual({
        "kubernetes.io/metadata.name": "kube-system",
      });
      expect(dns.spec.ingress).toBeUndefined();
      expect(Object.keys(the(resources, "ResourceQuota", "team-quota", ns).spec.hard)).toEqual(
        expect.arrayContaining(["requests.cpu", "limits.memory", "pods"]),
      );
      expect(the(resources, "ResourceQuota", SYSTEM_PRIORITY_QUOTA, ns).spec).toEqual({
        hard: { pods: "0" },
        scopeSelector: {
          matchExpressions: [
            {
              scopeName: "PriorityClass",
              operator: "In",
              values: ["system-node-critical", "system-cluster-critical"],
            },
          ],
        },
      });
      const limits = the(resources, "LimitRange", "team-limits", ns).spec.limits[0];
      expect(limits.type).toBe("Container");
      expect(limits.default).toBeDefined();
      expect(limits.defaultRequest).toBeDefined();
    }
  });
});

describe("team identities", () => {
  it("pod-identity teams get a type-0 AzureIdentity and a binding with selector <namespace>.<identity>", () => {
    const identities = objectsOfKind(resources, "AzureIdentity");
    expect(identities.map((i) => `${i.metadata.namespace}/${i.metadata.name}`).sort()).toEqual([
      "team-a-jobs/batch",
      "team-a/web",
      "team-b/web",
    ]);
    const a = the(resources, "AzureIdentity", "web", "team-a");
    expect(a.spec).toEqual({
      type: 0,
      resourceID: expect.stringMatching(
        /resourceGroups\/rg-aks-team-a\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/id-web$/,
      ),
      clientID: "client-a-web",
    });
    // Each namespace records exactly its own identities' clientID=resourceID pairs.
    const approved = (ns: string) =>
      the(resources, "Namespace", ns).metadata.annotations?.[APPROVED_IDENTITIES_ANNOTATION];
    expect(approved("team-a")).toBe(`client-a-web=${a.spec.resourceID}`);
    expect(approved("team-a-jobs")).toMatch(/=.*userAssignedIdentities\/id-batch$/);
    expect(approved("team-b")).not.toContain("client-a-web");
    const binding = the(resources, "AzureIdentityBinding", "web-binding", "team-b");
    expect(binding.spec).toEqual({ azureIdentity: "web", selector: "team-b.web" });
  });

  it("pod-identity identities get the platform's own ServiceAccount, with no token and no client-id annotation", () => {
    for (const [namespace, account] of [
      ["team-a", "web"],
      ["team-b", "web"],
    ]) {
      const sa = the(resources, "ServiceAccount", account, namespace);
      expect((sa as { automountServiceAccountToken?: boolean }).automountServiceAccountToken).toBe(false);
      expect(sa.metadata.annotations?.[WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION]).toBeUndefined();
    }
  });

  it("every selector is unique across the cluster, even for equal identity names", () => {
    const selectors = objectsOfKind(resources, "AzureIdentityBinding").map((b) => b.spec.selector);
    expect(selectors).toHaveLength(3);
    expect(new Set(selectors).size).toBe(selectors.length);
    for (const b of objectsOfKind(resources, "AzureIdentityBinding")) {
      expect(b.spec.selector.startsWith(`${b.metadata.namespace}.`)).toBe(true);
    }
  });

  it("identity objects wait for their CRD and namespace", () => {
    const crdUrns = resources.filter((r) => r.type.endsWith("CustomResourceDefinition")).map((r) => r.urn);
    for (const r of resources.filter((x) => x.type === "kubernetes:aadpodidentity.k8s.io/v1:AzureIdentity")) {
      expect(r.dependencies).toEqual(expect.arrayContaining(crdUrns));
    }
  });

  it("the workload-identity team gets an annotated ServiceAccount and no AzureIdentity", () => {
    const sa = the(resources, "ServiceAccount", "api-sa", "team-c");
    expect(sa.metadata.annotations?.[WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION]).toBe("client-c-api");
    expect(all.filter((o) => o.metadata.namespace === "team-c" && o.kind.startsWith("Azure"))).toEqual([]);
    const wiEgress = the(resources, "NetworkPolicy", "allow-workload-identity-token-egress", "team-c");
    expect(wiEgress.spec.podSelector.matchLabels).toEqual({ "azure.workload.identity/use": "true" });
  });
});

describe("cluster guardrails", () => {
  it("registers fifteen Deny-bound, fail-closed policies named aks-hardening-*", () => {
    const policies = recordedPolicies(resources);
    expect(policies).toHaveLength(15);
    expect(objectsOfKind(resources, "ValidatingAdmissionPolicyBinding")).toHaveLength(15);
    for (const p of policies) {
      expect(p.name).toMatch(/^aks-hardening-/);
      expect(p.validationActions).toEqual(["Deny"]);
      expect(p.spec.failurePolicy).toBe("Fail");
      for (const v of p.spec.validations) expect(v.messageExpression).toContain(`'${p.name}: '`);
    }
    const apiVersions = new Set(
      all.filter((o) => o.kind.startsWith("ValidatingAdmissionPolicy")).map((o) => o.apiVersion),
    );
    expect([...apiVersions]).toEqual(["admissionregistration.k8s.io/v1"]);
  });

  it("emits exactly the CEL the decision tables test", () => {
    const settings = guardrailSettingsFor(resolveHardeningArgs(hardeningArgs("standard")));
    const expected = guardrailPolicies(settings);
    const recorded = recordedPolicies(resources);
    for (const def of expected) {
      expect(recorded.find((r) => r.name === def.name)?.spec).toEqual(def.spec);
    }
    // And the table's own settings agree with what the component derived.
    expect(settings.pinnedImages).toEqual([MIC_IMAGE, NMI_IMAGE]);
    expect(settings.identityServiceAccounts).toEqual(["mic", "nmi"]);
  });

  it("the recorded S1 policy denies team-b's pod with team-a's selector, and allows its own", () => {
    const policy = recordedPolicy(resources, POD_IDENTITY_LABEL_POLICY);
    const stolen = evaluatePolicy(
      policy,
      namespacedRequest(PODS, "team-b", pod("team-b", { label: "team-a.web" }), TEAM_B_USER),
    );
    expect(stolen.errors).toEqual([]);
    expect(stolen.allowed).toBe(false);
    const own = evaluatePolicy(
      policy,
      namespacedRequest(PODS, "team-b", pod("team-b", { label: "team-b.web" }), TEAM_B_USER),
    );
    expect(own.allowed).toBe(true);
  });

  it("the blueprint's own objects pass every recorded guardrail (as the deployment principal)", () => {
    const policies = recordedPolicies(resources);
    const namespaceObjects = Object.fromEntries(
      objectsOfKind(resources, "Namespace").map((n) => [n.metadata.name, n]),
    );
    const requests: AdmissionRequestFixture[] = [];
    for (const who of [PLATFORM_USER, DEPLOYER_USER]) {
      for (const ns of objectsOfKind(resources, "Namespace")) {
        requests.push({
          operation: "CREATE",
          resource: NAMESPACES_RESOURCE,
          namespace: "",
          userInfo: who,
          object: ns,
          namespaceObject: null,
        });
      }
      const inNs = (resource: AdmissionRequestFixture["resource"], o: K8sObject) =>
        requests.push(
          namespacedRequest(resource, o.metadata.namespace!, o, who, "CREATE", {
            namespaceObject: namespaceObjects[o.metadata.namespace!],
          }),
        );
      objectsOfKind(resources, "AzureIdentity").forEach((o) => inNs(AZURE_IDENTITIES, o));
      objectsOfKind(resources, "AzureIdentityBinding").forEach((o) => inNs(AZURE_IDENTITY_BINDINGS, o));
      objectsOfKind(resources, "Deployment").forEach((o) => inNs(DEPLOYMENTS, o));
      objectsOfKind(resources, "DaemonSet").forEach((o) =>
        inNs({ group: "apps", version: "v1", resource: "daemonsets" }, o),
      );
      objectsOfKind(resources, "RoleBinding").forEach((o) => inNs(ROLE_BINDINGS, o));
      for (const crb of objectsOfKind(resources, "ClusterRoleBinding")) {
        requests.push({
          operation: "CREATE",
          resource: CLUSTER_ROLE_BINDINGS,
          namespace: "",
          userInfo: who,
          object: crb,
          namespaceObject: null,
        });
      }
    }
    // The default namespace after the patch, as the API server would see the update.
    const patch = object(
      k8sResources(resources).find((r) => r.type === "kubernetes:core/v1:NamespacePatch")!,
    );
    const defaultNs = {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "default", labels: patch.metadata.labels },
    };
    requests.push({
      operation: "UPDATE",
      resource: NAMESPACES_RESOURCE,
      namespace: "",
      userInfo: DEPLOYER_USER,
      object: defaultNs,
      oldObject: { apiVersion: "v1", kind: "Namespace", metadata: { name: "default" } },
      namespaceObject: null,
    });
    let matched = 0;
    for (const request of requests) {
      for (const policy of policies) {
        const d = evaluatePolicy(policy, request);
        if (d.matched) matched++;
        expect({
          policy: policy.name,
          object: (request.object as K8sObject).metadata.name,
          errors: d.errors,
          messages: d.messages,
        }).toEqual({
          policy: policy.name,
          object: (request.object as K8sObject).metadata.name,
          errors: [],
          messages: [],
        });
      }
    }
    expect(matched).toBeGreaterThan(30);
  });

  it("the pod-security guardrail would deny the team namespaces if they were relaxed (mutation)", () => {
    const policy = namespacePodSecurityPolicy(
      guardrailSettingsFor(resolveHardeningArgs(hardeningArgs("standard"))),
    );
    const ns = the(resources, "Namespace", "team-a");
    const relaxed = {
      ...ns,
      metadata: {
        ...ns.metadata,
        labels: { ...ns.metadata.labels, "pod-security.kubernetes.io/enforce": "privileged" },
      },
    };
    const d = evaluatePolicy(policy, {
      operation: "CREATE",
      resource: NAMESPACES_RESOURCE,
      namespace: "",
      userInfo: PLATFORM_USER,
      object: relaxed,
      namespaceObject: null,
    });
    expect(d.errors).toEqual([]);
    expect(d.allowed).toBe(false);
  });
});
