/**
 * How the pack recognises aad-pod-identity's components. MIC and NMI are judged by what they run,
 * not by their names, so every policy that treats them apart (their hardening, their priority, the
 * admission settings that pin their images, the deprecation notice) reads the image the same way.
 */

/** Which aad-pod-identity component a container runs, from its image. */
export function podIdentityComponentOf(image: string): "mic" | "nmi" | undefined {
  const match = /aad-pod-identity\/(mic|nmi)(?:[:@]|$)/.exec(image);
  return match ? (match[1] as "mic" | "nmi") : undefined;
}
