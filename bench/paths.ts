/**
 * Attack-path analysis speed, printed by `npm run bench`:
 * - the analysis (graph build + every team's reach + every identity's cut) of plans with 10 to 200
 *   generated teams, with the time per team, which must stay flat when the cost grows linearly;
 * - a live kube-apiserver (built by scripts/build-tools.sh) holding 1,000 namespaces of generated
 *   objects (200 teams x 5 namespaces: ServiceAccount, Role, RoleBinding, Deployment, AzureIdentity,
 *   AzureIdentityBinding each), read page by page with read-only rights, then analysed.
 */
import { readFileSync } from "fs";
import * as fs from "fs";
import * as path from "path";
import { fromStackExport } from "../cli/stack-export";
import { analyze } from "../cli/paths/analyze";
import { buildGraph } from "../cli/paths/build-graph";
import { factsFromResources } from "../cli/paths/read-resources";
import { LIVE_RESOURCES, readLiveCluster } from "../cli/paths/read-live";

const RUNS = 3;

function timed<T>(fn: () => T): { seconds: number; result: T } {
  const started = process.hrtime.bigint();
  const result = fn();
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, result };
}

/** Median of RUNS analyses of one plan file. */
export function planAnalysisRow(planFile: string, teams: number): string {
  const resources = fromStackExport(
    JSON.parse(readFileSync(planFile, "utf8")) as Record<string, unknown>,
    planFile,
  );
  const runs = Array.from({ length: RUNS }, () =>
    timed(() => {
      const ctx = buildGraph(factsFromResources(resources, planFile));
      return { ctx, analysis: analyze(ctx) };
    }),
  ).sort((a, b) => a.seconds - b.seconds);
  const median = runs[Math.floor(RUNS / 2)];
  const { ctx, analysis } = median.result;
  return `attack paths, ${String(teams).padStart(3)} teams plan: ${median.seconds.toFixed(3)} s (median of ${RUNS}) = ${((median.seconds / teams) * 1000).toFixed(2)} ms/team; ${resources.length} resources, ${ctx.graph.nodes.size} nodes, ${ctx.graph.edges.length} edges, ${analysis.findings.length} cross-team reaches`;
}

/** 200 teams x 5 namespaces = the 1,000-namespace cluster; 10 teams for the per-team comparison. */
export const LIVE_TEAM_COUNTS = [10, 200];
const NAMESPACES_PER_TEAM = 5;

function generatedObjects(team: number): Record<string, unknown>[] {
  const name = `bench${String(team).padStart(3, "0")}`;
  const objects: Record<string, unknown>[] = [];
  for (let n = 0; n < NAMESPACES_PER_TEAM; n++) {
    const ns = `${name}-ns${n}`;
    const clientId = `00000000-0000-4000-8000-${String(team * 10 + n).padStart(12, "0")}`;
    objects.push(
      {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: {
          name: ns,
          labels: { "aks-hardening.io/team": name, "pod-security.kubernetes.io/enforce": "restricted" },
        },
      },
      { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "app", namespace: ns } },
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "Role",
        metadata: { name: "dev", namespace: ns },
        rules: [
          {
            apiGroups: ["", "apps"],
            resources: ["pods", "deployments", "pods/exec"],
            verbs: ["create", "get", "list"],
          },
        ],
      },
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: "dev", namespace: ns },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "dev" },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: `group-${name}` }],
      },
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "app", namespace: ns },
        spec: {
          selector: { matchLabels: { app: "app" } },
          template: {
            metadata: { labels: { app: "app", aadpodidbinding: `${ns}.app` } },
            spec: {
              serviceAccountName: "app",
              containers: [{ name: "app", image: "registry.k8s.io/pause:3.10" }],
            },
          },
        },
      },
      {
        apiVersion: "aadpodidentity.k8s.io/v1",
        kind: "AzureIdentity",
        metadata: { name: "app", namespace: ns },
        spec: {
          type: 0,
          clientID: clientId,
          resourceID: `/subscriptions/s/resourceGroups/rg-${name}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${ns}`,
        },
      },
      {
        apiVersion: "aadpodidentity.k8s.io/v1",
        kind: "AzureIdentityBinding",
        metadata: { name: "app", namespace: ns },
        spec: { azureIdentity: "app", selector: `${ns}.app` },
      },
    );
  }
  return objects;
}

/** Starts an API server, fills it with `teams` x 5 generated namespaces, reads and analyses it. */
export async function liveClusterRow(teams: number): Promise<string> {
  const { findBinaries } = await import("../test/e2e/support/binaries");
  const { startCluster } = await import("../test/e2e/support/cluster");
  const { applyManifests } = await import("../test/e2e/support/apply");
  const { recordBlueprint } = await import("../test/e2e/support/blueprint");
  const blueprint = await recordBlueprint();
  const crds = blueprint.manifests.filter((c) => c.manifest.kind === "CustomResourceDefinition");
  const cluster = await startCluster(findBinaries(), [{ name: "reader", groups: [] }], "bench-paths");
  try {
    const admin = cluster.clients.bootstrap;
    const reader = {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: "reader" },
      rules: LIVE_RESOURCES.map((r) => ({
        apiGroups: [r.apiVersion.includes("/") ? r.apiVersion.split("/")[0] : ""],
        resources: [r.resource],
        verbs: ["get", "list"],
      })),
    };
    const readerBinding = {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: "reader" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "reader" },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "reader" }],
    };
    const asConverted = (m: Record<string, unknown>, i: number) => ({
      urn: `bench:${i}`,
      patch: false,
      customResource: String(m.apiVersion).startsWith("aadpodidentity"),
      manifest: m as never,
    });
    // The blueprint's NMI (namespaced matching), so the cluster is the hardened kind: in a
    // non-namespaced one every pod creator reaches every identity, 200 x 1,000 findings.
    const nmi = blueprint.manifests.filter(
      (c) =>
        (c.manifest.kind === "DaemonSet" && c.manifest.metadata.name === "nmi") ||
        (c.manifest.kind === "Namespace" &&
          c.manifest.metadata.name === blueprint.config.podIdentity.namespace),
    );
    const setup = [...crds, ...nmi, ...[reader, readerBinding].map(asConverted)];
    if ((await applyManifests(admin, setup, "bench")).length > 0) throw new Error("bench setup refused");
    const started = Date.now();
    // Namespaces first (everything else lives in them), then the rest, 8 teams at a time.
    const all = Array.from({ length: teams }, (_, t) => generatedObjects(t));
    for (let t = 0; t < teams; t += 8) {
      await Promise.all(
        all.slice(t, t + 8).map(async (objects) => {
          const rejections = await applyManifests(admin, objects.map(asConverted), "bench");
          if (rejections.length > 0) throw new Error(`bench objects refused: ${rejections[0].message}`);
        }),
      );
    }
    const filled = (Date.now() - started) / 1000;
    const token = fs
      .readFileSync(path.join(cluster.dir, "tokens.csv"), "utf8")
      .split("\n")
      .find((l) => l.split(",")[1] === "reader")!
      .split(",")[0];
    const kubeconfig = path.join(cluster.dir, "reader.kubeconfig");
    fs.writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [
          {
            name: "b",
            cluster: {
              server: cluster.endpoint.url,
              "certificate-authority-data": Buffer.from(cluster.endpoint.ca).toString("base64"),
            },
          },
        ],
        users: [{ name: "reader", user: { token } }],
        contexts: [{ name: "b", context: { cluster: "b", user: "reader" } }],
        "current-context": "b",
      }),
    );
    const readStarted = process.hrtime.bigint();
    const facts = await readLiveCluster({ kubeconfig });
    const readSeconds = Number(process.hrtime.bigint() - readStarted) / 1e9;
    const runs = Array.from({ length: RUNS }, () =>
      timed(() => {
        // A fresh copy each run: the analysis appends its assumptions to the facts.
        const ctx = buildGraph({ ...facts, assumptions: [] });
        return { ctx, analysis: analyze(ctx) };
      }),
    ).sort((a, b) => a.seconds - b.seconds);
    const { seconds, result } = runs[Math.floor(RUNS / 2)];
    const namespaces = facts.objects.filter((o) => o.kind === "Namespace").length;
    return `attack paths, live API server: ${namespaces} namespaces, ${facts.objects.length} objects (filled in ${filled.toFixed(0)} s); read ${readSeconds.toFixed(2)} s, analysis ${seconds.toFixed(2)} s (median of ${RUNS}) = ${((seconds / result.analysis.teams.length) * 1000).toFixed(2)} ms/team for ${result.analysis.teams.length} teams; ${result.ctx.graph.edges.length} edges, ${result.analysis.findings.length} cross-team reaches`;
  } finally {
    await cluster.stop();
  }
}
