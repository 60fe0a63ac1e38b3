/**
 * How a team member reaches the cluster in the engine suite, as on AKS: the contract's kubeconfig
 * names the endpoint and CA only and logs its user in through `kubelogin` (an exec credential
 * plugin), and each member's own `kubelogin` returns that member's token. Here a two-line
 * `kubelogin` prints the static token of one test user, the stand-in for Entra's sign-in.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** AKS's Entra server application ID, which kubelogin requests tokens for (public, not a secret). */
const AKS_SERVER_ID = "6dae42f8-4368-4678-94ff-3960e28e3630";

interface Kubeconfig {
  clusters: { name: string; cluster: Record<string, unknown> }[];
  users: { name: string; user: { token?: string } }[];
}

/** `kubeconfig` (JSON text) with its user replaced by a kubelogin exec login: no credential. */
export function loginKubeconfig(kubeconfig: string): string {
  const parsed = JSON.parse(kubeconfig) as Kubeconfig;
  const cluster = parsed.clusters[0];
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [cluster],
    users: [
      {
        name: "team-member",
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1",
            command: "kubelogin",
            args: ["get-token", "--login", "azurecli", "--server-id", AKS_SERVER_ID],
            interactiveMode: "Never",
          },
        },
      },
    ],
    contexts: [{ name: cluster.name, context: { cluster: cluster.name, user: "team-member" } }],
    "current-context": cluster.name,
  });
}

/** The token of a kubeconfig's first user (the test cluster's static tokens). */
export function tokenOf(kubeconfig: string): string {
  const token = (JSON.parse(kubeconfig) as Kubeconfig).users[0]?.user.token;
  if (!token) throw new Error("the kubeconfig holds no token");
  return token;
}

/**
 * Writes `<dir>/kubelogin`, which answers every exec call with `token` as an ExecCredential;
 * returns `dir`, to put first on the PATH of the member's Pulumi runs.
 */
export function writeKubelogin(dir: string, token: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const credential = JSON.stringify({
    apiVersion: "client.authentication.k8s.io/v1",
    kind: "ExecCredential",
    status: { token },
  });
  fs.writeFileSync(path.join(dir, "kubelogin"), `#!/bin/sh\nprintf '%s\\n' '${credential}'\n`, {
    mode: 0o755,
  });
  return dir;
}
