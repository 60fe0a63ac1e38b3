/**
 * `resolveHardeningArgs`: defaults, and one mutation per rule of a valid argument set, each failing
 * with the key and the bad value named. Also: a bad argument registers nothing.
 */
import { RunError } from "@pulumi/pulumi/errors";
import {
  DEFAULT_POD_SECURITY_VERSION,
  HardeningArgsError,
  KubernetesHardening,
  resolveHardeningArgs,
} from "../../components/kubernetes";
import { isSupportedPodIdentityVersion } from "../../conventions/pod-identity-release";
import type { KubernetesHardeningArgs } from "../../components/kubernetes/hardening-args";
import { runProgramUnderMocks } from "../../testing/recording-mocks";
import { PLATFORM_GROUP, RG_A, TEAM_A_GROUP, uami } from "./fixtures";
import { hardeningArgs } from "./hardening-args";

const SHARED_CLIENT_ID = "12345678-1234-4234-8234-123456789012";

// Building args creates a k8s.Provider, which needs the mock runtime.
let valid: () => KubernetesHardeningArgs;
beforeAll(async () => {
  await runProgramUnderMocks(() => {
    const args = hardeningArgs("standard");
    valid = () => ({ ...args, teams: args.teams.map((t) => ({ ...t, identities: [...t.identities] })) });
  });
});

function problemsOf(mutate: (a: KubernetesHardeningArgs) => void): { key: string; value: unknown }[] {
  const args = valid();
  mutate(args);
  try {
    resolveHardeningArgs(args);
  } catch (e) {
    expect(e).toBeInstanceOf(HardeningArgsError);
    expect(RunError.isInstance(e)).toBe(true); // the Pulumi CLI prints its message alone
    return (e as HardeningArgsError).problems.map(({ key, value }) => ({ key, value }));
  }
  return [];
}

describe("resolveHardeningArgs", () => {
  it("accepts the valid fixture and fills the defaults", () => {
    const resolved = resolveHardeningArgs(valid());
    expect(resolved.podSecurityVersion).toBe(DEFAULT_POD_SECURITY_VERSION);
    expect(resolved.privilegedNamespaces).toEqual(
      expect.arrayContaining(["kube-system", "aad-pod-identity"]),
    );
    expect(resolved.teamNamespaceLimits.quota["requests.cpu"]).toBeDefined();
  });

  it("accepts a ServiceAccount name that config validation accepts (a DNS-1123 subdomain, dots included)", () => {
    // Config validation accepts `ledger.writer`; the component refused it after the Azure resources
    // were registered (issue 11). Both now use the one rule in conventions/formats.ts.
    const withAccount = (serviceAccount: string) => (a: KubernetesHardeningArgs) =>
      (a.teams[1].identities[0] = { ...a.teams[1].identities[0], serviceAccount });
    expect(problemsOf(withAccount("ledger.writer"))).toEqual([]);
    expect(problemsOf(withAccount("Ledger"))).toEqual([
      { key: "teams[1].identities[0].serviceAccount", value: "Ledger" },
    ]);
  });

  it("refuses what config validation refuses: add-on namespaces and pod-identity releases that do not exist", () => {
    // One rule each in conventions/: the component used to accept both (issue 11 review).
    expect(
      problemsOf((a) => (a.teams[0] = { ...a.teams[0], namespaces: ["calico-system"], identities: [] })),
    ).toEqual([{ key: "teams[0].namespaces[0]", value: "calico-system" }]);
    expect(
      problemsOf(
        (a) => (a.teams[0] = { ...a.teams[0], namespaces: [a.podIdentity.namespace], identities: [] }),
      ),
    ).toEqual([{ key: "teams[0].namespaces[0]", value: valid().podIdentity.namespace }]);
    expect(problemsOf((a) => (a.podIdentity = { ...a.podIdentity, version: "v1.8.99" }))).toEqual([
      { key: "podIdentity.version", value: "v1.8.99" },
    ]);
  });

  it("treats a team without an identities list as having none", () => {
    const args = valid();
    args.teams[2] = { ...args.teams[2], identities: undefined as never };
    expect(resolveHardeningArgs(args).teams[2].identities).toEqual([]);
  });

  it.each<[string, (a: KubernetesHardeningArgs) => void, { key: string; value: unknown }]>([
    [
      "identity namespace default",
      (a) => (a.podIdentity = { ...a.podIdentity, namespace: "default" }),
      { key: "podIdentity.namespace", value: "default" },
    ],
    [
      "identity namespace kube-system",
      (a) => (a.podIdentity = { ...a.podIdentity, namespace: "kube-system" }),
      { key: "podIdentity.namespace", value: "kube-system" },
    ],
    [
      "identity namespace = a team namespace",
      (a) => (a.podIdentity = { ...a.podIdentity, namespace: "team-b" }),
      { key: "teams[1].namespaces[0]", value: "team-b" },
    ],
    [
      "version with the NMI bypass",
      (a) => (a.podIdentity = { ...a.podIdentity, version: "v1.8.12" }),
      { key: "podIdentity.version", value: "v1.8.12" },
    ],
    [
      "version not a tag",
      (a) => (a.podIdentity = { ...a.podIdentity, version: "latest" }),
      { key: "podIdentity.version", value: "latest" },
    ],
    [
      "unknown mode",
      (a) => (a.podIdentity = { ...a.podIdentity, mode: "legacy" as never }),
      { key: "podIdentity.mode", value: "legacy" },
    ],
    [
      "standard mode without kubelet identity",
      (a) => delete a.kubeletIdentity,
      { key: "kubeletIdentity", value: undefined },
    ],
    ["no platform group", (a) => (a.platformGroupIds = []), { key: "platformGroupIds", value: [] }],
    [
      "platform group not a GUID",
      (a) => (a.platformGroupIds = ["admins"]),
      { key: "platformGroupIds[0]", value: "admins" },
    ],
    [
      "team group is a platform group",
      (a) => (a.teams[1] = { ...a.teams[1], developerGroupIds: [PLATFORM_GROUP] }),
      { key: "teams[1].developerGroupIds[0]", value: PLATFORM_GROUP },
    ],
    [
      "namespace owned by two teams",
      (a) => (a.teams[1] = { ...a.teams[1], namespaces: ["team-a"], identities: [] }),
      { key: "teams[1].namespaces[0]", value: "team-a" },
    ],
    [
      "team namespace default",
      (a) => (a.teams[1] = { ...a.teams[1], namespaces: ["default"], identities: [] }),
      { key: "teams[1].namespaces[0]", value: "default" },
    ],
    [
      "identity in another team's namespace",
      (a) => (a.teams[1].identities[0] = { ...a.teams[1].identities[0], namespace: "team-a" }),
      { key: "teams[1].identities[0].namespace", value: "team-a" },
    ],
    [
      "duplicate identity (same selector)",
      (a) => a.teams[1].identities.push({ ...a.teams[1].identities[0] }),
      { key: "teams[1].identities[1].name", value: "web" },
    ],
    [
      "two identities on one ServiceAccount (the component creates one per identity)",
      (a) => a.teams[1].identities.push({ ...a.teams[1].identities[0], name: "worker" }),
      { key: "teams[1].identities[1].serviceAccount", value: "web" },
    ],
    [
      "identity name with a dot (would break selector ownership)",
      (a) => (a.teams[1].identities[0] = { ...a.teams[1].identities[0], name: "team-a.web" }),
      { key: "teams[1].identities[0].name", value: "team-a.web" },
    ],
    [
      "resource group ID malformed",
      (a) => (a.teams[0] = { ...a.teams[0], resourceGroupId: "rg-aks-team-a" }),
      { key: "teams[0].resourceGroupId", value: "rg-aks-team-a" },
    ],
    [
      "PSA version not pinned",
      (a) => (a.podSecurityVersion = "latest"),
      { key: "podSecurityVersion", value: "latest" },
    ],
    [
      "default listed as privileged",
      (a) => (a.privilegedNamespaces = ["kube-system", "default"]),
      { key: "privilegedNamespaces[1]", value: "default" },
    ],
    [
      "team namespace listed as privileged",
      (a) => (a.privilegedNamespaces = ["team-c"]),
      { key: "privilegedNamespaces[0]", value: "team-c" },
    ],
    // The isolation rules below are the ones config validation applies (conventions/isolation.ts).
    [
      "developer group shared by two teams",
      (a) => (a.teams[1] = { ...a.teams[1], developerGroupIds: [TEAM_A_GROUP] }),
      { key: "teams[1].developerGroupIds[0]", value: TEAM_A_GROUP },
    ],
    [
      "resource group shared by two teams",
      (a) => (a.teams[1] = { ...a.teams[1], resourceGroupId: RG_A }),
      { key: "teams[1].resourceGroupId", value: RG_A },
    ],
    [
      "identity outside its team's resource group",
      (a) => (a.teams[1].identities[0] = { ...a.teams[1].identities[0], resourceId: uami(RG_A, "id-web") }),
      { key: "teams[1].identities[0].resourceId", value: uami(RG_A, "id-web") },
    ],
    [
      "one client ID for two teams' identities",
      (a) => {
        a.teams[0].identities[0] = { ...a.teams[0].identities[0], clientId: SHARED_CLIENT_ID };
        a.teams[1].identities[0] = { ...a.teams[1].identities[0], clientId: SHARED_CLIENT_ID };
      },
      { key: "teams[1].identities[0].clientId", value: SHARED_CLIENT_ID },
    ],
    [
      "two teams' identities whose joined resource names collide (team-a + b-web, team-a-b + web)",
      (a) => {
        a.teams[0].identities[0] = { ...a.teams[0].identities[0], name: "b-web", serviceAccount: "b-web" };
        a.teams[1] = { ...a.teams[1], name: "team-a-b" };
      },
      { key: "teams[1].identities[0].name", value: "web" },
    ],
    [
      "one dedicated pool for two teams",
      (a) => {
        a.teams[0] = { ...a.teams[0], nodePool: "poola" };
        a.teams[1] = { ...a.teams[1], nodePool: "poola" };
      },
      { key: "teams[1].nodePool", value: "poola" },
    ],
    [
      "service account as platform user",
      (a) => (a.platformUsers = ["system:serviceaccount:ci:deployer"]),
      { key: "platformUsers[0]", value: "system:serviceaccount:ci:deployer" },
    ],
    [
      "team without groups",
      (a) => (a.teams[0] = { ...a.teams[0], developerGroupIds: [] }),
      { key: "teams[0].developerGroupIds", value: [] },
    ],
  ])("refuses %s", (_name, mutate, expected) => {
    expect(problemsOf(mutate)).toContainEqual(expected);
  });

  it("names the key and the value in the message", () => {
    const args = valid();
    args.podIdentity = { ...args.podIdentity, namespace: "default" };
    expect(() => resolveHardeningArgs(args)).toThrow(/podIdentity\.namespace: .*\(got "default"\)/);
  });

  it("version floor is v1.8.13", () => {
    expect(
      ["v1.8.13", "v1.8.17", "v1.9.0", "v2.0.0"].map((tag) => isSupportedPodIdentityVersion(tag)),
    ).toEqual([true, true, true, true]);
    expect(["v1.8.12", "v1.7.99", "1.8.17", "v1.8"].map((tag) => isSupportedPodIdentityVersion(tag))).toEqual(
      [false, false, false, false],
    );
  });

  it("a bad argument throws before anything (not even the component) is registered", async () => {
    const { resources, result } = await runProgramUnderMocks(() => {
      const args = hardeningArgs("standard");
      args.teams[0] = { ...args.teams[0], namespaces: ["default"], identities: [] };
      try {
        new KubernetesHardening("k8s", args);
        return "constructed";
      } catch (e) {
        return String(e);
      }
    });
    expect(result).toMatch(/teams\[0\]\.namespaces\[0\]: .*\(got "default"\)/);
    const ours = resources.filter(
      (r) => r.type.startsWith("aks-hardening:") || r.type.startsWith("kubernetes:"),
    );
    expect(ours).toEqual([]);
  });
});
