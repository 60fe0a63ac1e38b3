/** The blueprint's two identity mechanisms and its two aad-pod-identity installs. */

/** How pods of a team obtain Azure tokens. */
export type IdentityMode = "pod-identity" | "workload-identity";

/** Every identity mode, in the order messages list them. */
export const IDENTITY_MODES: readonly IdentityMode[] = ["pod-identity", "workload-identity"];

/**
 * aad-pod-identity install mode. `standard`: MIC + NMI in the cluster, MIC assigns identities to
 * the node pools. `managed`: NMI only; identities are assigned to the nodes outside the cluster.
 */
export type PodIdentityInstallMode = "standard" | "managed";

/** Every aad-pod-identity install mode. */
export const POD_IDENTITY_MODES: readonly PodIdentityInstallMode[] = ["standard", "managed"];
