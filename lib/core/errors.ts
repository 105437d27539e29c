// Typed errors whose messages always say what went wrong and how to fix it.

/** Base class: `problem` says what is wrong, `fix` says what to do about it. */
export class LectureError extends Error {
  constructor(readonly problem: string, readonly fix: string) {
    super(`${problem}. Fix: ${fix}`);
    this.name = new.target.name;
  }
}

/** A tensor or array has the wrong shape. */
export class ShapeError extends LectureError {}

/** A parameter value is out of its allowed range (NaN, negative scale, probability outside [0,1], ...). */
export class ParameterError extends LectureError {}

/** A data file is missing or does not have the expected format. */
export class DataError extends LectureError {}

/** A backend could not be set up. */
export class BackendError extends LectureError {}

/** Describes a shape as `[2, 3]` for messages. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Throws ShapeError unless `actual` equals `expected` (-1 in expected matches any size). */
export function checkShape(name: string, actual: readonly number[], expected: readonly number[], fix?: string): void {
  const ok = actual.length === expected.length && expected.every((e, i) => e === -1 || e === actual[i]);
  if (!ok) {
    const want = fmtShape(expected).replace(/-1/g, '*');
    throw new ShapeError(`${name} has shape ${fmtShape(actual)} but ${want} is needed`,
      fix ?? `pass ${name} with shape ${want}`);
  }
}

/** Throws ParameterError unless `x` is a finite number satisfying `ok`. */
export function checkNumber(name: string, x: number, ok: (v: number) => boolean, rule: string): void {
  if (!Number.isFinite(x) || !ok(x)) {
    throw new ParameterError(`${name} = ${x} but it must be ${rule}`, `choose ${name} ${rule}`);
  }
}

/** Throws ParameterError unless `n` is an integer >= min. */
export function checkInt(name: string, n: number, min: number): void {
  checkNumber(name, n, (v) => Number.isInteger(v) && v >= min, `an integer >= ${min}`);
}
