// Claims a lecture makes, checked in code: a failed claim stops the notebook with its statement.
// The forms below, below/above/within, carry the measured value and its bound, print both when the
// claim holds ("✓ test negative ELBO 92.84 nats < 95") and name value, bound, seed and backend when
// it does not. The claims report (npm run lectures -- --seeds ...) collects the printed lines.
// With VI_CLAIMS=continue in the kernel's environment a failed claim prints "✗ claim failed: ..." on
// stderr and the notebook goes on, so a survey over seeds sees every claim's value under every seed.
import * as tf from './tf';
import { LectureError, ParameterError } from './errors';

export class ClaimError extends LectureError {}

let runSeed: number | undefined;

/** Records the seed a notebook runs with (its first cell calls it), for the message of a failed claim. */
export function noteSeed(seed: number): void {
  runSeed = seed;
}

/** The environment's VI_CLAIMS: 'stop' (unset) throws at a failed claim, 'continue' reports it. */
function onFailure(): 'stop' | 'continue' {
  const mode = process.env.VI_CLAIMS ?? 'stop';
  if (mode !== 'stop' && mode !== 'continue') {
    throw new ParameterError(`VI_CLAIMS is '${mode}'`, "set VI_CLAIMS to 'stop' or 'continue', or unset it");
  }
  return mode;
}

/** Throws ClaimError, or with VI_CLAIMS=continue prints the failure and returns. */
function fail(statement: string): void {
  const where = `SEED = ${runSeed ?? 'unknown'}, backend ${tf.getBackend() ?? 'none'}`;
  const problem = `claim failed: ${statement} (${where})`;
  if (onFailure() === 'continue') {
    console.error(`✗ ${problem}`);
    return;
  }
  throw new ClaimError(problem, 'the lecture\'s result did not hold for this run; report the seed and backend above');
}

/** A number as a claim prints it: 4 significant digits, or exponent form when very small or large. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(2);
  return Number(v.toPrecision(4)).toString();
}

const withUnit = (v: number, unit?: string) => `${formatValue(v)}${unit ? ` ${unit}` : ''}`;

/** Prints the verified statement when `ok` holds; otherwise fails as VI_CLAIMS says (see fail). */
function plainClaim(ok: boolean, statement: string): void {
  if (!ok) {
    fail(statement);
    return;
  }
  console.log(`✓ ${statement}`);
}

/** Claims value < bound. */
function below(value: number, bound: number, what: string, unit?: string): void {
  const statement = `${what} ${withUnit(value, unit)} < ${formatValue(bound)}`;
  if (!(value < bound)) {
    fail(`${what} ${withUnit(value, unit)} is not below ${formatValue(bound)}`);
    return;
  }
  console.log(`✓ ${statement}`);
}

/** Claims value > bound. */
function above(value: number, bound: number, what: string, unit?: string): void {
  const statement = `${what} ${withUnit(value, unit)} > ${formatValue(bound)}`;
  if (!(value > bound)) {
    fail(`${what} ${withUnit(value, unit)} is not above ${formatValue(bound)}`);
    return;
  }
  console.log(`✓ ${statement}`);
}

/** Claims |value − target| <= tolerance. */
function within(value: number, target: number, tolerance: number, what: string, unit?: string): void {
  const gap = Math.abs(value - target);
  const statement = `${what} ${withUnit(value, unit)} is within ${formatValue(tolerance)} of ${formatValue(target)}`;
  if (!(gap <= tolerance)) {
    fail(`${what} ${withUnit(value, unit)} is ${formatValue(gap)} from ${formatValue(target)}, more than ${formatValue(tolerance)}`);
    return;
  }
  console.log(`✓ ${statement}`);
}

/** `claim(ok, statement)`, and the forms with a value and a bound: claim.below, .above, .within. */
export const claim = Object.assign(plainClaim, { below, above, within });
