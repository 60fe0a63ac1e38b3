/**
 * Which aad-pod-identity releases the blueprint accepts: config validation, the Kubernetes component
 * and the policy pack all read the bounds from here, so they cannot drift apart.
 */
import { compareVersions, parseVersion } from "./formats";

/** Oldest release allowed: v1.8.13 fixed the NMI token-path validation bypass. */
export const MINIMUM_POD_IDENTITY_VERSION = "v1.8.13";

/** Why older releases are refused, as the messages say it. */
export const MINIMUM_POD_IDENTITY_VERSION_REASON =
  "older NMI releases let a pod bypass token-path validation (GHSA-p82q-rxpm-hjpc)";

/** aad-pod-identity is archived; v1.8.17 is its last release, so no newer image exists. */
export const MAXIMUM_POD_IDENTITY_VERSION = "v1.8.17";

/** `[major, minor, patch]` of an image tag `vX.Y.Z`; undefined for any other shape. */
export function podIdentityVersionParts(tag: string): number[] | undefined {
  return tag.startsWith("v") ? parseVersion(tag.slice(1), true) : undefined;
}

/** Whether `tag` is `vX.Y.Z` and not older than `minimum` (default: the blueprint's minimum). */
export function isSupportedPodIdentityVersion(tag: string, minimum = MINIMUM_POD_IDENTITY_VERSION): boolean {
  const parts = podIdentityVersionParts(tag);
  const floor = podIdentityVersionParts(minimum);
  if (!floor) throw new Error(`minimum pod-identity version ${minimum} is not vX.Y.Z`);
  return parts !== undefined && compareVersions(parts, floor) >= 0;
}

/**
 * Why `tag` is not a release the blueprint deploys, if it is not: the one rule that config
 * validation and the Kubernetes component both apply.
 */
export function podIdentityVersionProblem(tag: unknown): string | undefined {
  const parts = typeof tag === "string" ? podIdentityVersionParts(tag) : undefined;
  if (!parts) return `must be an image tag vX.Y.Z such as ${MAXIMUM_POD_IDENTITY_VERSION}`;
  if (!isSupportedPodIdentityVersion(tag as string)) {
    return `must be ${MINIMUM_POD_IDENTITY_VERSION} or newer: ${MINIMUM_POD_IDENTITY_VERSION_REASON}`;
  }
  if (compareVersions(parts, podIdentityVersionParts(MAXIMUM_POD_IDENTITY_VERSION)!) > 0) {
    return `does not exist: aad-pod-identity is archived, ${MAXIMUM_POD_IDENTITY_VERSION} is its last release`;
  }
  return undefined;
}
