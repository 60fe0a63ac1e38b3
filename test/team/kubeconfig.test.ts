/**
 * Kubeconfig reading: every style kubectl reads (block, flow, JSON) and every credential kind a
 * user entry can carry. The old text search accepted a flow-style or JSON token, an auth-provider
 * access token and an exec plugin handed a client secret, and read a commented-out `server:`.
 */
import { stringify } from "yaml";
import {
  isKubeconfig,
  kubeconfigCredentials,
  kubeconfigServer,
  parseKubeconfig,
} from "../../components/team/kubeconfig";
import { assertKubeconfigCarriesNoCredentials } from "../../components/team/contract";

type Obj = Record<string, unknown>;

const SERVER = "https://aks.example.azmk8s.io:443";
const KUBELOGIN = {
  apiVersion: "client.authentication.k8s.io/v1beta1",
  command: "kubelogin",
  args: ["get-token", "--login", "azurecli", "--server-id", "6dae42f8-4368-4678-94ff-3960e28e3630"],
};

function config(user: Obj): Obj {
  return {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "aks", cluster: { server: SERVER, "certificate-authority-data": "LS0t" } }],
    users: [{ name: "u", user }],
    contexts: [{ name: "aks", context: { cluster: "aks", user: "u" } }],
    "current-context": "aks",
  };
}

const STYLES: [string, (c: Obj) => string][] = [
  ["block YAML", (c) => stringify(c)],
  ["flow YAML", (c) => stringify(c, { collectionStyle: "flow" })],
  ["JSON", (c) => JSON.stringify(c, null, 2)],
  ["one-line JSON", (c) => JSON.stringify(c)],
];

const CREDENTIALS: [string, Obj, string][] = [
  ["a bearer token", { token: "eyJhbGciOi" }, "users[0].user.token"],
  ["a token file", { tokenFile: "/var/run/secrets/token" }, "users[0].user.tokenFile"],
  [
    "an embedded client key",
    { "client-key-data": "LS0tLS1CRUdJTi", "client-certificate-data": "LS0t" },
    "users[0].user.client-key-data",
  ],
  [
    "a client key file",
    { "client-key": "/etc/key.pem", "client-certificate": "/etc/cert.pem" },
    "users[0].user.client-key",
  ],
  ["a password", { username: "admin", password: "hunter2" }, "users[0].user.password"],
  [
    "an auth-provider access token",
    { "auth-provider": { name: "azure", config: { "access-token": "eyJ0", "tenant-id": "t" } } },
    "users[0].user.auth-provider.config.access-token",
  ],
  [
    "an exec plugin with a secret in its environment",
    { exec: { ...KUBELOGIN, env: [{ name: "AAD_SERVICE_PRINCIPAL_CLIENT_SECRET", value: "s3cret" }] } },
    "users[0].user.exec.env[0]",
  ],
  [
    "an exec plugin with a secret in its arguments",
    { exec: { ...KUBELOGIN, args: [...KUBELOGIN.args, "--client-secret", "s3cret"] } },
    "users[0].user.exec.args[5]",
  ],
];

describe("kubeconfigCredentials", () => {
  describe.each(STYLES)("%s", (_style, render) => {
    it("finds none in a kubelogin user", () => {
      const parsed = parseKubeconfig(render(config({ exec: KUBELOGIN })));
      expect(isKubeconfig(parsed)).toBe(true);
      expect(kubeconfigCredentials(parsed!)).toEqual([]);
      expect(() => assertKubeconfigCarriesNoCredentials(render(config({ exec: KUBELOGIN })))).not.toThrow();
    });

    it.each(CREDENTIALS)("finds %s", (_kind, user, where) => {
      const text = render(config(user));
      expect(kubeconfigCredentials(parseKubeconfig(text)!)).toEqual([where]);
      expect(() => assertKubeconfigCarriesNoCredentials(text)).toThrow(/kubeconfig: embeds credentials/);
    });

    it("reads the current context's server", () => {
      expect(kubeconfigServer(parseKubeconfig(render(config({ exec: KUBELOGIN })))!)).toBe(SERVER);
    });
  });

  it("passes non-secret exec settings and a client certificate alone", () => {
    const user = {
      "client-certificate-data": "LS0t",
      exec: { ...KUBELOGIN, env: [{ name: "AZURE_CONFIG_DIR", value: "/home/u/.azure" }] },
    };
    expect(kubeconfigCredentials(config(user))).toEqual([]);
  });
});

describe("kubeconfigServer", () => {
  it("ignores a commented-out server line", () => {
    const text = `# server: https://attacker.example:443\n${stringify(config({ exec: KUBELOGIN }))}`;
    expect(kubeconfigServer(parseKubeconfig(text)!)).toBe(SERVER);
  });

  it("takes the current context's cluster, not the first one", () => {
    const c = config({ exec: KUBELOGIN });
    c.clusters = [{ name: "other", cluster: { server: "https://other:443" } }, ...(c.clusters as Obj[])];
    expect(kubeconfigServer(c)).toBe(SERVER);
  });
});

describe("assertKubeconfigCarriesNoCredentials", () => {
  it.each(["", "not: [a, kubeconfig", "just a string", "- a\n- list\n"])(
    "refuses %j as not a kubeconfig",
    (text) => {
      expect(() => assertKubeconfigCarriesNoCredentials(text)).toThrow(/kubeconfig: is not a kubeconfig/);
    },
  );
});
