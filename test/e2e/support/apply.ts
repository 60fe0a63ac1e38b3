/**
 * Applies converted manifests to a real API server the way the Pulumi provider does: server-side
 * apply, in dependency order, CRDs waited for until Established before any object of theirs.
 * Rejections are collected (not thrown) so one run reports every object the server refuses.
 */
import { AAD_POD_IDENTITY_GROUP } from "../../../conventions/kubernetes";
import { applyRank, type ConvertedManifest, type Manifest } from "../../../testing/manifests";
import type { KubeClient } from "./client";
import { messageOf } from "./verdict";

/** The field manager of everything the attack suites apply themselves (blueprint, baseline, grants). */
export const FIELD_MANAGER = "aks-hardening-e2e";

export interface Rejection {
  urn: string;
  object: string;
  status: number;
  message: string;
}

/** `apiVersion/kind namespace/name`, for messages. */
export function describeObject(c: ConvertedManifest): string {
  const { apiVersion, kind, metadata } = c.manifest;
  return `${apiVersion} ${kind} ${metadata.namespace ? `${metadata.namespace}/` : ""}${metadata.name}`;
}

async function waitEstablished(client: KubeClient, crdName: string): Promise<string | undefined> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const res = await client.request(
      "GET",
      `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crdName}`,
    );
    const conditions =
      (res.body?.status as { conditions?: { type: string; status: string }[] })?.conditions ?? [];
    if (conditions.some((c) => c.type === "Established" && c.status === "True")) return undefined;
    await new Promise((r) => setTimeout(r, 200));
  }
  return `CRD ${crdName} not Established within 30 s`;
}

/** Retries discovery-dependent applies briefly: a new CRD's group may show up a moment late. */
async function applyOne(client: KubeClient, c: ConvertedManifest, fieldManager: string) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await client.apply(c.manifest, c.patch ? `${fieldManager}-patch` : fieldManager);
    } catch (err) {
      if (attempt >= 20 || !String(err).includes("serves no kind")) throw err;
      client.refreshDiscovery();
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

export async function applyManifests(
  client: KubeClient,
  manifests: ConvertedManifest[],
  fieldManager: string,
): Promise<Rejection[]> {
  const rejections: Rejection[] = [];
  let crdsPending = false;
  for (const c of manifests) {
    if (c.customResource && crdsPending) {
      client.refreshDiscovery();
      crdsPending = false;
    }
    let status: number;
    let message: string;
    try {
      const res = await applyOne(client, c, fieldManager);
      status = res.status;
      message = messageOf(res);
    } catch (err) {
      status = 0;
      message = String(err);
    }
    if (status < 200 || status >= 300) {
      rejections.push({ urn: c.urn, object: describeObject(c), status, message });
      continue;
    }
    if (c.manifest.kind === "CustomResourceDefinition") {
      const notEstablished = await waitEstablished(client, c.manifest.metadata.name);
      if (notEstablished)
        rejections.push({ urn: c.urn, object: describeObject(c), status, message: notEstablished });
      crdsPending = true;
    }
  }
  return rejections;
}

/**
 * Plain manifests (not recorded from the program) as `applyManifests` takes them: URNs named after
 * `source`, pod-identity kinds marked as custom resources, in apply order.
 */
export function asConverted(manifests: Manifest[], source: string): ConvertedManifest[] {
  return manifests
    .map((manifest) => ({
      urn: `${source}:${manifest.kind}/${manifest.metadata.name}`,
      patch: false,
      customResource: manifest.apiVersion.startsWith(`${AAD_POD_IDENTITY_GROUP}/`),
      manifest,
    }))
    .sort((a, b) => applyRank(a) - applyRank(b));
}

/** Applies plain manifests (`asConverted`) with `FIELD_MANAGER`; throws with every rejection, if any. */
export async function applyOrThrow(client: KubeClient, manifests: Manifest[], what: string): Promise<void> {
  const rejections = await applyManifests(client, asConverted(manifests, what), FIELD_MANAGER);
  if (rejections.length > 0) {
    throw new Error(`${what}: ${rejections.map((r) => `${r.object}: ${r.status} ${r.message}`).join("\n")}`);
  }
}

/**
 * ValidatingAdmissionPolicies take effect asynchronously (the apiserver's policy informer), and
 * without kube-controller-manager `status.typeChecking` is never filled in. So "the policy is live"
 * is observed the only honest way: poll until a request the policy must deny is denied by it.
 */
export async function waitForPolicy(probe: () => Promise<string | undefined>, policy: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if ((await probe()) === policy) return;
    if (Date.now() > deadline) throw new Error(`admission policy ${policy} did not take effect within 30 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
