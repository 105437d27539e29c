// Cholesky factorisation and triangular inversion of small dense blocks in double precision, in
// JavaScript: the diagonal blocks of the blocked factorisations (cholesky.ts, cholesky-packed.ts).
import { LectureError } from '../core/errors';

/** The matrix is not positive definite (a pivot was <= 0 or NaN). */
export class NotPositiveDefiniteError extends LectureError {}

/** In-place Cholesky of an n x n row-major Float64Array; throws at the first bad pivot. */
export function choleskyDense(a: Float64Array, n: number, offset: number): void {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j];
    for (let k = 0; k < j; k++) d -= a[j * n + k] ** 2;
    if (!(d > 0)) {
      throw new NotPositiveDefiniteError(`the matrix is not positive definite: pivot ${offset + j} is ${d}`,
        'add jitter or observation noise to the diagonal (choleskyWithJitter), or check the kernel for NaN and duplicate inputs');
    }
    const ljj = Math.sqrt(d);
    a[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / ljj;
    }
    for (let k = j + 1; k < n; k++) a[j * n + k] = 0;
  }
}

/**
 * (L^-1)^T of a lower-triangular n x n matrix L (row-major): the upper-triangular U with
 * U[c][i] = (delta_ci - sum_{k=c}^{i-1} L[i][k] U[c][k]) / L[i][i]. Both factors of each sum are
 * contiguous rows, so the inner loop is a dot product kept in a register.
 */
export function invertLowerTransposed(l: Float64Array, n: number): Float64Array {
  const u = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const rowI = i * n;
    const d = l[rowI + i];
    for (let c = 0; c < i; c++) {
      const rowC = c * n;
      let s = 0;
      for (let k = c; k < i; k++) s += l[rowI + k] * u[rowC + k];
      u[rowC + i] = -s / d;
    }
    u[rowI + i] = 1 / d;
  }
  return u;
}
