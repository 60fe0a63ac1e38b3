/**
 * Which layer refused a request, read from the API server's answer. Each layer words its refusal
 * differently, so the test can insist on the layer it expects rather than on "some 403":
 * - RBAC (authorizer):  `... is forbidden: User "x" cannot create resource "pods" ... in the namespace "y"`
 * - Pod Security Admission: `... is forbidden: violates PodSecurity "restricted:v1.34": ...`
 * - ValidatingAdmissionPolicy: `... ValidatingAdmissionPolicy 'name' with binding 'b' denied request: ...`
 * - ResourceQuota admission: `... is forbidden: exceeded quota: <name>, requested: ...`
 */
import type { ApiResponse } from "./client";

export type Layer = "rbac" | "psa" | "admission-policy" | "quota";

export type Verdict =
  /** 2xx: the object was created / the request succeeded. */
  | { outcome: "allowed"; status: number }
  /**
   * Authorized and admitted, but the request failed afterwards for a reason that is not a control
   * (e.g. exec into a pod that no kubelet runs: "does not have a host assigned").
   */
  | { outcome: "authorized"; status: number; message: string }
  | { outcome: "refused"; layer: Layer; status: number; message: string; policy?: string; quota?: string };

/**
 * `allowed` also accepts "authorized": past RBAC and admission, failing later only because no
 * kubelet runs here. For admission policies, any of `policies` (several may deny the same request;
 * the server reports one).
 */
export type Expectation =
  | { refusedBy: Exclude<Layer, "admission-policy" | "quota"> }
  | { refusedBy: "quota"; quota: string }
  | { refusedBy: "admission-policy"; policies: string[] }
  | "allowed";

const VAP_DENIAL = /ValidatingAdmissionPolicy '([^']+)' with binding '[^']+' denied request/;
const RBAC_DENIAL = /forbidden: User "[^"]+" cannot [a-z]+ resource/;
const QUOTA_DENIAL = /forbidden: exceeded quota: ([^,]+),/;

export function messageOf(res: ApiResponse): string {
  const message = res.body?.message;
  return typeof message === "string" ? message : res.text.trim();
}

export function verdictOf(res: ApiResponse): Verdict {
  if (res.status >= 200 && res.status < 300) return { outcome: "allowed", status: res.status };
  const message = messageOf(res);
  const policy = VAP_DENIAL.exec(message)?.[1];
  if (policy) return { outcome: "refused", layer: "admission-policy", policy, status: res.status, message };
  if (res.status === 403 && message.includes("violates PodSecurity")) {
    return { outcome: "refused", layer: "psa", status: res.status, message };
  }
  const quota = QUOTA_DENIAL.exec(message)?.[1];
  if (res.status === 403 && quota)
    return { outcome: "refused", layer: "quota", quota, status: res.status, message };
  if (res.status === 403 && RBAC_DENIAL.test(message))
    return { outcome: "refused", layer: "rbac", status: res.status, message };
  if (res.status === 403 || res.status === 401) {
    // A refusal we cannot attribute is a test failure, not a pass: say what came back.
    throw new Error(`unattributed refusal ${res.status}: ${message}`);
  }
  return { outcome: "authorized", status: res.status, message };
}

/** Short text for the summary table. */
export function describeVerdict(v: Verdict): string {
  if (v.outcome === "allowed") return `allowed (${v.status})`;
  if (v.outcome === "authorized")
    return `allowed past authz+admission (${v.status}: ${v.message.slice(0, 50)})`;
  if (v.layer === "admission-policy") return `refused by VAP ${v.policy}`;
  if (v.layer === "quota") return `refused by ResourceQuota ${v.quota}`;
  return v.layer === "psa" ? "refused by PSA (restricted)" : "refused by RBAC";
}

/** Throws, saying what came back, unless `verdict` is what `expected` asks for (`where`: the cluster). */
export function checkVerdict(verdict: Verdict, expected: Expectation, where: string): void {
  const detail = `${where}: got ${describeVerdict(verdict)}${verdict.outcome !== "allowed" ? ` — ${verdict.message}` : ""}`;
  if (expected === "allowed") {
    if (verdict.outcome === "refused") throw new Error(`expected the attack to get through; ${detail}`);
    return;
  }
  if (verdict.outcome !== "refused" || verdict.layer !== expected.refusedBy)
    throw new Error(`expected a refusal by ${expected.refusedBy}; ${detail}`);
  if (expected.refusedBy === "quota" && verdict.quota !== expected.quota)
    throw new Error(`expected a refusal by ResourceQuota ${expected.quota}; ${detail}`);
  if (expected.refusedBy === "admission-policy" && !expected.policies.includes(verdict.policy ?? "")) {
    throw new Error(`expected a refusal by one of ${expected.policies.join(", ")}; ${detail}`);
  }
}
