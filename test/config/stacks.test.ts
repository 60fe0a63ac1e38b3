/** The committed stack files parse, validate, and hold the setups the blueprint promises. */
import { readFileSync } from "fs";
import { join } from "path";
import {
  OFFLINE_SECRET_PLACEHOLDER,
  readStackFile,
  stackConfigFromYaml,
} from "../../infra/config/stack-file";
import { validateConfig } from "../../infra/config/validate";
import type { BlueprintConfig } from "../../infra/config/types";
import { configWithDefaults } from "../../policy-pack/policies/lib/config";
import type { PackResourcePolicy, PackStackPolicy } from "../../policy-pack/policies/lib/metadata";
import { k8sNamespacePodSecurity } from "../../policy-pack/policies/kubernetes/k8s-namespace-pod-security";
import { k8sRbacIdentityProtection } from "../../policy-pack/policies/kubernetes/k8s-rbac-identity-protection";
import { k8sWorkloadPodSecurity } from "../../policy-pack/policies/stack/k8s-workload-pod-security";
import { problemsOf } from "./fixtures";

const stackPath = (stack: string) => join(__dirname, "..", "..", "stacks", `Pulumi.${stack}.yaml`);
const LOCAL_KUBECONFIG = "apiVersion: v1\nkind: Config\nclusters: []\n";

describe.each(["dev", "prod"])("stacks/Pulumi.%s.yaml", (stack) => {
  const config = validateConfig(readStackFile(stackPath(stack)), stack);

  it("validates in create mode", () => {
    expect(config.clusterMode).toBe("create");
    expect(config.environment).toBe(stack);
  });

  it("has three or more teams midway through migration (workload identity and pod identity)", () => {
    expect(config.teams.length).toBeGreaterThanOrEqual(3);
    const modes = config.teams.map((t) => t.identityMode);
    expect(modes).toContain("workload-identity");
    expect(modes.filter((m) => m === "pod-identity").length).toBeGreaterThanOrEqual(1);
    expect(config.teams.every((t) => t.identities.length > 0)).toBe(true);
  });
});

describe("dev vs prod", () => {
  const dev = validateConfig(readStackFile(stackPath("dev")), "dev");
  const prod = validateConfig(readStackFile(stackPath("prod")), "prod");

  it("dev limits the public API server to authorized documentation ranges", () => {
    expect(dev.cluster.privateCluster).toBe(false);
    expect(dev.cluster.authorizedIpRanges.length).toBeGreaterThan(0);
    expect(
      dev.cluster.authorizedIpRanges.every((r) => /^(203\.0\.113|198\.51\.100|192\.0\.2)\./.test(r)),
    ).toBe(true);
  });

  it("dev pools are smaller than prod pools", () => {
    const capacity = (c: typeof dev) =>
      [c.cluster.systemPool, ...c.cluster.userPools].reduce((n, p) => n + p.maxCount, 0);
    expect(capacity(dev)).toBeLessThan(capacity(prod));
  });

  it("prod is production: Standard tier, Defender, zone-redundant pools, private or authorized ranges only", () => {
    expect(prod.production).toBe(true);
    expect(["Standard", "Premium"]).toContain(prod.cluster.tier);
    expect(prod.cluster.defender).toBe(true);
    for (const pool of [prod.cluster.systemPool, ...prod.cluster.userPools])
      expect(pool.zones.length).toBeGreaterThanOrEqual(2);
    expect(prod.cluster.privateCluster || prod.cluster.authorizedIpRanges.length > 0).toBe(true);
    expect(prod.cluster.authorizedIpRanges.every((r) => !r.endsWith("/0"))).toBe(true);
    expect(prod.monitoring.alertEmails.length).toBeGreaterThan(0);
  });
});

describe("stacks/Pulumi.local.yaml", () => {
  it("validates in existing mode once the kubeconfig secret is supplied", () => {
    const config = validateConfig(
      readStackFile(stackPath("local"), { secrets: { "existing.kubeconfig": LOCAL_KUBECONFIG } }),
      "local",
    );
    expect(config.clusterMode).toBe("existing");
    expect(config.existing).toEqual({ kubeconfig: LOCAL_KUBECONFIG });
    expect(config.teams.map((t) => t.name)).toEqual(expect.arrayContaining(["team-a", "team-b"]));
    expect(new Set(config.teams.map((t) => t.identityMode))).toEqual(
      new Set(["pod-identity", "workload-identity"]),
    );
    for (const team of config.teams) {
      expect(team.resourceGroupId).toBeDefined();
      for (const identity of team.identities) expect(identity.existing).toBeDefined();
    }
  });

  it("does not hold the kubeconfig in plain text: without the secret it asks for it", () => {
    const problems = problemsOf(readStackFile(stackPath("local")), "local");
    expect(problems).toEqual([expect.objectContaining({ key: "existing.kubeconfig", value: undefined })]);
    expect(problems[0].message).toMatch(/pulumi config set --secret --path existing\.kubeconfig/);
  });
});

describe("stack-file reading", () => {
  it("replaces `secure:` values (nested too) with the offline placeholder, or the supplied secret", () => {
    const text = [
      "config:",
      "  aws:region: us-east-1",
      "  aks-hardening:clusterMode: existing",
      "  aks-hardening:existing:",
      "    kubeconfig:",
      "      secure: v1:abc:def",
    ].join("\n");
    expect(stackConfigFromYaml(text)).toEqual({
      clusterMode: "existing",
      existing: { kubeconfig: OFFLINE_SECRET_PLACEHOLDER },
    });
    expect(stackConfigFromYaml(text, { secrets: { "existing.kubeconfig": "real" } }).existing).toEqual({
      kubeconfig: "real",
    });
  });

  it.each(["dev", "prod", "local"])("Pulumi.%s.yaml holds no plain-text secret", (stack) => {
    const text = readFileSync(stackPath(stack), "utf8");
    const body = text
      .split("\n")
      .filter((line) => !line.trimStart().startsWith("#"))
      .join("\n");
    expect(body).not.toMatch(
      /kubeconfig|password|token|client-secret|clientSecret|BEGIN [A-Z ]*PRIVATE KEY|AccountKey=/i,
    );
    // Any secret that does appear must be a Pulumi `secure:` (encrypted) value.
    expect(body.match(/^\s*secure:\s*(?!v1:|AAAB)/m)).toBeNull();
  });
});

/** What the pack sees for one policy: its entry in a policy-config file over the schema defaults. */
function packConfig<T extends object>(
  file: Record<string, unknown>,
  policy: PackResourcePolicy | PackStackPolicy,
): T {
  const entry = file[policy.name];
  const given = typeof entry === "object" && entry !== null ? entry : {}; // a bare level sets no config
  return configWithDefaults<T>(policy.configSchema ?? { properties: {} }, {
    getConfig: <C extends object>() => given as C,
  });
}

/**
 * Namespaces the policy pack lets run privileged (PSA exemption at `privileged`, or workloads not
 * judged) that the cluster's namespace admission policy would refuse as privileged.
 */
function packExemptionsTheClusterRefuses(config: BlueprintConfig, file: Record<string, unknown>): string[] {
  const clusterPrivileged = new Set([
    ...config.guardrails.privilegedNamespaces,
    config.podIdentity.namespace,
  ]);
  const { exemptNamespaces: psa } = packConfig<{ exemptNamespaces: Record<string, string> }>(
    file,
    k8sNamespacePodSecurity,
  );
  const { exemptNamespaces: workloads } = packConfig<{ exemptNamespaces: string[] }>(
    file,
    k8sWorkloadPodSecurity,
  );
  const privileged = Object.keys(psa).filter((ns) => psa[ns] === "privileged");
  return [...new Set([...privileged, ...workloads])].filter((ns) => !clusterPrivileged.has(ns));
}

describe.each(["dev", "prod", "local"])("policy-pack/config/%s.json agrees with the stack", (stack) => {
  const config = validateConfig(
    readStackFile(
      stackPath(stack),
      stack === "local" ? { secrets: { "existing.kubeconfig": LOCAL_KUBECONFIG } } : {},
    ),
    stack,
  );
  const file = JSON.parse(
    readFileSync(join(__dirname, "..", "..", "policy-pack", "config", `${stack}.json`), "utf8"),
  ) as Record<string, unknown>;

  it("exempts as privileged only namespaces the cluster's guardrails allow privileged", () => {
    expect(packExemptionsTheClusterRefuses(config, file)).toEqual([]);
  });

  it("would report a pack exemption the guardrails do not allow (the check can fail)", () => {
    const sniffer = {
      ...file,
      [k8sNamespacePodSecurity.name]: {
        exemptNamespaces: { sniffer: "privileged", "kube-system": "privileged" },
      },
    };
    expect(packExemptionsTheClusterRefuses(config, sniffer)).toEqual(["sniffer"]);
  });

  it("protects the stack's identity namespace", () => {
    const { identityNamespace } = packConfig<{ identityNamespace: string }>(file, k8sRbacIdentityProtection);
    expect(identityNamespace).toBe(config.podIdentity.namespace);
  });
});
