/**
 * Runs the real program (`infra/program.ts` `main`) with a committed stack file's configuration,
 * exactly as the offline plan does, and defines the assertions every `create`-mode stack must pass.
 * Each stack has its own test file (one mock run per jest file: the Pulumi runtime is per process).
 */
import { credentialsInOutputs } from "../../testing/output-credentials";
import * as pulumi from "@pulumi/pulumi";
import { join } from "path";
import { readStackFile, type StackFileOptions } from "../../infra/config/stack-file";
import { validateConfig } from "../../infra/config/validate";
import type { BlueprintConfig } from "../../infra/config/types";
import { main } from "../../infra/program";
import { validateTeamContract } from "../../components/team/stack-reference";
import { evaluatePolicies } from "../../policy-pack/evaluate";
import { toEvaluated } from "../../cli/resources";
import { readFileSync } from "fs";
import { MOCK_SUBSCRIPTION_ID, mockInvoke } from "../../testing/computed-outputs";
import { ofType, runProgramUnderMocks, single, type RecordedResource } from "../../testing/recording-mocks";
import { IDENTITY_OBJECTS_POLICY, NAMESPACE_POD_SECURITY_POLICY } from "../../conventions/admission";
import { podSecurityLabels } from "../../conventions/kubernetes";
import { DEFAULT_PRIVILEGED_NAMESPACES } from "../../components/kubernetes/validate-args";
import { AZURE_IDENTITIES, NAMESPACES_RESOURCE, namespace, namespacedRequest } from "../kubernetes/fixtures";
import { recordedPolicy } from "../kubernetes/recorded";
import { evaluatePolicy, type AdmissionRequestFixture } from "../kubernetes/vap-evaluator";

export interface StackRun {
  config: BlueprintConfig;
  resources: RecordedResource[];
  outputs: Record<string, unknown>;
  /** What `main` returned, before the engine resolved it (Outputs keep their secret flag). */
  programOutputs: Record<string, unknown>;
  /** Invoke tokens the program made. */
  invokes: string[];
}

/** `aks-hardening:<key>` -> string, as the Pulumi CLI hands stack config to a program. */
export function rawConfigOf(project: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(project).map(([key, value]) => [
      `aks-hardening:${key}`,
      typeof value === "string" ? value : JSON.stringify(value),
    ]),
  );
}

export interface RunStackOptions extends StackFileOptions {
  /** Changes the stack file's project config before the run (a documented deviation). */
  override?: (project: Record<string, unknown>) => Record<string, unknown>;
}

/** Runs the program for `stacks/Pulumi.<stack>.yaml`. */
export async function runStack(stack: string, options: RunStackOptions = {}): Promise<StackRun> {
  const fromFile = readStackFile(join(__dirname, "..", "..", "stacks", `Pulumi.${stack}.yaml`), options);
  const project = options.override ? options.override(fromFile) : fromFile;
  const invokes: string[] = [];
  let programOutputs: Record<string, unknown> = {};
  const program = async () => (programOutputs = await main());
  const { resources, result } = await runProgramUnderMocks(program, {
    stack,
    rawConfig: rawConfigOf(project),
    call: (token, inputs) => {
      invokes.push(token);
      return mockInvoke(token, inputs);
    },
  });
  return { config: validateConfig(project, stack), resources, outputs: result, programOutputs, invokes };
}

const RA = "azure-native:authorization:RoleAssignment";
const MIO_GUID = "f1a07417-d97a-45cb-824c-7a7467783830";
const VMC_GUID = "9980e02c-c2be-4d73-94e8-173b1dc7cf3c";

/** Assertions every `create`-mode stack must pass; `run` is filled by the caller's `beforeAll`. */
export function describeCreateStack(stack: string, run: () => StackRun): void {
  const clusterName = () => run().config.cluster.name;
  const rgId = (group: string) => `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/${group}`;

  describe(`stack ${stack} (create mode)`, () => {
    it("builds the hardened cluster, its monitoring and the Kubernetes hardening", () => {
      const { resources } = run();
      const cluster = single(resources, "azure-native:containerservice:ManagedCluster");
      expect(cluster.inputs).toMatchObject({
        resourceName: clusterName(),
        disableLocalAccounts: true,
        enableRBAC: true,
        aadProfile: { managed: true, enableAzureRBAC: true },
        networkProfile: { networkPlugin: "azure", networkPluginMode: "overlay" },
        oidcIssuerProfile: { enabled: true },
        securityProfile: { workloadIdentity: { enabled: true } },
        podIdentityProfile: { enabled: false },
      });
      expect(ofType(resources, "azure-native:monitor:ScheduledQueryRule")).toHaveLength(4);
      single(resources, "aks-hardening:kubernetes:KubernetesHardening");
    });

    it("creates the alert rules after the audit log pipeline they query", () => {
      const { resources } = run();
      const pipeline = single(resources, "azure-native:monitor:DiagnosticSetting");
      for (const rule of ofType(resources, "azure-native:monitor:ScheduledQueryRule")) {
        expect(rule.dependencies).toContain(pipeline.urn);
      }
    });

    it("never exposes the API server to the whole internet", () => {
      const access = single(run().resources, "azure-native:containerservice:ManagedCluster").inputs
        .apiServerAccessProfile as { enablePrivateCluster: boolean; authorizedIPRanges?: string[] };
      if (!access.enablePrivateCluster) {
        expect(access.authorizedIPRanges?.length).toBeGreaterThan(0);
        expect(access.authorizedIPRanges).not.toContain("0.0.0.0/0");
      }
    });

    it("creates one User pool per team with a nodePool, labelled and tainted for that team only (issue 15)", () => {
      const { resources, config } = run();
      const teamPools = ofType(resources, "azure-native:containerservice:AgentPool").filter((p) =>
        p.name.startsWith(`${clusterName()}-team-pool-`),
      );
      const pooled = config.teams.filter((t) => t.nodePool !== undefined);
      expect(teamPools).toHaveLength(pooled.length);
      if (config.podIdentity.isolateNodes) {
        for (const team of config.teams.filter((t) => t.identityMode === "pod-identity"))
          expect(pooled).toContain(team);
      }
      for (const team of pooled) {
        const pool = single(
          resources,
          "azure-native:containerservice:AgentPool",
          `${clusterName()}-team-pool-${team.name}`,
        );
        expect(pool.inputs).toMatchObject({
          agentPoolName: team.nodePool?.name,
          mode: "User",
          nodeTaints: [`aks-hardening.io/team-pool=${team.name}:NoSchedule`],
          nodeLabels: { "aks-hardening.io/team-pool": team.name },
          enableAutoScaling: true,
          enableNodePublicIP: false,
        });
      }
    });

    it("creates each team's resource group and one identity per declared workload", () => {
      const { resources, config } = run();
      for (const team of config.teams) {
        single(resources, "azure-native:resources:ResourceGroup", `${clusterName()}-${team.name}-rg`);
        for (const identity of team.identities) {
          single(
            resources,
            "azure-native:managedidentity:UserAssignedIdentity",
            `${clusterName()}-${team.name}-${identity.name}-identity`,
          );
        }
      }
    });

    it("scopes every workload grant to its team's resource group and MIC's grants to single identities", () => {
      const { resources, config } = run();
      const grants = ofType(resources, RA);
      for (const ra of grants) {
        const scope = String(ra.inputs.scope);
        expect(scope).not.toMatch(/^\/subscriptions\/[^/]+\/?$/);
        expect(ra.inputs.principalType).toBe("ServicePrincipal");
        if (String(ra.inputs.roleDefinitionId).endsWith(MIO_GUID)) {
          expect(scope).toMatch(/\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+$/);
        } else if (String(ra.inputs.roleDefinitionId).endsWith(VMC_GUID)) {
          expect(scope).toBe(rgId(`rg-${clusterName()}-nodes`));
        } else {
          const team = config.teams.find((t) => ra.name.startsWith(`${clusterName()}-${t.name}-`));
          expect(team).toBeDefined();
          expect(scope).toBe(rgId(`rg-${clusterName()}-${team?.name}`));
        }
      }
      const declared = config.teams.flatMap((t) => t.identities.flatMap((i) => i.roles)).length;
      const podIdentityIdentities = config.teams
        .filter((t) => t.identityMode === "pod-identity")
        .flatMap((t) => t.identities).length;
      const standard = config.podIdentity.mode === "standard" && podIdentityIdentities > 0;
      // Workload roles + control plane on kubelet + (standard mode) MIC per identity + VM Contributor.
      expect(grants).toHaveLength(declared + 1 + (standard ? podIdentityIdentities + 1 : 0));
    });

    it("federates exactly the workload-identity teams' identities with their ServiceAccounts", () => {
      const { resources, config } = run();
      const expected = config.teams
        .filter((t) => t.identityMode === "workload-identity")
        .flatMap((t) => t.identities.map((i) => `system:serviceaccount:${i.namespace}:${i.serviceAccount}`));
      const subjects = ofType(resources, "azure-native:managedidentity:FederatedIdentityCredential").map(
        (f) => f.inputs.subject,
      );
      expect(expected.length).toBeGreaterThan(0);
      expect(subjects.sort()).toEqual(expected.sort());
    });

    it("uses only explicit providers: Azure for Azure resources, the cluster's for Kubernetes", () => {
      const { resources } = run();
      const azure = single(resources, "pulumi:providers:azure-native");
      const kubernetes = single(resources, "pulumi:providers:kubernetes");
      const azureResources = resources.filter((r) => r.type.startsWith("azure-native:"));
      const kubernetesResources = resources.filter((r) => r.type.startsWith("kubernetes:"));
      expect(kubernetesResources.length).toBeGreaterThan(0);
      for (const r of azureResources) expect(r.provider?.startsWith(`${azure.urn}::`)).toBe(true);
      for (const r of kubernetesResources) expect(r.provider?.startsWith(`${kubernetes.urn}::`)).toBe(true);
    });

    it("makes only the user-credentials invoke", () => {
      expect([...new Set(run().invokes)]).toEqual([
        "azure-native:containerservice:listManagedClusterUserCredentials",
      ]);
    });

    it("returns cluster, OIDC issuer, per-team resource groups and identity client IDs", () => {
      const { outputs, config, resources } = run();
      expect(outputs).toMatchObject({ clusterMode: "create", clusterName: clusterName() });
      expect(String(outputs.oidcIssuerUrl)).toMatch(/^https:\/\//);
      const teams = outputs.teams as Record<
        string,
        { resourceGroupId: string; identities: Record<string, { clientId: string }> }
      >;
      expect(Object.keys(teams).sort()).toEqual(config.teams.map((t) => t.name).sort());
      for (const team of config.teams) {
        expect(teams[team.name].resourceGroupId).toBe(rgId(`rg-${clusterName()}-${team.name}`));
        for (const identity of team.identities) {
          const created = single(
            resources,
            "azure-native:managedidentity:UserAssignedIdentity",
            `${clusterName()}-${team.name}-${identity.name}-identity`,
          );
          expect(teams[team.name].identities[identity.name].clientId).toBe(created.outputs.clientId);
        }
      }
      expect(typeof outputs.kubeconfig).toBe("string");
    });

    it("passes the policy pack with its own policy config: no mandatory violation", async () => {
      const config = JSON.parse(
        readFileSync(join(__dirname, "..", "..", "policy-pack", "config", `${stack}.json`), "utf8"),
      ) as Record<string, unknown>;
      const violations = await evaluatePolicies(toEvaluated(run().resources), { config });
      const mandatory = violations.filter((v) => v.enforcementLevel !== "advisory");
      expect(mandatory.map((v) => `${v.policyName}: ${v.message}`)).toEqual([]);
      // The pack did judge this stack: the deprecated pod identity still in use is reported.
      expect(violations.some((v) => v.policyName === "pod-identity-deprecated")).toBe(true);
    });

    it("exports a valid contract per team, with its own namespaces, identities and resource group", async () => {
      const { outputs, config } = run();
      const contracts = outputs.teamContracts as Record<string, unknown>;
      expect(Object.keys(contracts).sort()).toEqual(config.teams.map((t) => t.name).sort());
      const teamOutputs = outputs.teams as Record<string, { resourceGroupId: string }>;
      for (const team of config.teams) {
        const contract = validateTeamContract(contracts[team.name], team.name);
        expect(contract.namespaces).toEqual(team.namespaces);
        expect(contract.resourceGroupId).toBe(teamOutputs[team.name].resourceGroupId);
        expect(contract.identities.map((i) => i.name).sort()).toEqual(
          team.identities.map((i) => i.name).sort(),
        );
      }
      // The contract carries the kubeconfig, so the whole output must stay secret.
      expect(await pulumi.isSecret(run().programOutputs.teamContracts as pulumi.Output<unknown>)).toBe(true);
    });

    it("exports the kubeconfig as a secret", async () => {
      expect(await pulumi.isSecret(run().programOutputs.kubeconfig as pulumi.Output<string>)).toBe(true);
    });

    it("exports no credential: every kubeconfig in the outputs (contracts included) authenticates its user itself", () => {
      expect(credentialsInOutputs(run().outputs)).toEqual([]);
    });
  });
}

/**
 * `guardrails` the stack tests add to a stack file (no committed stack sets them: the local API
 * server's admin is in `system:masters`, and AKS deployers use the platform group).
 */
export const CONFIGURED_GUARDRAILS = {
  platformUsers: ["ci-deployer@example.com"],
  privilegedNamespaces: [...DEFAULT_PRIVILEGED_NAMESPACES, "monitoring-system"],
};

/** A `RunStackOptions.override` adding `CONFIGURED_GUARDRAILS` to the stack file's config. */
export function withGuardrails(project: Record<string, unknown>): Record<string, unknown> {
  return { ...project, guardrails: CONFIGURED_GUARDRAILS };
}

/**
 * The configured guardrails reach the recorded admission policies: judged by the policies' own CEL,
 * the configured user and namespace are let through where an unconfigured one is refused.
 */
export function describeGuardrails(stack: string, run: () => StackRun): void {
  const [platformUser] = CONFIGURED_GUARDRAILS.platformUsers;
  const namespaceWrite = (name: string, who: string): AdmissionRequestFixture => ({
    operation: "CREATE",
    resource: NAMESPACES_RESOURCE,
    namespace: "",
    userInfo: { username: who },
    object: namespace(name, podSecurityLabels("privileged", "v1.33")),
    oldObject: null,
    namespaceObject: null,
  });

  describe(`stack ${stack}: configured guardrails`, () => {
    it("validates them into the config the program ran with", () => {
      expect(run().config.guardrails).toEqual(CONFIGURED_GUARDRAILS);
    });

    it("treats the configured platform user, and no other user, as a platform principal", () => {
      const policy = recordedPolicy(run().resources, IDENTITY_OBJECTS_POLICY);
      expect(JSON.stringify(policy.spec)).toContain(`'${platformUser}'`);
      const teamNamespace = run().config.teams[0].namespaces[0];
      const write = (username: string) =>
        evaluatePolicy(
          policy,
          namespacedRequest(AZURE_IDENTITIES, teamNamespace, { kind: "AzureIdentity" }, { username }),
        );
      const configured = write(platformUser);
      expect(configured).toMatchObject({ matched: true, allowed: true, errors: [] });
      const other = write("someone-else@example.com");
      expect(other).toMatchObject({ matched: true, allowed: false, errors: [] });
    });

    it("lets the configured namespace, and no other, be privileged", () => {
      const policy = recordedPolicy(run().resources, NAMESPACE_POD_SECURITY_POLICY);
      for (const name of CONFIGURED_GUARDRAILS.privilegedNamespaces) {
        expect([name, evaluatePolicy(policy, namespaceWrite(name, platformUser))]).toEqual([
          name,
          expect.objectContaining({ matched: true, allowed: true, errors: [] }),
        ]);
      }
      const other = evaluatePolicy(policy, namespaceWrite("other-system", platformUser));
      expect(other).toMatchObject({ matched: true, allowed: false, errors: [] });
      expect(other.messages.join("\n")).toContain('got "privileged"');
    });
  });
}
