/**
 * Preview-safe checking.
 *
 * The policy server hands policies their props wrapped in `unknownCheckingProxy`: reading a value
 * that is unknown at preview (an output of a resource not yet created) throws `UnknownValueError`,
 * and the server turns that into an *advisory* "can't run policy during preview" note. A policy that
 * read an unknown first would therefore skip every later check, including checks of known insecure
 * literals. A `Judge` runs each check on its own: a check that meets an unknown is deferred (to
 * `up`, when inputs are resolved), the others still report. `finish()` then rethrows the first
 * unknown so that the engine still tells the user which rule could not decide yet.
 */
import type { ReportViolation } from "@pulumi/policy";
import { UnknownValueError } from "./policy-runtime";

/** Marks a value that cannot be known before `up`. */
export const UNKNOWN: unique symbol = Symbol("unknown until up");
export type Unknowable<T> = T | typeof UNKNOWN;

export class Judge {
  private deferred?: Error;

  constructor(private readonly reportViolation: ReportViolation) {}

  /** Runs `read`; an unknown value yields `UNKNOWN` (and is remembered) instead of throwing. */
  read<T>(read: () => T): Unknowable<T> {
    try {
      return read();
    } catch (e) {
      if (e instanceof UnknownValueError) {
        this.deferred ??= e;
        return UNKNOWN;
      }
      if (e instanceof TypeError) {
        this.malformed(e);
        return UNKNOWN;
      }
      throw e;
    }
  }

  private refusedMalformed = false;

  /**
   * A check that met a value of the wrong type (a string where a list belongs...) cannot judge it;
   * the API server would refuse such an object, so the policy refuses it too (once per resource)
   * instead of crashing the whole preview.
   */
  malformed(e: TypeError): void {
    if (this.refusedMalformed) return;
    this.refusedMalformed = true;
    this.reportViolation(`malformed input, refused: a field has the wrong type (${e.message}).`);
  }

  /** Reports `message` when `isViolation()` holds; a check that meets an unknown is deferred. */
  check(isViolation: () => boolean, message: string | (() => string), urn?: string): void {
    const verdict = this.read(isViolation);
    if (verdict === true) this.report(typeof message === "string" ? message : message(), urn);
  }

  /** Reports unconditionally (the caller already decided on known values). */
  report(message: string, urn?: string): void {
    this.reportViolation(message, urn);
  }

  /**
   * The known elements of a list (an absent list is empty), and whether the list was complete. An
   * unknown list or element is remembered and skipped, so that known elements beside it are still
   * judged; `complete: false` tells a caller that "not found" cannot be decided yet.
   */
  list<T>(list: () => readonly T[] | undefined | null): { known: T[]; complete: boolean } {
    const whole = this.read(list);
    if (whole === UNKNOWN) return { known: [], complete: false };
    if (whole === undefined || whole === null || !Array.isArray(whole)) return { known: [], complete: true };
    const known: T[] = [];
    for (let i = 0; i < whole.length; i++) {
      const item = this.read(() => whole[i]);
      if (item !== UNKNOWN) known.push(item);
    }
    return { known, complete: known.length === whole.length };
  }

  /** The known elements of a list (see `list`). */
  items<T>(list: () => readonly T[] | undefined | null): T[] {
    return this.list(list).known;
  }

  /** The known entries of a string map (labels, annotations, add-on profiles), and completeness. */
  map<T>(map: () => Record<string, T> | undefined | null): { known: [string, T][]; complete: boolean } {
    const whole = this.read(map);
    if (whole === UNKNOWN) return { known: [], complete: false };
    if (whole === undefined || whole === null || typeof whole !== "object")
      return { known: [], complete: true };
    const known: [string, T][] = [];
    const keys = Object.keys(whole);
    for (const key of keys) {
      const value = this.read(() => whole[key]);
      if (value !== UNKNOWN) known.push([key, value]);
    }
    return { known, complete: known.length === keys.length };
  }

  /** The known entries of a string map (see `map`). */
  entries<T>(map: () => Record<string, T> | undefined | null): [string, T][] {
    return this.map(map).known;
  }

  /** Rethrows the first unknown, so that the engine reports what could not be decided at preview. */
  finish(): void {
    if (this.deferred) throw this.deferred;
  }
}

/** Runs `body` with a fresh `Judge` and finishes it (the usual shape of a validation). */
export function judged(report: ReportViolation, body: (judge: Judge) => void): void {
  const judge = new Judge(report);
  try {
    body(judge);
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    judge.malformed(e);
  }
  judge.finish();
}

/**
 * Resource props as policies read them: untyped JSON behind the unknown-checking proxy. Every read
 * goes through a `Judge`, which is what makes the loose typing safe (a missing or unknown value is
 * handled there, not by the type system).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Props = Record<string, any>;
