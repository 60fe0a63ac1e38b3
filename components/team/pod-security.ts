/**
 * Pod Security for the team component: the shared Pod Security Standards implementation
 * (`conventions/pod-security.ts`, the one the policy pack also judges with), at the level
 * every team namespace enforces, `restricted`.
 */
import { checkPod, PodSecurityViolation, Version } from "../../conventions/pod-security";

export type { PodSecurityViolation, Version } from "../../conventions/pod-security";

/**
 * Every `restricted` violation of a pod template at `version` (default `latest`); an empty list
 * means Pod Security Admission admits its pods into a team namespace.
 */
export function checkRestrictedPodSpec(
  podSpec: unknown,
  podMetadata?: unknown,
  version: Version = "latest",
): PodSecurityViolation[] {
  return checkPod({ level: "restricted", version }, { metadata: podMetadata, spec: podSpec });
}
