/**
 * The control group: the same teams on a default-style install, so that every attack can be shown
 * to SUCCEED where the blueprint's controls are absent (a test that cannot fail proves nothing).
 *
 * Differences from the blueprint, and nothing else: aad-pod-identity runs in `default` (no
 * namespaced mode, no identity namespace); teams hold the built-in `edit` role in their namespaces
 * and in the shared `default` namespace, plus write access to the pod-identity kinds there (the
 * non-namespaced workflow has teams create their own AzureIdentity/Binding); no PSA labels; no
 * admission policies; NMI as a DaemonSet without a priority class. The CRDs and the victim's
 * identity objects are the blueprint's own values.
 */
import type { Manifest } from "../../../testing/manifests";
import {
  AAD_POD_IDENTITY_GROUP,
  podIdentityImage,
  MIC_NAME,
  NMI_NAME,
  TEAM_POOL_KEY,
} from "../../../conventions/kubernetes";
import type { BlueprintConfig } from "../../../infra/config/types";
import { restrictedPod } from "./pods";

export const BASELINE_IDENTITY_NAMESPACE = "default";
export const BASELINE_IDENTITY_EDITOR_ROLE = "baseline-pod-identity-objects-editor";

function groupSubjects(groupIds: string[]) {
  return groupIds.map((id) => ({ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: id }));
}

/** Manifests of the default-style install; `crds` and `victimIdentity` come from the blueprint. */
export function baselineManifests(
  config: BlueprintConfig,
  crds: Manifest[],
  victimIdentity: { identity: Manifest; binding: Manifest },
): Manifest[] {
  const manifests: Manifest[] = [...crds];
  for (const team of config.teams) {
    for (const ns of team.namespaces)
      manifests.push({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
  }
  manifests.push({
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name: BASELINE_IDENTITY_EDITOR_ROLE },
    rules: [{ apiGroups: [AAD_POD_IDENTITY_GROUP], resources: ["*"], verbs: ["*"] }],
  });
  for (const team of config.teams) {
    for (const ns of [...team.namespaces, "default"]) {
      for (const role of ["edit", BASELINE_IDENTITY_EDITOR_ROLE]) {
        manifests.push({
          apiVersion: "rbac.authorization.k8s.io/v1",
          kind: "RoleBinding",
          metadata: { name: `${team.name}-${role}`, namespace: ns },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
          subjects: groupSubjects(team.developerGroupIds),
        });
      }
    }
  }
  // MIC where a default install puts it, and one of its pods (no controller-manager makes pods from
  // the Deployment here) as the exec/port-forward target.
  const micImage = podIdentityImage(MIC_NAME, config.podIdentity.version);
  manifests.push({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: MIC_NAME, namespace: BASELINE_IDENTITY_NAMESPACE },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: MIC_NAME } },
      template: {
        metadata: { labels: { app: MIC_NAME } },
        spec: { containers: [{ name: MIC_NAME, image: micImage }] },
      },
    },
  });
  manifests.push(restrictedPod(`${MIC_NAME}-0`, BASELINE_IDENTITY_NAMESPACE, { app: MIC_NAME }, micImage));
  // NMI as a default install runs it: a DaemonSet in `default` with no priority class, so any pod
  // at a higher priority can preempt it (the kube-scheduler of the suite places its pods).
  const nmiPod = restrictedPod(
    NMI_NAME,
    BASELINE_IDENTITY_NAMESPACE,
    { app: NMI_NAME },
    podIdentityImage(NMI_NAME, config.podIdentity.version),
  );
  const nmiSpec = nmiPod.spec as { containers: { resources?: object }[]; tolerations?: object[] };
  nmiSpec.containers[0].resources = { requests: { cpu: "100m", memory: "256Mi" } };
  // On every team pool node too (the fake nodes are the same on both clusters), so that the one
  // difference from the hardened NMI stays its priority.
  nmiSpec.tolerations = [{ key: TEAM_POOL_KEY, operator: "Exists" }];
  manifests.push({
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: NMI_NAME, namespace: BASELINE_IDENTITY_NAMESPACE },
    spec: {
      selector: { matchLabels: { app: NMI_NAME } },
      template: { metadata: { labels: { app: NMI_NAME } }, spec: nmiSpec },
    },
  });
  manifests.push(victimIdentity.identity, victimIdentity.binding);
  return manifests;
}
