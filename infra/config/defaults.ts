/**
 * Documented defaults of the stack configuration, and the limits validation enforces.
 *
 * The schema (`schema.ts`) reads them, and the README reference and `Pulumi.yaml` (whose `default:`
 * values the Pulumi CLI applies before the program runs) are rendered from the schema.
 */
import { DEFAULT_IDENTITY_NAMESPACE } from "../../conventions/kubernetes";
import { DEFAULT_PRIVILEGED_NAMESPACES } from "../../components/kubernetes/validate-args";
import { MAXIMUM_POD_IDENTITY_VERSION } from "../../conventions/pod-identity-release";
import type { IdentityMode, PodIdentityInstallMode } from "../../conventions/modes";
import type {
  ClusterTier,
  NodeOsUpgradeChannel,
  NodePoolConfig,
  UpgradeChannel,
} from "../../components/azure/cluster";

export const CLUSTER_MODES = ["create", "existing"] as const;
export const CLUSTER_TIERS: readonly ClusterTier[] = ["Free", "Standard", "Premium"];
export const PRODUCTION_TIERS: readonly ClusterTier[] = ["Standard", "Premium"];
export const UPGRADE_CHANNELS: readonly UpgradeChannel[] = ["patch", "stable", "rapid", "node-image"];
export const NODE_OS_UPGRADE_CHANNELS: readonly NodeOsUpgradeChannel[] = [
  "NodeImage",
  "SecurityPatch",
  "Unmanaged",
];
export const AVAILABILITY_ZONES = ["1", "2", "3"] as const;

/** ValidatingAdmissionPolicy is GA (admissionregistration.k8s.io/v1) from Kubernetes 1.30. */
export const MIN_KUBERNETES_VERSION = [1, 30] as const;
/** The cluster name prefixes every Azure resource name; Azure limits start at 24 characters. */
export const MAX_CLUSTER_NAME_LENGTH = 24;
export const DEFAULT_PRODUCTION = false;
export const DEFAULT_CLUSTER_MODE = "create";
export const DEFAULT_TIER: ClusterTier = "Standard";
export const DEFAULT_UPGRADE_CHANNEL: UpgradeChannel = "patch";
export const DEFAULT_NODE_OS_UPGRADE_CHANNEL: NodeOsUpgradeChannel = "NodeImage";
export const DEFAULT_LOG_RETENTION_DAYS = 90;
export const DEFAULT_IDENTITY_MODE: IdentityMode = "pod-identity";
export const DEFAULT_VM_SIZE = "Standard_D4ds_v5";

// Typed by hand, not as the config types: those are the schema's output, and the schema reads these.
export const DEFAULT_POD_IDENTITY: {
  namespace: string;
  mode: PodIdentityInstallMode;
  version: string;
  isolateNodes: boolean;
} = {
  namespace: DEFAULT_IDENTITY_NAMESPACE,
  mode: "standard",
  version: MAXIMUM_POD_IDENTITY_VERSION,
  // On by default: shared nodes are a cross-team path (an evicted NMI, a host-network pod or a
  // container escape reaches every identity on the node's scale set), and an insecure default
  // would be silent while a refused config names the key to set.
  isolateNodes: true,
};

/** The Kubernetes layer's own default, so config and component cannot drift apart. */
export const DEFAULT_GUARDRAILS: Readonly<{ platformUsers: string[]; privilegedNamespaces: string[] }> = {
  platformUsers: [],
  privilegedNamespaces: [...DEFAULT_PRIVILEGED_NAMESPACES],
};

/**
 * `kube-*` namespaces Kubernetes itself creates. Any other `kube-*` name is reserved but belongs to
 * nothing, so allowing it privileged (a typo such as `kube-sytem`) leaves a privileged slot for
 * whoever creates that namespace first.
 */
export const KUBERNETES_SYSTEM_NAMESPACES = ["kube-system", "kube-public", "kube-node-lease"] as const;

/** Zone-redundant by default; set `zones: []` in a region without availability zones. */
export const DEFAULT_SYSTEM_POOL: NodePoolConfig = {
  name: "system",
  vmSize: DEFAULT_VM_SIZE,
  minCount: 2,
  maxCount: 3,
  zones: [...AVAILABILITY_ZONES],
};

export const DEFAULT_USER_POOLS: NodePoolConfig[] = [
  { name: "user", vmSize: DEFAULT_VM_SIZE, minCount: 2, maxCount: 6, zones: [...AVAILABILITY_ZONES] },
];
