/**
 * Image references a team's workload may run: only from an allowed registry (so a typo or a
 * compromised pipeline cannot pull an arbitrary public image into the cluster), and only pinned
 * (a tag other than `latest`, or a digest), so that what was reviewed is what runs.
 */

/** The registry host of an image reference, or `undefined` when it names none (implicit Docker Hub). */
export function imageRegistry(image: string): string | undefined {
  const first = image.split("/")[0];
  // Same rule as the container runtimes: a first segment with a dot or a port, or `localhost`.
  return image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost")
    ? first
    : undefined;
}

/** Normalises an allow-list entry (`myacr.azurecr.io/team-a/`) for prefix matching. */
function registryPrefix(entry: string): string {
  return `${entry.replace(/\/+$/, "").toLowerCase()}/`;
}

/**
 * Pure: why `image` may not run, or `undefined` when it may. `allowedRegistries` entries are
 * registry hosts, optionally with a repository path prefix (`myacr.azurecr.io/team-a`).
 */
export function imageProblem(image: string, allowedRegistries: readonly string[]): string | undefined {
  if (image.trim() === "" || /\s/.test(image)) return "must be an image reference without spaces";
  const registry = imageRegistry(image);
  if (!registry) return "must name its registry explicitly (e.g. myacr.azurecr.io/app:1.2.3)";
  if (!allowedRegistries.some((entry) => image.toLowerCase().startsWith(registryPrefix(entry)))) {
    return `registry "${registry}" is not allowed; allowed: ${allowedRegistries.join(", ") || "(none)"}`;
  }
  const [name, digest] = image.split("@");
  if (digest !== undefined) {
    return /^sha256:[0-9a-f]{64}$/.test(digest)
      ? undefined
      : "has a malformed digest (expected sha256:<64 hex>)";
  }
  const lastSegment = name.slice(name.lastIndexOf("/") + 1);
  const tag = lastSegment.includes(":") ? lastSegment.slice(lastSegment.indexOf(":") + 1) : undefined;
  if (tag === undefined || tag === "") return "must pin a tag or a digest (an untagged image means :latest)";
  if (tag === "latest") return "must not use the mutable tag :latest; pin a version or a digest";
  return undefined;
}
