/**
 * Reading kubeconfigs the way kubectl does: as YAML (block, flow or JSON: a YAML 1.2 parser reads
 * all three), never by searching the text, so a credential cannot hide in another style and a
 * commented-out line is not a value.
 *
 * What counts as a credential, per user entry (the kubeconfig fields of client-go's `AuthInfo`):
 * `token`, `tokenFile`, `client-key`, `client-key-data`, `password`, an `auth-provider` with a
 * token or secret in its config, and an `exec` plugin handed a secret through its environment or
 * arguments. A client certificate alone, a username, or an `exec` plugin that logs the user in
 * (kubelogin) carry none.
 */
import { parse } from "yaml";

const CREDENTIAL_FIELDS = ["token", "tokenFile", "client-key", "client-key-data", "password"] as const;
/** auth-provider config keys that hold a token or a secret (oidc, azure, gcp providers). */
const AUTH_PROVIDER_SECRET = /token|secret|password/i;
/** exec env names and flags that pass a secret to the plugin (e.g. kubelogin's client secret). */
const EXEC_SECRET = /secret|token|password|passwd|credential|private[-_]?key/i;

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj | undefined =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined;
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** A parsed kubeconfig, or `undefined` when the text is not a YAML/JSON mapping. */
export function parseKubeconfig(text: string): Obj | undefined {
  try {
    return asObj(parse(text));
  } catch {
    return undefined;
  }
}

/** Whether a value looks like a kubeconfig (a mapping with `clusters` or `users`, or kind Config). */
export function isKubeconfig(value: Obj | undefined): value is Obj {
  return !!value && (value.kind === "Config" || Array.isArray(value.clusters) || Array.isArray(value.users));
}

/** Where each credential sits, e.g. `users[0].user.token` or `users[1].user.exec.env[0]`. */
export function kubeconfigCredentials(config: Obj): string[] {
  const found: string[] = [];
  asList(config.users).forEach((entry, i) => {
    const user = asObj(asObj(entry)?.user);
    if (!user) return;
    const at = `users[${i}].user`;
    for (const field of CREDENTIAL_FIELDS) if (present(user[field])) found.push(`${at}.${field}`);
    const authProvider = asObj(user["auth-provider"]);
    for (const [key, value] of Object.entries(asObj(authProvider?.config) ?? {})) {
      if (AUTH_PROVIDER_SECRET.test(key) && present(value)) found.push(`${at}.auth-provider.config.${key}`);
    }
    const exec = asObj(user.exec);
    asList(exec?.env).forEach((env, e) => {
      const name = asObj(env)?.name;
      if (typeof name === "string" && EXEC_SECRET.test(name) && present(asObj(env)?.value))
        found.push(`${at}.exec.env[${e}]`);
    });
    asList(exec?.args).forEach((arg, a) => {
      if (typeof arg === "string" && /^--?[\w-]+/.test(arg) && EXEC_SECRET.test(arg.split("=")[0]))
        found.push(`${at}.exec.args[${a}]`);
    });
  });
  return found;
}

/** The API server URL of the current context's cluster (else the first cluster), if any. */
export function kubeconfigServer(config: Obj): string | undefined {
  const clusters = asList(config.clusters).map(asObj);
  const context = asList(config.contexts)
    .map(asObj)
    .find((c) => c?.name === config["current-context"]);
  const clusterName = asObj(context?.context)?.cluster;
  const chosen = clusters.find((c) => c?.name === clusterName) ?? clusters[0];
  const server = asObj(chosen?.cluster)?.server;
  return typeof server === "string" ? server : undefined;
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== "";
}
