/**
 * The `pulumi stack export` format (`UntypedDeployment` wrapping a `DeploymentV3`, field names from
 * pulumi/pulumi `sdk/go/common/apitype/core.go`): written by `plan --out`, read by `audit`.
 */
import { createHash } from "crypto";
import { InputError } from "./exit-codes";
import type { PlannedResource } from "./resources";
import { revealOrUnknown, withholdSecrets } from "./secrets";

export interface ResourceV3 {
  urn: string;
  custom: boolean;
  delete?: boolean;
  id?: string;
  type: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  parent?: string;
  dependencies?: string[];
  provider?: string;
  propertyDependencies?: Record<string, string[]>;
  [other: string]: unknown;
}

export interface DeploymentV3 {
  manifest: { time: string; magic: string; version: string; plugins?: unknown[] };
  secrets_providers?: { type: string; state?: unknown };
  resources?: ResourceV3[];
  pending_operations?: unknown[];
}

export interface UntypedDeployment {
  version: number;
  deployment: DeploymentV3;
}

/** The engine's integrity cookie: hex SHA-256 of the manifest version (`Manifest.NewMagic`). */
export function manifestMagic(version: string): string {
  return version === "" ? "" : createHash("sha256").update(version).digest("hex");
}

/**
 * Builds a version-3 deployment from planned resources. Secrets are written as envelopes without
 * their value: the plan has no secrets provider, so the file is for reading, not for `stack import`.
 */
export function toStackExport(
  resources: PlannedResource[],
  engineVersion: string,
  now: Date = new Date(),
): UntypedDeployment {
  return {
    version: 3,
    deployment: {
      manifest: { time: now.toISOString(), magic: manifestMagic(engineVersion), version: engineVersion },
      resources: resources.map((r) => {
        const out: ResourceV3 = { urn: r.urn, custom: r.custom, type: r.type };
        if (r.custom && r.id) out.id = r.id;
        out.inputs = withholdSecrets(r.inputs) as Record<string, unknown>;
        if (r.outputs) out.outputs = withholdSecrets(r.outputs) as Record<string, unknown>;
        if (r.parent) out.parent = r.parent;
        out.dependencies = r.dependencies;
        if (r.provider) out.provider = r.provider;
        return out;
      }),
    },
  };
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  return value === null ? "null" : typeof value;
}

/**
 * Reads a deployment, either wrapped (`{version, deployment}`, what `pulumi stack export` prints) or
 * bare (`{manifest, resources}`). Every structural problem is an `InputError` naming the field.
 */
export function fromStackExport(doc: Record<string, unknown>, file: string): PlannedResource[] {
  let deployment: unknown = doc;
  if ("deployment" in doc) {
    if (doc.version !== undefined && doc.version !== 3) {
      throw new InputError(
        `${file}: deployment version ${JSON.stringify(doc.version)} is not supported (expected 3, what pulumi stack export writes today)`,
      );
    }
    deployment = doc.deployment;
  }
  if (typeof deployment !== "object" || deployment === null || Array.isArray(deployment)) {
    throw new InputError(`${file}: "deployment" must be an object, got ${describe(deployment)}`);
  }
  const resources = (deployment as DeploymentV3).resources ?? [];
  if (!Array.isArray(resources)) {
    throw new InputError(`${file}: "deployment.resources" must be an array, got ${describe(resources)}`);
  }
  return resources
    .map((r, i) => {
      const where = `${file}: deployment.resources[${i}]`;
      if (typeof r !== "object" || r === null)
        throw new InputError(`${where} must be an object, got ${describe(r)}`);
      if (typeof r.urn !== "string")
        throw new InputError(`${where}.urn must be a string, got ${describe(r.urn)}`);
      if (typeof r.type !== "string")
        throw new InputError(`${where}.type must be a string, got ${describe(r.type)}`);
      return r;
    })
    .filter((r) => !r.delete)
    .map((r) => ({
      urn: r.urn,
      type: r.type,
      custom: r.custom === true,
      id: typeof r.id === "string" ? r.id : undefined,
      parent: typeof r.parent === "string" && r.parent !== "" ? r.parent : undefined,
      dependencies: Array.isArray(r.dependencies) ? r.dependencies.filter((d) => typeof d === "string") : [],
      provider: typeof r.provider === "string" && r.provider !== "" ? r.provider : undefined,
      inputs: revealOrUnknown(r.inputs ?? {}) as Record<string, unknown>,
      outputs: r.outputs ? (revealOrUnknown(r.outputs) as Record<string, unknown>) : undefined,
    }));
}
