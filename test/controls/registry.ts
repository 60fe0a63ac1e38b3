/**
 * The control registry: each hardening setting a component declares, the pack policy that refuses
 * its absence or weakening at preview, and the weakenings that prove it (run by
 * `registry.test.ts` on the recorded dev stack). A declared setting that is not hardening is listed
 * too, with the reason, so that the meta-test can require an entry for every declared setting.
 *
 * This file covers the NMI and MIC command-line flags and MIC's environment (PodIdentity);
 * `property-registry.ts` covers every declared property of the cluster, its node pools, the Azure
 * role assignments, namespaces, admission bindings, network policies, quotas and RBAC objects. The
 * admission policies' CEL is guarded by its own suite (test/kubernetes), not by the pack.
 */

/** A container of the recorded stack as the weakenings edit it. */
export interface ContainerUnderTest {
  args: string[];
  env: { name: string; value?: string }[];
}

export interface Weakening {
  name: string;
  apply: (c: ContainerUnderTest) => void;
}

export interface GuardedSetting {
  /** `<component> <flag or env var>`, e.g. `nmi --forceNamespaced`. */
  setting: string;
  /** The pack policy that refuses every weakening below. */
  guard: string;
  /** The component's hardening is that the setting is absent (e.g. MIC's `--cloudconfig`). */
  absent?: true;
  weakenings: Weakening[];
}

export interface FunctionalSetting {
  setting: string;
  /** Why no guard is needed: what the setting does and which guard covers the risk, if any. */
  notHardening: string;
}

export type RegistryEntry = GuardedSetting | FunctionalSetting;

const setFlag = (flag: string, value: string | undefined) => (c: ContainerUnderTest) => {
  const i = c.args.findIndex((a) => a === `--${flag}` || a.startsWith(`--${flag}=`));
  if (i < 0) throw new Error(`the container has no --${flag} to weaken`);
  if (value === undefined) c.args.splice(i, 1);
  else c.args[i] = `--${flag}=${value}`;
};

const setEnv = (name: string, value: string | undefined) => (c: ContainerUnderTest) => {
  const i = c.env.findIndex((e) => e.name === name);
  if (i < 0) throw new Error(`the container has no ${name} to weaken`);
  if (value === undefined) c.env.splice(i, 1);
  else c.env[i] = { name, value };
};

/** The two ways to turn a boolean flag off. */
const removedOrFalse = (flag: string): Weakening[] => [
  { name: "removed", apply: setFlag(flag, undefined) },
  { name: "false", apply: setFlag(flag, "false") },
];

const COMPONENTS_HARDENED = "pod-identity-components-hardened";

/**
 * Either `--forceNamespaced=true` or `FORCENAMESPACED=true` puts a component in namespaced mode, so
 * a weakening of one counts only together with the other.
 */
function namespacedMode(component: "nmi" | "mic"): GuardedSetting[] {
  return [
    {
      setting: `${component} --forceNamespaced`,
      guard: COMPONENTS_HARDENED,
      weakenings: [
        {
          name: "false, and FORCENAMESPACED removed",
          apply: (c) => {
            setFlag("forceNamespaced", "false")(c);
            setEnv("FORCENAMESPACED", undefined)(c);
          },
        },
      ],
    },
    {
      setting: `${component} FORCENAMESPACED`,
      guard: COMPONENTS_HARDENED,
      weakenings: [
        {
          name: "false, and --forceNamespaced removed",
          apply: (c) => {
            setEnv("FORCENAMESPACED", "false")(c);
            setFlag("forceNamespaced", undefined)(c);
          },
        },
      ],
    },
  ];
}

export const CONTROL_REGISTRY: RegistryEntry[] = [
  ...namespacedMode("nmi"),
  { setting: "nmi NODE_NAME", notHardening: "the node's name, from the downward API" },
  {
    setting: "nmi --MICNamespace",
    guard: COMPONENTS_HARDENED,
    weakenings: [
      { name: "removed (NMI's default is `default`)", apply: setFlag("MICNamespace", undefined) },
      { name: "default", apply: setFlag("MICNamespace", "default") },
    ],
  },
  {
    setting: "nmi --metadata-header-required",
    guard: COMPONENTS_HARDENED,
    weakenings: removedOrFalse("metadata-header-required"),
  },
  {
    setting: "nmi --block-instance-metadata",
    guard: COMPONENTS_HARDENED,
    weakenings: removedOrFalse("block-instance-metadata"),
  },
  {
    setting: "nmi --enable-conntrack-deletion",
    guard: COMPONENTS_HARDENED,
    weakenings: removedOrFalse("enable-conntrack-deletion"),
  },
  {
    setting: "nmi --allow-network-plugin-kubenet",
    guard: COMPONENTS_HARDENED,
    weakenings: [{ name: "true", apply: setFlag("allow-network-plugin-kubenet", "true") }],
  },
  {
    setting: "nmi --operation-mode",
    notHardening: "standard and managed are both supported modes; managed only runs less",
  },
  { setting: "nmi --node", notHardening: "the node NMI serves, from the downward API" },
  { setting: "nmi --kubelet-config", notHardening: "where NMI reads the kubelet's configuration" },
  { setting: "nmi --http-probe-port", notHardening: "the health probe's port" },
  ...namespacedMode("mic"),
  {
    setting: "mic --leader-election-namespace",
    guard: COMPONENTS_HARDENED,
    weakenings: [
      { name: "removed", apply: setFlag("leader-election-namespace", undefined) },
      { name: "default", apply: setFlag("leader-election-namespace", "default") },
    ],
  },
  {
    setting: "mic --immutable-user-msis",
    guard: COMPONENTS_HARDENED,
    weakenings: [
      { name: "removed", apply: setFlag("immutable-user-msis", undefined) },
      { name: "empty", apply: setFlag("immutable-user-msis", "") },
    ],
  },
  {
    setting: "mic --cloudconfig",
    guard: COMPONENTS_HARDENED,
    absent: true,
    weakenings: [
      {
        name: "added, pointing at azure.json",
        apply: (c) => void c.args.push("--cloudconfig=/etc/kubernetes/azure.json"),
      },
    ],
  },
  { setting: "mic --logtostderr", notHardening: "log destination" },
  { setting: "mic --http-probe-port", notHardening: "the health probe's port" },
  { setting: "mic MIC_POD_NAMESPACE", notHardening: "MIC's own namespace, from the downward API" },
  { setting: "mic CLOUD", notHardening: "the Azure cloud MIC talks to" },
  { setting: "mic SUBSCRIPTION_ID", notHardening: "where the node pools are" },
  { setting: "mic RESOURCE_GROUP", notHardening: "the node resource group MIC assigns identities in" },
  { setting: "mic TENANT_ID", notHardening: "the Entra tenant" },
  { setting: "mic VM_TYPE", notHardening: "node pools are VM scale sets" },
  {
    setting: "mic USE_MSI",
    notHardening:
      "without it MIC cannot authenticate; the credential file it would need instead is refused as `mic --cloudconfig` (and MIC's hostPath volumes)",
  },
  {
    setting: "mic USER_ASSIGNED_MSI_CLIENT_ID",
    notHardening: "which identity MIC authenticates as (the kubelet identity); functional",
  },
];

export function isGuarded(entry: RegistryEntry): entry is GuardedSetting {
  return "guard" in entry;
}
