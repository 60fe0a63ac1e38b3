import * as pulumi from "@pulumi/pulumi";
import type { TeamContract } from "../../components/team/contract";
import { TeamInputError } from "../../components/team/errors";
import { imageProblem } from "../../components/team/images";
import { checkRestrictedPodSpec } from "../../components/team/pod-security";
import { renderTeamWorkload } from "../../components/team/workload";
import type { TeamWorkloadArgs } from "../../components/team/workload-args";
import { TEAM_A, TEAM_B, contractOf, switched } from "./fixtures";
import type { TeamContractSource } from "../../components/team/contract";

function contract(source: TeamContractSource<string> = TEAM_A): TeamContract {
  const data = contractOf(source);
  return {
    ...data,
    kubernetes: { ...data.kubernetes, kubeconfig: pulumi.secret(data.kubernetes.kubeconfig) },
  };
}

function args(
  overrides: Partial<TeamWorkloadArgs> = {},
  source?: TeamContractSource<string>,
): TeamWorkloadArgs {
  return {
    contract: contract(source),
    identity: "orders-reader",
    image: "acrteama.azurecr.io/orders-api:1.4.2",
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
    probes: { readiness: { path: "/ready" }, liveness: { path: "/healthz" } },
    ...overrides,
  };
}

function problemKeys(run: () => unknown): string[] {
  try {
    run();
  } catch (e) {
    if (e instanceof TeamInputError) return e.problems.map((p) => p.key);
    throw e;
  }
  return [];
}

describe("renderTeamWorkload", () => {
  const rendered = renderTeamWorkload("api", args({ service: { port: 80 } }));
  const pod = rendered.deployment.spec.template.spec;

  it("renders a Pod template that PSA restricted admits", () => {
    expect(checkRestrictedPodSpec(pod)).toEqual([]);
  });

  it("is hardened beyond PSA by default: read-only root, no API token, non-root UID, writable /tmp only", () => {
    const container = (pod.containers as Record<string, any>[])[0]; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532 });
    expect(container.volumeMounts).toEqual([{ name: "writable-0", mountPath: "/tmp" }]);
    expect(container.resources).toEqual({
      requests: { cpu: "100m", memory: "128Mi" },
      limits: { cpu: "500m", memory: "256Mi" },
    });
    expect(container.readinessProbe).toMatchObject({ httpGet: { path: "/ready", port: 8080 } });
  });

  it("stays PSA restricted when a writable root filesystem is asked for", () => {
    const writable = renderTeamWorkload("api", args({ writableRootFilesystem: true }));
    const spec = writable.deployment.spec.template.spec;
    expect(
      (spec.containers as { securityContext: { readOnlyRootFilesystem: boolean } }[])[0].securityContext
        .readOnlyRootFilesystem,
    ).toBe(false);
    expect(checkRestrictedPodSpec(spec)).toEqual([]);
  });

  it("wires pod identity: the aadpodidbinding label, and the platform's ServiceAccount for the identity", () => {
    expect(rendered.deployment.spec.template.metadata).toEqual({
      labels: { "app.kubernetes.io/name": "api", aadpodidbinding: "orders.orders-reader" },
    });
    expect(rendered.serviceAccountName).toBe("orders-reader-sa");
    expect(rendered.deployment.spec.template.spec.serviceAccountName).toBe("orders-reader-sa");
  });

  it("runs as the namespace's default account, without a token, when the contract names no ServiceAccount", () => {
    const current = contract();
    const old = {
      ...current,
      identities: current.identities.map(({ serviceAccount: _sa, ...rest }) => rest),
    };
    const spec = renderTeamWorkload("api", { ...args(), contract: old }).deployment.spec.template.spec;
    expect(spec.serviceAccountName).toBe("default");
    expect(spec.automountServiceAccountToken).toBe(false);
  });

  it("wires workload identity: the opt-in label and the platform's federated ServiceAccount", () => {
    const wi = renderTeamWorkload("api", args({}, switched(TEAM_A)));
    expect(wi.deployment.spec.template.metadata).toEqual({
      labels: { "app.kubernetes.io/name": "api", "azure.workload.identity/use": "true" },
    });
    expect(wi.deployment.spec.template.spec.serviceAccountName).toBe("orders-reader-sa");
    expect(checkRestrictedPodSpec(wi.deployment.spec.template.spec)).toEqual([]);
  });

  it("schedules on the team's own pool when the contract names one (issue 15), and nowhere special otherwise", () => {
    const pooled = renderTeamWorkload("api", args({}, { ...TEAM_A, nodePool: "teama" }));
    expect(pooled.deployment.spec.template.spec.nodeSelector).toEqual({
      "aks-hardening.io/team-pool": "team-a",
    });
    expect(pooled.deployment.spec.template.spec.tolerations).toEqual([
      { key: "aks-hardening.io/team-pool", operator: "Equal", value: "team-a", effect: "NoSchedule" },
    ]);
    expect(checkRestrictedPodSpec(pooled.deployment.spec.template.spec)).toEqual([]);
    expect(pod.nodeSelector).toBeUndefined();
    expect(pod.tolerations).toBeUndefined();
  });

  it("binds no identity when none is named", () => {
    const plain = renderTeamWorkload("api", args({ identity: undefined }));
    expect(plain.deployment.spec.template.metadata).toEqual({ labels: { "app.kubernetes.io/name": "api" } });
    expect(plain.namespace).toBe("orders");
  });

  it("keeps the selector free of identity labels, so a mode switch never replaces the Deployment", () => {
    const wi = renderTeamWorkload("api", args({}, switched(TEAM_A)));
    expect(wi.deployment.spec.selector).toEqual(rendered.deployment.spec.selector);
    expect(rendered.podDisruptionBudget.spec).toEqual({
      maxUnavailable: 1,
      selector: rendered.deployment.spec.selector,
    });
    expect(rendered.service?.spec).toMatchObject({
      type: "ClusterIP",
      selector: { "app.kubernetes.io/name": "api" },
    });
  });

  /** One bad arg per case; the error names exactly that key. */
  const bad: [string, Partial<TeamWorkloadArgs>][] = [
    ["identity", { identity: "billing-writer" }], // team-b's identity: not in team-a's contract
    ["namespace", { identity: undefined, namespace: "billing" }], // another team's namespace
    ["image", { image: "acrteama.azurecr.io/orders-api:latest" }],
    ["image", { image: "acrteama.azurecr.io/orders-api" }],
    ["image", { image: "docker.io/library/nginx:1.27" }],
    ["image", { image: "nginx:1.27" }],
    ["allowedRegistries", { allowedRegistries: ["acrteama.azurecr.io", "docker.io"] }], // widens the contract's
    ["containerPort", { containerPort: 80 }],
    ["replicas", { replicas: 0 }],
    [
      "resources.limits.memory",
      { resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "512Mi" } } },
    ],
    [
      "resources.requests.cpu",
      { resources: { requests: { cpu: "lots", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } } },
    ],
    ["probes.readiness", { probes: { liveness: { path: "/healthz" } } as TeamWorkloadArgs["probes"] }],
    [
      "probes.readiness",
      { probes: { readiness: { path: "/r", command: ["true"] }, liveness: { path: "/l" } } },
    ],
    ["runAsUser", { runAsUser: 0 }],
    ["writablePaths[0]", { writablePaths: ["tmp"] }],
    ["labels.aadpodidbinding", { labels: { aadpodidbinding: "billing.billing-writer" } }],
    ["labels.azure.workload.identity/use", { labels: { "azure.workload.identity/use": "true" } }],
    ["service.port", { service: { port: 70000 } }],
  ];

  it("accepts the compliant args", () => {
    expect(problemKeys(() => renderTeamWorkload("api", args()))).toEqual([]);
  });

  it.each(bad)("refuses a bad %s", (key, overrides) => {
    expect(problemKeys(() => renderTeamWorkload("api", args(overrides)))).toEqual([key]);
  });

  it("says which identities the team has when an unknown one is asked for", () => {
    expect(() => renderTeamWorkload("api", args({ identity: "billing-writer" }))).toThrow(
      'identity: is not an identity of team "team-a" (its identities: orders-reader) (got "billing-writer")',
    );
  });

  it("refuses an identity used from a namespace other than its own", () => {
    const twoNamespaces = { ...TEAM_A, namespaces: ["orders", "orders-batch"] };
    expect(() => renderTeamWorkload("api", args({ namespace: "orders-batch" }, twoNamespaces))).toThrow(
      'namespace: identity "orders-reader" may only be used from namespace "orders"',
    );
  });

  it("refuses a workload-identity identity whose contract entry lacks its ServiceAccount", () => {
    const wi = contract(switched(TEAM_A));
    const broken = { ...wi, identities: wi.identities.map(({ serviceAccount: _sa, ...rest }) => rest) };
    expect(problemKeys(() => renderTeamWorkload("api", { ...args(), contract: broken }))).toEqual([
      "identity",
    ]);
  });

  it("uses the same args for a workload-identity team (team-b) unchanged but for its names", () => {
    const b = renderTeamWorkload(
      "api",
      args({ identity: "billing-writer", image: "acrteamb.azurecr.io/b:2.0.0" }, TEAM_B),
    );
    expect(b.namespace).toBe("billing");
    expect(b.serviceAccountName).toBe("billing-writer-sa");
  });
});

describe("imageProblem", () => {
  const allowed = ["myacr.azurecr.io", "mcr.microsoft.com/oss/"];
  it.each([
    ["myacr.azurecr.io/app:1.2.3", undefined],
    ["myacr.azurecr.io/team/app@sha256:" + "a".repeat(64), undefined],
    ["mcr.microsoft.com/oss/nginx/nginx:1.27.0", undefined],
    ["mcr.microsoft.com/dotnet/runtime:8.0", /registry "mcr.microsoft.com" is not allowed/],
    ["myacr.azurecr.io.evil.io/app:1.0", /registry "myacr.azurecr.io.evil.io" is not allowed/],
    ["myacr.azurecr.io/app", /must pin a tag or a digest/],
    ["myacr.azurecr.io/app:latest", /must not use the mutable tag :latest/],
    ["myacr.azurecr.io/app@sha256:short", /malformed digest/],
    ["app:1.0", /must name its registry explicitly/],
    ["localhost:5000/app:1.0", /registry "localhost:5000" is not allowed/],
  ])("%s", (image, expected) => {
    const problem = imageProblem(image, allowed);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(expected);
  });
});
