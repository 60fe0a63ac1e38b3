/**
 * Monitoring: the alert queries as pure functions (each shown to match the event it is about and
 * to be specific to it), and the component's action group and rules under mocks.
 */
import { Provider as AzureProvider } from "@pulumi/azure-native/provider";
import {
  AUDIT_TABLE,
  Monitoring,
  actionGroupShortName,
  auditAlerts,
  identityNamespaceExecQuery,
  identityObjectChangeQuery,
  kqlString,
  privilegedPodQuery,
  rbacChangeQuery,
} from "../../components/azure";
import { ofType, runProgramUnderMocks, single, type RecordedResource } from "../../testing/recording-mocks";

const RULE = "azure-native:monitor:ScheduledQueryRule";
const WORKSPACE_ID =
  "/subscriptions/s/resourceGroups/rg-aks/providers/Microsoft.OperationalInsights/workspaces/log-aks";

describe("audit queries", () => {
  it("read the resource-specific kube-audit-admin table", () => {
    expect(AUDIT_TABLE).toBe("AKSAuditAdmin");
    for (const alert of auditAlerts("aad-pod-identity"))
      expect(alert.query.split("\n")[0]).toBe("AKSAuditAdmin");
  });

  it("RBAC: watches writes to the four RBAC kinds in the RBAC API group", () => {
    const q = rbacChangeQuery();
    expect(q).toContain('tostring(ObjectRef.apiGroup) == "rbac.authorization.k8s.io"');
    expect(q).toContain('in ("roles", "rolebindings", "clusterroles", "clusterrolebindings")');
    expect(q).toContain('Verb in ("create", "update", "patch", "delete", "deletecollection")');
  });

  it("identity objects: watches the aadpodidentity.k8s.io group and its CRDs, except the identity namespace's own components", () => {
    const q = identityObjectChangeQuery("pod-id");
    expect(q).toContain('tostring(ObjectRef.apiGroup) == "aadpodidentity.k8s.io"');
    expect(q).toContain('endswith ".aadpodidentity.k8s.io"');
    expect(q).toContain('not(tostring(User.username) startswith "system:serviceaccount:pod-id:")');
    expect(identityObjectChangeQuery("other")).not.toContain("pod-id");
  });

  it("privileged pods: matches privileged, hostNetwork and hostPID requests outside expected system DaemonSets", () => {
    const q = privilegedPodQuery("pod-id");
    expect(q).toMatch(/tobool\(Spec\.hostNetwork\)/);
    expect(q).toMatch(/tobool\(Spec\.hostPID\)/);
    expect(q).toContain(`tostring(Spec.containers) contains '"privileged":true'`);
    expect(q).toContain(`tostring(Spec.ephemeralContainers) contains '"privileged":true'`);
    expect(q).toContain('in ("kube-system", "pod-id")');
    expect(q).toContain('"system:serviceaccount:kube-system:daemon-set-controller"');
  });

  it("exec: matches exec and attach in the identity namespace only", () => {
    const q = identityNamespaceExecQuery("pod-id");
    expect(q).toContain('tostring(ObjectRef.subresource) in ("exec", "attach")');
    expect(q).toContain('tostring(ObjectRef.namespace) == "pod-id"');
  });

  it("quotes values as KQL string literals", () => {
    expect(kqlString('a"b\\c')).toBe('"a\\"b\\\\c"');
  });

  it("defines one distinct alert per threat-model signal", () => {
    const alerts = auditAlerts("aad-pod-identity");
    expect(alerts.map((a) => a.key)).toEqual([
      "rbac-change",
      "identity-object-change",
      "privileged-pod",
      "identity-namespace-exec",
    ]);
    expect(new Set(alerts.map((a) => a.query)).size).toBe(alerts.length);
  });
});

describe("Monitoring component", () => {
  let recorded: RecordedResource[];
  beforeAll(async () => {
    ({ resources: recorded } = await runProgramUnderMocks(() => {
      const provider = new AzureProvider("azure", { location: "westeurope" });
      new Monitoring("aks", {
        provider,
        resourceGroupName: "rg-aks",
        location: "westeurope",
        workspaceId: WORKSPACE_ID,
        alertEmails: ["sec@example.com", "oncall@example.com"],
        identityNamespace: "aad-pod-identity",
      });
      new Monitoring("quiet", {
        provider,
        resourceGroupName: "rg-aks",
        location: "westeurope",
        workspaceId: WORKSPACE_ID,
        identityNamespace: "aad-pod-identity",
      });
      return {};
    }));
  });

  it("creates an enabled action group e-mailing every configured receiver", () => {
    const group = single(recorded, "azure-native:monitor:ActionGroup", "aks-security");
    expect(group.inputs).toMatchObject({
      enabled: true,
      groupShortName: "sec-aks",
      resourceGroupName: "rg-aks",
    });
    expect((group.inputs.emailReceivers as { emailAddress: string }[]).map((r) => r.emailAddress)).toEqual([
      "sec@example.com",
      "oncall@example.com",
    ]);
  });

  it("creates one enabled log alert per query, on the workspace, firing on any row, to the action group", () => {
    const group = single(recorded, "azure-native:monitor:ActionGroup", "aks-security");
    const rules = ofType(recorded, RULE, /^aks-/);
    const expected = auditAlerts("aad-pod-identity");
    expect(rules).toHaveLength(expected.length);
    for (const alert of expected) {
      const rule = single(recorded, RULE, `aks-${alert.key}`);
      expect(rule.inputs).toMatchObject({
        kind: "LogAlert",
        enabled: true,
        scopes: [WORKSPACE_ID],
        actions: { actionGroups: [group.id] },
        criteria: {
          allOf: [{ query: alert.query, timeAggregation: "Count", operator: "GreaterThan", threshold: 0 }],
        },
      });
    }
  });

  it("without receivers, still creates every rule but no action group to notify", () => {
    expect(ofType(recorded, "azure-native:monitor:ActionGroup", "quiet-security")).toEqual([]);
    const rules = ofType(recorded, RULE, /^quiet-/);
    expect(rules).toHaveLength(auditAlerts("aad-pod-identity").length);
    for (const rule of rules) expect(rule.inputs.actions).toEqual({ actionGroups: [] });
  });

  it("keeps the action group's short name within 12 characters", () => {
    expect(actionGroupShortName("a-very-long-cluster-name").length).toBeLessThanOrEqual(12);
  });
});
