/**
 * `PodIdentityInstall`: aad-pod-identity, hardened, in its own namespace.
 *
 * Namespace (PSA privileged: NMI needs the host network, NET_ADMIN and host paths), the four CRDs,
 * service accounts, least-privilege RBAC, and NMI (always) plus MIC with its PodDisruptionBudget
 * (standard mode). No AzurePodIdentityException is installed: with `--MICNamespace` set, NMI
 * already recognises MIC, and every exception is an NMI bypass (S6).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PodIdentityInstallMode } from "../../conventions/modes";
import { MIC_NAME, NMI_NAME, podSecurityLabels } from "../../conventions/kubernetes";
import { podIdentityCrdSpecs } from "./crds";
import { componentLabels, micPodSpec, nmiPodSpec, type MicAzureContext } from "./pod-identity-workloads";
import { MIC_CLUSTER_RULES, MIC_NAMESPACE_RULES, NMI_CLUSTER_RULES, type PolicyRule } from "./rbac-rules";

export interface PodIdentityInstallArgs {
  /** Explicit provider of the target cluster. Required. */
  provider: k8s.Provider;
  /** The identity namespace (created here). Required. */
  namespace: string;
  /** `standard` (MIC + NMI) or `managed` (NMI only). Required. */
  mode: PodIdentityInstallMode;
  /** MIC/NMI image tag. Required. */
  version: string;
  /** PSA version pinned in the namespace labels. Required. */
  podSecurityVersion: string;
  /** Standard mode: MIC's Azure context (kubelet identity, node resource group...). Required there. */
  micAzure?: MicAzureContext;
  /** MIC replicas (standard mode). Default 2, so the PodDisruptionBudget keeps one up. */
  micReplicas?: number;
}

/** Prefix of the cluster-scoped RBAC objects of the install (they cannot live in the namespace). */
export const POD_IDENTITY_RBAC_PREFIX = "aks-hardening-aad-pod-identity";

export class PodIdentityInstall extends pulumi.ComponentResource {
  /** The identity namespace's name. */
  readonly namespace: pulumi.Output<string>;
  /** The four CRDs; identity objects must depend on them. */
  readonly crds: k8s.apiextensions.v1.CustomResourceDefinition[];
  /** Service accounts of the install (`mic` only in standard mode). */
  readonly serviceAccountNames: string[];

  constructor(name: string, args: PodIdentityInstallArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aks-hardening:kubernetes:PodIdentityInstall", name, {}, opts);
    const child = { parent: this, provider: args.provider };
    const ns = args.namespace;

    const namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: ns,
          labels: {
            ...podSecurityLabels("privileged", args.podSecurityVersion),
            "app.kubernetes.io/part-of": "aad-pod-identity",
          },
        },
      },
      child,
    );
    this.namespace = namespace.metadata.name;

    this.crds = podIdentityCrdSpecs().map(
      (crd) =>
        new k8s.apiextensions.v1.CustomResourceDefinition(
          `${name}-crd-${crd.kind.toLowerCase()}`,
          {
            metadata: {
              name: crd.name,
              labels: { "app.kubernetes.io/part-of": "aad-pod-identity" },
              // `api-approved.kubernetes.io`: required for the protected `*.k8s.io` group.
              annotations: crd.annotations,
            },
            spec: crd.spec,
          },
          child,
        ),
    );
    const ready = { ...child, dependsOn: [namespace, ...this.crds] };

    /** A service account with its ClusterRole and, optionally, a Role in the identity namespace. */
    const identityOf = (
      component: typeof MIC_NAME | typeof NMI_NAME,
      rules: PolicyRule[],
      nsRules?: PolicyRule[],
    ) => {
      const sa = new k8s.core.v1.ServiceAccount(
        `${name}-${component}`,
        { metadata: { name: component, namespace: ns, labels: componentLabels(component) } },
        { ...child, dependsOn: [namespace] },
      );
      const roleName = `${POD_IDENTITY_RBAC_PREFIX}-${component}`;
      const subjects = [{ kind: "ServiceAccount", name: component, namespace: ns }];
      const role = new k8s.rbac.v1.ClusterRole(
        `${name}-${component}`,
        { metadata: { name: roleName }, rules },
        child,
      );
      new k8s.rbac.v1.ClusterRoleBinding(
        `${name}-${component}`,
        {
          metadata: { name: roleName },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: roleName },
          subjects,
        },
        { ...child, dependsOn: [role, sa] },
      );
      if (nsRules) {
        const nsRole = new k8s.rbac.v1.Role(
          `${name}-${component}`,
          { metadata: { name: roleName, namespace: ns }, rules: nsRules },
          { ...child, dependsOn: [namespace] },
        );
        new k8s.rbac.v1.RoleBinding(
          `${name}-${component}`,
          {
            metadata: { name: roleName, namespace: ns },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: roleName },
            subjects,
          },
          { ...child, dependsOn: [nsRole, sa] },
        );
      }
      return sa;
    };

    const settings = { namespace: ns, mode: args.mode, version: args.version };
    const nmiSa = identityOf(NMI_NAME, NMI_CLUSTER_RULES);
    new k8s.apps.v1.DaemonSet(
      `${name}-nmi`,
      {
        metadata: { name: NMI_NAME, namespace: ns, labels: componentLabels(NMI_NAME) },
        spec: {
          selector: { matchLabels: componentLabels(NMI_NAME) },
          updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
          template: { metadata: { labels: componentLabels(NMI_NAME) }, spec: nmiPodSpec(settings) },
        },
      },
      { ...ready, dependsOn: [...ready.dependsOn, nmiSa] },
    );
    this.serviceAccountNames = [NMI_NAME];

    if (args.mode === "standard") {
      if (!args.micAzure)
        throw new Error("PodIdentityInstall: standard mode needs micAzure (kubelet identity)");
      const micSa = identityOf(MIC_NAME, MIC_CLUSTER_RULES, MIC_NAMESPACE_RULES);
      new k8s.apps.v1.Deployment(
        `${name}-mic`,
        {
          metadata: { name: MIC_NAME, namespace: ns, labels: componentLabels(MIC_NAME) },
          spec: {
            replicas: args.micReplicas ?? 2,
            selector: { matchLabels: componentLabels(MIC_NAME) },
            template: {
              metadata: { labels: componentLabels(MIC_NAME) },
              spec: micPodSpec(settings, args.micAzure),
            },
          },
        },
        { ...ready, dependsOn: [...ready.dependsOn, micSa] },
      );
      new k8s.policy.v1.PodDisruptionBudget(
        `${name}-mic`,
        {
          metadata: { name: MIC_NAME, namespace: ns, labels: componentLabels(MIC_NAME) },
          spec: { minAvailable: 1, selector: { matchLabels: componentLabels(MIC_NAME) } },
        },
        { ...child, dependsOn: [namespace] },
      );
      this.serviceAccountNames = [MIC_NAME, NMI_NAME];
    }

    this.registerOutputs({ namespace: this.namespace, serviceAccountNames: this.serviceAccountNames });
  }
}
