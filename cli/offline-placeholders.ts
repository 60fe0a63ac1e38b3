/**
 * Stand-ins for `secure:` config values, which cannot be decrypted without the stack's secrets
 * provider. They are deliberately recognisable, so nobody mistakes them for real credentials.
 */
import { MOCK_USER_KUBECONFIG } from "../testing/computed-outputs";

export function placeholderForSecret(keyPath: string): string {
  // A kubeconfig key gets a parseable kubeconfig (the same fake one the mocked cluster returns),
  // so that validation and the Kubernetes provider accept it.
  return /kubeconfig/i.test(keyPath)
    ? MOCK_USER_KUBECONFIG
    : `offline-plan-placeholder-for-${keyPath.replace(/[^A-Za-z0-9]+/g, "-")}`;
}
