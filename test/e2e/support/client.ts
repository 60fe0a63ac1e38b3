/**
 * A minimal Kubernetes REST client over node:https, authenticated with a bearer token: enough for
 * server-side apply, creates and subresource attempts, and it returns refusals instead of throwing
 * so that tests can look at WHO refused (status code + Status message).
 */
import * as https from "node:https";

/** What the API server answered. */
export interface ApiResponse {
  status: number;
  /** Parsed JSON body (a `Status` object on errors), or `undefined` when the body is not JSON. */
  body: Record<string, unknown> | undefined;
  /** The raw body text (error messages of non-JSON answers, e.g. upgrade-required). */
  text: string;
}

export interface RequestOptions {
  body?: unknown;
  contentType?: string;
  query?: Record<string, string>;
}

/** Where the API server listens and the CA that signed its serving certificate. */
export interface ServerEndpoint {
  url: string;
  ca: string;
}

export class KubeClient {
  /** Discovery cache: `group/version` -> resources of that group version. */
  private readonly discovery = new Map<string, { name: string; kind: string; namespaced: boolean }[]>();

  constructor(
    readonly server: ServerEndpoint,
    private readonly token: string,
    /** Who this client is, for messages and the summary table. */
    readonly user: string,
  ) {}

  request(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
    const url = new URL(path, this.server.url);
    for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        {
          method,
          ca: this.server.ca,
          headers: {
            authorization: `Bearer ${this.token}`,
            accept: "application/json",
            ...(payload === undefined
              ? {}
              : {
                  "content-type": options.contentType ?? "application/json",
                  "content-length": Buffer.byteLength(payload),
                }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let body: Record<string, unknown> | undefined;
            try {
              body = JSON.parse(text) as Record<string, unknown>;
            } catch {
              body = undefined;
            }
            resolve({ status: res.statusCode ?? 0, body, text });
          });
        },
      );
      req.on("error", reject);
      req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path}: no answer in 30 s`)));
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** The REST path of an object (or of its collection when `name` is omitted), via API discovery. */
  async pathOf(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name?: string,
  ): Promise<string> {
    let resources = this.discovery.get(apiVersion);
    if (!resources) {
      const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      const res = await this.request("GET", base);
      if (res.status !== 200) throw new Error(`discovery of ${apiVersion} failed: ${res.status} ${res.text}`);
      resources = (
        (res.body?.resources as { name: string; kind: string; namespaced: boolean }[]) ?? []
      ).filter((r) => !r.name.includes("/"));
      this.discovery.set(apiVersion, resources);
    }
    const resource = resources.find((r) => r.kind === kind);
    if (!resource) throw new Error(`the API server serves no kind ${kind} in ${apiVersion}`);
    const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const scope = resource.namespaced ? `/namespaces/${namespace ?? "default"}` : "";
    return `${base}${scope}/${resource.name}${name === undefined ? "" : `/${name}`}`;
  }

  /** Forgets discovery (call after CRDs are established: their groups appear only then). */
  refreshDiscovery(): void {
    this.discovery.clear();
  }

  /**
   * Server-side apply (what `kubectl apply --server-side` and the Pulumi provider do): PATCH with
   * `application/apply-patch+yaml` (JSON is YAML) under `fieldManager`.
   */
  async apply(
    manifest: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } },
    fieldManager: string,
  ): Promise<ApiResponse> {
    const path = await this.pathOf(
      manifest.apiVersion,
      manifest.kind,
      manifest.metadata.namespace,
      manifest.metadata.name,
    );
    return this.request("PATCH", path, {
      body: manifest,
      contentType: "application/apply-patch+yaml",
      query: { fieldManager, force: "true" },
    });
  }

  /** A plain create (POST), as a user would do with `kubectl create`. */
  async create(manifest: {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string };
  }): Promise<ApiResponse> {
    const path = await this.pathOf(manifest.apiVersion, manifest.kind, manifest.metadata.namespace);
    return this.request("POST", path, { body: manifest });
  }
}
