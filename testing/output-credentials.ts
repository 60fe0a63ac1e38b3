/**
 * Finds credentials in stack outputs, so that every test (mocks and the real engine) checks "no
 * credential in any output" with the same reader the team contract uses.
 */
import { isKubeconfig, kubeconfigCredentials, parseKubeconfig } from "../components/team/kubeconfig";

/**
 * Every kubeconfig credential in a stack's outputs (secrets included: `outputs` holds the resolved
 * values), as `<output path>: <where in the kubeconfig>`; found with the contract's own reader.
 */
export function credentialsInOutputs(outputs: Record<string, unknown>): string[] {
  const found: string[] = [];
  const walk = (value: unknown, at: string) => {
    if (typeof value === "string") {
      const parsed = parseKubeconfig(value);
      if (isKubeconfig(parsed))
        found.push(...kubeconfigCredentials(parsed).map((where) => `${at}: ${where}`));
    } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${at}[${i}]`));
    else if (value !== null && typeof value === "object")
      for (const [k, v] of Object.entries(value)) walk(v, at ? `${at}.${k}` : k);
  };
  walk(outputs, "");
  return found;
}
