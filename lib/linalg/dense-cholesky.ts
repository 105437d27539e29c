// Cholesky factorisation and triangular inversion of small dense blocks in double precision, in
// JavaScript: the diagonal blocks of the blocked factorisations (cholesky.ts, cholesky-packed.ts).
import { LectureError } from '../core/errors';

/** The matrix is not positive definite (a pivot was <= 0 or NaN). */
export class NotPositiveDefiniteError extends LectureError {}

/**
 * sum_{k < len} a[i + k] b[j + k], in four running sums: one sum is a chain of dependent adds, each
 * waiting for the last (about 2 ns per term here); four chains overlap.
 */
function dot(a: Float64Array, i: number, b: Float64Array, j: number, len: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let k = 0;
  for (; k + 3 < len; k += 4) {
    s0 += a[i + k] * b[j + k];
    s1 += a[i + k + 1] * b[j + k + 1];
    s2 += a[i + k + 2] * b[j + k + 2];
    s3 += a[i + k + 3] * b[j + k + 3];
  }
  for (; k < len; k++) s0 += a[i + k] * b[j + k];
  return (s0 + s1) + (s2 + s3);
}

/** The error for pivot `pivot` (counted in the whole matrix) whose value `value` is not positive. */
export function notPositiveDefinite(pivot: number, value: number): NotPositiveDefiniteError {
  return new NotPositiveDefiniteError(`the matrix is not positive definite: pivot ${pivot} is ${value}`,
    'add jitter or observation noise to the diagonal (choleskyWithJitter), or check the kernel for NaN and duplicate inputs');
}

/** In-place Cholesky of an n x n row-major Float64Array; throws at the first bad pivot. */
export function choleskyDense(a: Float64Array, n: number, offset: number): void {
  for (let j = 0; j < n; j++) {
    const d = a[j * n + j] - dot(a, j * n, a, j * n, j);
    if (!(d > 0)) throw notPositiveDefinite(offset + j, d);
    const ljj = Math.sqrt(d);
    a[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      a[i * n + j] = (a[i * n + j] - dot(a, i * n, a, j * n, j)) / ljj;
    }
    for (let k = j + 1; k < n; k++) a[j * n + k] = 0;
  }
}

/**
 * (L^-1)^T of a lower-triangular n x n matrix L (row-major): the upper-triangular U with
 * U[c][i] = (delta_ci - sum_{k=c}^{i-1} L[i][k] U[c][k]) / L[i][i]. Both factors of each sum are
 * contiguous rows, so the inner loop is a dot product kept in registers.
 */
export function invertLowerTransposed(l: Float64Array, n: number): Float64Array {
  const u = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const rowI = i * n;
    const d = l[rowI + i];
    for (let c = 0; c < i; c++) {
      const rowC = c * n;
      u[rowC + i] = -dot(l, rowI + c, u, rowC + c, i - c) / d;
    }
    u[rowI + i] = 1 / d;
  }
  return u;
}

/** Rows r0.. and columns c0.. of an n-column row-major matrix, as a rows x cols Float64Array. */
export function subBlock(a: Float64Array, n: number, r0: number, c0: number, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) out.set(a.subarray((r0 + i) * n + c0, (r0 + i) * n + c0 + cols), i * cols);
  return out;
}
