/**
 * The threat report's verdicts, read from the policy pack's verdicts through the threat registry
 * (`conventions/threats.ts`): a control is missing when one of its pack policies reports a
 * violation (at any level: advisory means "not blocking", not "fine"), unchecked when the policy
 * config disables one of them or one could not decide at preview, and present when the stack declares what the control concerns and
 * its policies found nothing. There are no rules here: what the pack refuses is what the report
 * calls missing, so the two can never disagree.
 */
import { THREAT_CONTROLS, THREAT_SCENARIOS, type Carrier, type ThreatControl } from "../conventions/threats";
import type { PolicyViolation } from "../policy-pack/evaluate";
import type { PlannedResource } from "./resources";
import { parseUrn } from "./resources";
import { unwrapSecrets } from "./secrets";

export type ControlState = "present" | "missing" | "unchecked" | "not-applicable";

export interface ControlFinding {
  id: string;
  title: string;
  state: ControlState;
  /** Resources that carry the control (present) or break it (missing). */
  resources: string[];
  /** Why: the violations, the disabled guards, or what the stack declares. */
  detail: string;
  /** The guards' violations (missing only). */
  violations: PolicyViolation[];
}

export interface ScenarioVerdict {
  id: string;
  title: string;
  /**
   * `unverified`: nothing is missing, but a guard was disabled by the policy config or could not
   * decide at preview, or the stack carries none of the scenario's controls.
   */
  verdict: "defended" | "exposed" | "unverified";
  controls: ControlFinding[];
}

interface Declared {
  provider: string;
  kind: string;
  name: string;
  label: string;
}

function declared(resources: PlannedResource[]): Declared[] {
  return resources
    .filter((r) => r.custom)
    .map((r) => {
      const kind = r.type.split(":").pop() ?? r.type;
      const meta = (unwrapSecrets(r.inputs) as { metadata?: { name?: unknown; namespace?: unknown } })
        .metadata;
      const name = typeof meta?.name === "string" ? meta.name : parseUrn(r.urn).name;
      const namespace = typeof meta?.namespace === "string" ? `${meta.namespace}/` : "";
      return { provider: r.type.split(":")[0], kind, name, label: `${kind} ${namespace}${name}` };
    });
}

const carries = (d: Declared, carriers: readonly Carrier[]) =>
  carriers.some(
    (c) =>
      c.provider === d.provider &&
      (c.kind === "*" || c.kind === d.kind) &&
      (c.name === undefined || c.name === d.name),
  );

/** The evaluator's note that a policy met a value known only at `up`: undecided, not a violation. */
const isDeferral = (v: PolicyViolation) =>
  v.message.startsWith(`can't run policy '${v.policyName}' during preview`);

const listed = (items: readonly string[]) => items.map((i) => `\`${i}\``).join(", ");

function violationLabel(v: PolicyViolation): string {
  if (v.resourceType && v.resourceName) return `${v.resourceType.split(":").pop()} ${v.resourceName}`;
  return v.urn ? parseUrn(v.urn).name : "the stack";
}

function judgeControl(
  id: string,
  control: ThreatControl,
  stack: Declared[],
  violations: PolicyViolation[],
  enabled: ReadonlySet<string>,
): ControlFinding {
  const base = { id, title: control.title, violations: [] as PolicyViolation[] };
  const mine = violations.filter((v) => control.pack.includes(v.policyName));
  const own = mine.filter((v) => !isDeferral(v));
  if (own.length > 0) {
    return {
      ...base,
      state: "missing",
      resources: [...new Set(own.map(violationLabel))],
      detail: own.map((v) => `${v.policyName} (${v.enforcementLevel}): ${v.message}`).join(" "),
      violations: own,
    };
  }
  const deferred = [...new Set(mine.filter(isDeferral).map((v) => v.policyName))];
  if (deferred.length > 0) {
    return {
      ...base,
      state: "unchecked",
      resources: [],
      detail: `${listed(deferred)} could not decide at preview (a value known only at \`up\`)`,
    };
  }
  const disabled = control.pack.filter((p) => !enabled.has(p));
  if (disabled.length > 0) {
    return {
      ...base,
      state: "unchecked",
      resources: [],
      detail: `its guard ${listed(disabled)} is disabled by the policy config`,
    };
  }
  if (control.pack.length === 0) {
    return {
      ...base,
      state: "not-applicable",
      resources: [],
      detail: `enforced in the cluster only (${listed(control.admission)}): ${control.noPack ?? ""}`,
    };
  }
  const carriers = stack.filter((d) => carries(d, control.carriers));
  if (control.carriers.length > 0 && carriers.length === 0) {
    const kinds = [...new Set(control.carriers.map((c) => c.kind))];
    return {
      ...base,
      state: "not-applicable",
      resources: [],
      detail: `this stack declares no ${kinds.join(", ")}`,
    };
  }
  return {
    ...base,
    state: "present",
    resources: carriers.map((c) => c.label),
    detail: `${listed(control.pack)} found nothing to refuse`,
  };
}

/**
 * Every scenario with its controls judged. `enabledPolicies`: the pack policies the policy config
 * left on (a disabled guard makes its control unchecked, not present).
 */
export function assessScenarios(
  resources: PlannedResource[],
  violations: PolicyViolation[],
  enabledPolicies: ReadonlySet<string>,
): ScenarioVerdict[] {
  const stack = declared(resources);
  const controls = new Map(
    Object.entries(THREAT_CONTROLS as Record<string, ThreatControl>).map(([id, c]) => [
      id,
      judgeControl(id, c, stack, violations, enabledPolicies),
    ]),
  );
  return THREAT_SCENARIOS.map((s) => {
    const findings = s.controls.map((id) => controls.get(id)!);
    // Nothing present is nothing proved: a stack that carries none of the controls is not "defended".
    const verdict = findings.some((f) => f.state === "missing")
      ? "exposed"
      : findings.some((f) => f.state === "unchecked") || !findings.some((f) => f.state === "present")
        ? "unverified"
        : "defended";
    return { id: s.id, title: s.attack, verdict, controls: findings };
  });
}
