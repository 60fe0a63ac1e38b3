/**
 * Pulumi's secret envelope, as the engine serialises it (`sdk/go/common/resource/properties.go`:
 * `SigKey`, `SecretSig`; state files add `ciphertext` or, with `--show-secrets`, `plaintext`).
 *
 * The offline plan never writes a secret value to disk, and an audit never pretends to know a
 * value it could not decrypt: such a value becomes Pulumi's "unknown" sentinel, which policies
 * already treat as "cannot be judged yet".
 */
import { specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";
export const SIG_KEY = specialSigKey;
export const SECRET_SIG = specialSecretSig;
/** The engine's unknown-value sentinel (values not known at preview). */
export const UNKNOWN = unknownValue;
/** What `pulumi preview --json` prints in place of a secret input. */
const PREVIEW_SECRET_MASK = "[secret]";
/** Written in place of the ciphertext: a plan has no secrets provider, and must not leak. */
export const WITHHELD_CIPHERTEXT = "withheld-by-offline-plan";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isSecretEnvelope(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && value[SIG_KEY] === SECRET_SIG;
}

/** Deep map that replaces every secret envelope with `replace(envelope)`. */
function mapSecrets(value: unknown, replace: (envelope: Record<string, unknown>) => unknown): unknown {
  if (isSecretEnvelope(value)) return replace(value);
  if (Array.isArray(value)) return value.map((v) => mapSecrets(v, replace));
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = mapSecrets(v, replace);
    return out;
  }
  return value;
}

/** Recorded SDK inputs carry `{sig, value}` envelopes; policies see the plain value (as CrossGuard does). */
export function unwrapSecrets(value: unknown): unknown {
  return mapSecrets(value, (env) => unwrapSecrets(env.value));
}

/** For writing state: every secret becomes an envelope without its value. */
export function withholdSecrets(value: unknown): unknown {
  return mapSecrets(value, () => ({ [SIG_KEY]: SECRET_SIG, ciphertext: WITHHELD_CIPHERTEXT }));
}

/** True when any secret envelope occurs in `value`. */
export function containsSecret(value: unknown): boolean {
  let found = false;
  mapSecrets(value, (env) => {
    found = true;
    return env;
  });
  return found;
}

/**
 * For reading state or preview output: `plaintext` (from `--show-secrets`) is JSON-decoded, a
 * ciphertext or the preview mask becomes the unknown sentinel.
 */
export function revealOrUnknown(value: unknown): unknown {
  if (value === PREVIEW_SECRET_MASK) return UNKNOWN;
  if (isSecretEnvelope(value)) {
    if (typeof value.plaintext === "string") {
      try {
        return revealOrUnknown(JSON.parse(value.plaintext));
      } catch {
        return value.plaintext;
      }
    }
    if ("value" in value) return revealOrUnknown(value.value);
    return UNKNOWN;
  }
  if (Array.isArray(value)) return value.map(revealOrUnknown);
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = revealOrUnknown(v);
    return out;
  }
  return value;
}
