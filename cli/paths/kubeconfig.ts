/**
 * Reads a kubeconfig (YAML or JSON) into what a read-only client needs: the server URL, its CA, and
 * one way to authenticate (bearer token, token file, client certificate, or an exec credential
 * plugin such as kubelogin, run as kubectl runs it: `client.authentication.k8s.io` ExecCredential on
 * stdout). Every problem names the key and the value that is wrong.
 */
import { spawnSync } from "child_process";
import { readFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";
import { InputError } from "../exit-codes";

export interface Connection {
  server: string;
  ca?: string;
  insecure: boolean;
  token?: string;
  cert?: string;
  key?: string;
  context: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function named(list: unknown, key: string, name: string, file: string, field: string): Obj {
  const entries = Array.isArray(list) ? list.filter(isObj) : [];
  const found = entries.find((e) => e.name === name);
  if (!found || !isObj(found[key]))
    throw new InputError(
      `kubeconfig ${file}: ${field}: no entry named ${JSON.stringify(name)} (have: ${entries.map((e) => String(e.name)).join(", ") || "none"})`,
    );
  return found[key];
}

function fileOrData(entry: Obj, fileKey: string, dataKey: string, dir: string): string | undefined {
  if (typeof entry[dataKey] === "string") return Buffer.from(entry[dataKey], "base64").toString("utf8");
  if (typeof entry[fileKey] === "string") return readFileSync(path.resolve(dir, entry[fileKey]), "utf8");
  return undefined;
}

function execCredential(exec: Obj, file: string): { token?: string; cert?: string; key?: string } {
  if (typeof exec.command !== "string")
    throw new InputError(
      `kubeconfig ${file}: users[].user.exec.command: must be a string (got ${JSON.stringify(exec.command)})`,
    );
  const env = { ...process.env };
  for (const e of Array.isArray(exec.env) ? exec.env.filter(isObj) : [])
    env[String(e.name)] = String(e.value);
  const run = spawnSync(exec.command, Array.isArray(exec.args) ? exec.args.map(String) : [], {
    env,
    encoding: "utf8",
    timeout: 60_000,
  });
  if (run.status !== 0)
    throw new InputError(
      `kubeconfig ${file}: exec credential plugin ${exec.command} failed (${run.error?.message ?? `exit ${run.status}`}): ${(run.stderr ?? "").trim().slice(0, 200)}`,
    );
  let status: Obj;
  try {
    status = (JSON.parse(run.stdout) as Obj).status as Obj;
  } catch {
    throw new InputError(
      `kubeconfig ${file}: exec credential plugin ${exec.command} did not print an ExecCredential`,
    );
  }
  return {
    token: typeof status?.token === "string" ? status.token : undefined,
    cert: typeof status?.clientCertificateData === "string" ? status.clientCertificateData : undefined,
    key: typeof status?.clientKeyData === "string" ? status.clientKeyData : undefined,
  };
}

export function readKubeconfig(file: string, context?: string): Connection {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, "utf8"));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(
      `kubeconfig ${file}: cannot read (${code === "ENOENT" ? "no such file" : ((err as Error).message.split("\n")[0] ?? code)})`,
    );
  }
  if (!isObj(doc))
    throw new InputError(`kubeconfig ${file}: expected a kubeconfig mapping, got ${typeof doc}`);
  const name = context ?? (typeof doc["current-context"] === "string" ? doc["current-context"] : undefined);
  if (!name) throw new InputError(`kubeconfig ${file}: current-context: not set; pass --context`);
  const ctx = named(doc.contexts, "context", name, file, "contexts");
  const cluster = named(
    doc.clusters,
    "cluster",
    String(ctx.cluster),
    file,
    `contexts[${name}].context.cluster`,
  );
  const user =
    ctx.user === undefined
      ? {}
      : named(
          doc.users,
          "user",
          typeof ctx.user === "string" ? ctx.user : JSON.stringify(ctx.user),
          file,
          `contexts[${name}].context.user`,
        );
  const dir = path.dirname(path.resolve(file));
  if (typeof cluster.server !== "string" || !/^https:\/\//.test(cluster.server))
    throw new InputError(
      `kubeconfig ${file}: clusters[${String(ctx.cluster)}].cluster.server: must be an https:// URL (got ${JSON.stringify(cluster.server)})`,
    );
  const fromExec = isObj(user.exec) ? execCredential(user.exec, file) : {};
  const tokenFile =
    typeof user.tokenFile === "string"
      ? readFileSync(path.resolve(dir, user.tokenFile), "utf8").trim()
      : undefined;
  return {
    server: cluster.server.replace(/\/+$/, ""),
    ca: fileOrData(cluster, "certificate-authority", "certificate-authority-data", dir),
    insecure: cluster["insecure-skip-tls-verify"] === true,
    token: (typeof user.token === "string" ? user.token : undefined) ?? tokenFile ?? fromExec.token,
    cert: fileOrData(user, "client-certificate", "client-certificate-data", dir) ?? fromExec.cert,
    key: fileOrData(user, "client-key", "client-key-data", dir) ?? fromExec.key,
    context: name,
  };
}
