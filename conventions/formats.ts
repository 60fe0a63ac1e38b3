/**
 * Pure format checks shared by config validation, the components and the policy pack: Kubernetes
 * names, Entra/Azure IDs, AKS pool names, CIDRs, versions.
 *
 * Each returns `undefined` when the value is fine, or a short reason that validation turns into a
 * problem naming the key and the value. Kept free of config knowledge so they are tested directly.
 */
import { USER_ASSIGNED_IDENTITY_PATH } from "./kubernetes";

/** RFC 1123 label as Kubernetes uses it for namespace names: lowercase alphanumerics and `-`. */
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Whether `value` is a DNS-1123 label of at most `maxLength` (63) characters. */
export function isDns1123Label(value: unknown, maxLength = 63): value is string {
  return typeof value === "string" && value.length <= maxLength && DNS1123_LABEL.test(value);
}

/** RFC 1123 subdomain (ServiceAccount names): labels joined by dots. */
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Whether `value` is a DNS-1123 subdomain (the rule for ServiceAccount names): at most 253 characters. */
export function isDns1123Subdomain(value: unknown): value is string {
  return typeof value === "string" && value.length <= 253 && DNS1123_SUBDOMAIN.test(value);
}

/** AKS's limit on a node pool name (Linux pools). */
export const MAX_POOL_NAME_LENGTH = 12;
const AKS_POOL_NAME = new RegExp(`^[a-z][a-z0-9]{0,${MAX_POOL_NAME_LENGTH - 1}}$`);

/** Whether `value` is an AKS node pool name: lowercase alphanumeric, starting with a letter, at most 12. */
export function isAksPoolName(value: unknown): value is string {
  return typeof value === "string" && AKS_POOL_NAME.test(value);
}

/** An Entra object ID / client ID: 8-4-4-4-12 hex digits. */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Why `value` is not a DNS-1123 label of at most `maxLength` characters, if it is not. */
export function dns1123LabelProblem(value: string, maxLength = 63): string | undefined {
  if (value.length === 0) return "must not be empty";
  if (value.length > maxLength) return `must be at most ${maxLength} characters (has ${value.length})`;
  if (!DNS1123_LABEL.test(value)) {
    return "must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit";
  }
  return undefined;
}

/** Why `value` is not a DNS-1123 subdomain (at most 253 characters), if it is not. */
export function dns1123SubdomainProblem(value: string): string | undefined {
  if (value.length === 0) return "must not be empty";
  if (value.length > 253) return `must be at most 253 characters (has ${value.length})`;
  if (!DNS1123_SUBDOMAIN.test(value)) {
    return "must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.'";
  }
  return undefined;
}

/** Whether `value` is GUID-shaped (Entra object IDs, client IDs, subscription IDs). */
export function isGuid(value: unknown): value is string {
  return typeof value === "string" && GUID.test(value);
}

/**
 * `/subscriptions/<guid>/resourceGroups/<name>` as a regular-expression source, with Azure's rules
 * for a resource group name (1-90 of letters, digits, `-_.()`, not ending in `.`). Azure compares
 * resource IDs case-insensitively, so match it with the `i` flag.
 */
export const RESOURCE_GROUP_ID_SOURCE =
  "/subscriptions/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/resourceGroups/[-\\w.()]{0,89}[-\\w()]";

const RESOURCE_GROUP_ID = new RegExp(`^${RESOURCE_GROUP_ID_SOURCE}$`, "i");
const IDENTITY_RESOURCE_ID = new RegExp(
  `^${RESOURCE_GROUP_ID_SOURCE}${USER_ASSIGNED_IDENTITY_PATH}[-\\w]{3,128}$`,
  "i",
);

/** Whether `value` is a full resource group ID. */
export function isResourceGroupId(value: unknown): value is string {
  return typeof value === "string" && RESOURCE_GROUP_ID.test(value);
}

/** Whether `value` is the full resource ID of a user-assigned managed identity. */
export function isIdentityResourceId(value: unknown): value is string {
  return typeof value === "string" && IDENTITY_RESOURCE_ID.test(value);
}

/**
 * Namespaces that Kubernetes or AKS add-ons own. A team owning one could place pods next to
 * system components (or, for `default`, next to anything deployed without a namespace).
 */
const SYSTEM_NAMESPACES = new Set([
  "default",
  "gatekeeper-system", // Azure Policy add-on
  "calico-system", // Calico network policy
  "tigera-operator", // Calico operator
]);

/** Why no team and no team namespace may take the identity namespace's name. */
export const IDENTITY_NAMESPACE_TAKEN =
  "is the pod-identity namespace (`podIdentity.namespace`), which no team may own";

/**
 * Why a team namespace (or team name) is reserved, if it is: `default`, any `kube-*`, AKS add-on
 * namespaces, and the pod-identity namespace (which runs privileged and must belong to no team).
 */
export function reservedNamespaceProblem(value: string, identityNamespace: string): string | undefined {
  if (value.startsWith("kube-")) return "is reserved: `kube-*` namespaces belong to Kubernetes";
  if (SYSTEM_NAMESPACES.has(value)) return "is reserved for Kubernetes or an AKS add-on";
  if (value === identityNamespace) return IDENTITY_NAMESPACE_TAKEN;
  return undefined;
}

/** A parsed IPv4 CIDR. */
export interface Ipv4Cidr {
  /** The network address as a 32-bit unsigned integer. */
  address: number;
  prefixLength: number;
}

/** The octets, prefix length and address of `a.b.c.d/n` as written, or undefined when it is not of that form. */
function ipv4Parts(value: string): { digits: string[]; prefixLength: number; address: number } | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!match) return undefined;
  const digits = match.slice(1, 5);
  const [a, b, c, d] = digits.map(Number);
  return { digits, prefixLength: Number(match[5]), address: ((a << 24) | (b << 16) | (c << 8) | d) >>> 0 };
}

/** Parses `a.b.c.d/n`; returns a reason string when it is not a valid IPv4 network. */
export function parseIpv4Cidr(value: string): Ipv4Cidr | string {
  const parts = ipv4Parts(value);
  if (!parts) return "must be an IPv4 CIDR such as 203.0.113.0/24";
  const { digits, prefixLength, address } = parts;
  if (digits.some((o) => Number(o) > 255 || (o.length > 1 && o.startsWith("0")))) {
    return "has an octet above 255 or with a leading zero";
  }
  if (prefixLength > 32) return "has a prefix length above 32";
  const mask = prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
  if ((address & mask) >>> 0 !== address) {
    // Azure normalises or rejects these; either way the user did not mean what they wrote.
    return `has host bits set; the network is ${formatIpv4((address & mask) >>> 0)}/${prefixLength}`;
  }
  return { address, prefixLength };
}

/**
 * The addresses `a.b.c.d/n` spans, host bits ignored (as Kubernetes reads an ipBlock), or undefined
 * when it is not an IPv4 CIDR.
 */
export function ipv4Range(value: string): { first: number; last: number } | undefined {
  const parts = ipv4Parts(value.trim());
  if (!parts || parts.digits.some((o) => Number(o) > 255) || parts.prefixLength > 32) return undefined;
  const size = 2 ** (32 - parts.prefixLength);
  const first = parts.address - (parts.address % size);
  return { first, last: first + size - 1 };
}

/**
 * Whether the CIDRs together cover every IPv4 address (`0.0.0.0/1` and `128.0.0.0/1` are the whole
 * internet as much as `0.0.0.0/0`). Entries that are not IPv4 CIDRs cover nothing here.
 */
export function coversEveryIpv4Address(cidrs: Iterable<string>): boolean {
  const ranges = [...cidrs]
    .map(ipv4Range)
    .filter((r): r is { first: number; last: number } => r !== undefined)
    .sort((a, b) => a.first - b.first);
  let next = 0; // the lowest address not yet covered
  for (const range of ranges) {
    if (range.first > next) return false;
    next = Math.max(next, range.last + 1);
    if (next > 0xffffffff) return true;
  }
  return false;
}

function formatIpv4(address: number): string {
  return [24, 16, 8, 0].map((shift) => (address >>> shift) & 0xff).join(".");
}

/** A `major.minor[.patch]` version as numbers, or `undefined` when it does not parse. */
export function parseVersion(value: string, requirePatch = false): number[] | undefined {
  const match = requirePatch ? /^(\d+)\.(\d+)\.(\d+)$/.exec(value) : /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(value);
  if (!match) return undefined;
  return match.slice(1).map((part) => (part === undefined ? 0 : Number(part)));
}

/** Compares two parsed versions component-wise: negative, zero or positive. */
export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** A loose e-mail shape check: enough to catch a missing `@` or a pasted name, not RFC 5322. */
export function isEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);
}

/**
 * The closest of `candidates` to `key`, for "did you mean" hints on typos such as
 * `autorizedIpRanges` or `Storage Blob Reader`: within an edit distance of a third of the key's
 * length (at least 2), so short keys only match near-identical candidates.
 */
export function closestKey(key: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance (insert, delete, substitute), two-row dynamic programme. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
}
