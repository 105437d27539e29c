// Small dense matrices in double precision (row-major number[][]) for exact reference calculations.
import { ParameterError, ShapeError } from '../core/errors';

export type Matrix = number[][];

export function zeros(r: number, c: number): Matrix {
  return Array.from({ length: r }, () => new Array<number>(c).fill(0));
}

export function identity(n: number): Matrix {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

export function transpose(a: Matrix): Matrix {
  return a[0].map((_, j) => a.map((row) => row[j]));
}

export function matmul(a: Matrix, b: Matrix): Matrix {
  if (a[0].length !== b.length) throw new ShapeError(`matmul of ${a.length}x${a[0].length} and ${b.length}x${b[0].length}`, 'pass matrices whose inner sizes agree');
  return a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
}

export function matvec(a: Matrix, x: number[]): number[] {
  return a.map((row) => row.reduce((s, v, k) => s + v * x[k], 0));
}

export function add(a: Matrix, b: Matrix, scaleB = 1): Matrix {
  return a.map((row, i) => row.map((v, j) => v + scaleB * b[i][j]));
}

export function scale(a: Matrix, s: number): Matrix {
  return a.map((row) => row.map((v) => v * s));
}

export function trace(a: Matrix): number {
  return a.reduce((s, row, i) => s + row[i], 0);
}

export function dot(x: number[], y: number[]): number {
  return x.reduce((s, v, i) => s + v * y[i], 0);
}

/** Lower-triangular L with L L^T = a; throws when a is not symmetric positive definite. */
export function cholesky(a: Matrix): Matrix {
  const n = a.length;
  const l = zeros(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i][j];
      for (let k = 0; k < j; k++) s -= l[i][k] * l[j][k];
      if (i === j) {
        if (!(s > 0)) throw new ParameterError(`matrix is not positive definite (pivot ${i} is ${s})`, 'pass a symmetric positive-definite matrix');
        l[i][i] = Math.sqrt(s);
      } else l[i][j] = s / l[j][j];
    }
  }
  return l;
}

/** Solves a x = b for symmetric positive-definite a. */
export function solveSpd(a: Matrix, b: number[]): number[] {
  const l = cholesky(a);
  const n = b.length;
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) y[i] = (b[i] - l[i].slice(0, i).reduce((s, v, k) => s + v * y[k], 0)) / l[i][i];
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l[k][i] * x[k];
    x[i] = s / l[i][i];
  }
  return x;
}

/** Inverse of a symmetric positive-definite matrix. */
export function inverseSpd(a: Matrix): Matrix {
  return transpose(identity(a.length).map((e) => solveSpd(a, e)));
}

/** log det of a symmetric positive-definite matrix. */
export function logDetSpd(a: Matrix): number {
  return 2 * cholesky(a).reduce((s, row, i) => s + Math.log(row[i]), 0);
}

/**
 * Principal directions of the rows of `x` ([n][d]): the top `k` eigenvectors of the covariance by
 * power iteration with deflation (`iterations` per vector), with their variances.
 */
export function principalComponents(x: Matrix, k: number, iterations = 200): { mean: number[]; directions: Matrix; variances: number[] } {
  const n = x.length;
  const d = x[0].length;
  if (k < 1 || k > d) throw new ParameterError(`k = ${k} principal components of ${d}-dimensional data`, `choose k between 1 and ${d}`);
  const mean = Array.from({ length: d }, (_, j) => x.reduce((s, row) => s + row[j], 0) / n);
  let cov = zeros(d, d);
  for (const row of x) {
    const c = row.map((v, j) => v - mean[j]);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) cov[i][j] += (c[i] * c[j]) / (n - 1);
  }
  const directions: Matrix = [];
  const variances: number[] = [];
  for (let c = 0; c < k; c++) {
    // deterministic start that is not orthogonal to any axis
    let v = Array.from({ length: d }, (_, j) => 1 + j / d);
    let lambda = 0;
    for (let it = 0; it < iterations; it++) {
      const w = matvec(cov, v);
      lambda = Math.sqrt(dot(w, w));
      if (lambda === 0) break;
      v = w.map((t) => t / lambda);
    }
    directions.push(v);
    variances.push(lambda);
    cov = add(cov, v.map((a) => v.map((b) => a * b)), -lambda);
  }
  return { mean, directions, variances };
}

/**
 * LU with partial pivoting: P A = L U with L unit lower triangular. `perm[i]` is the row of A that
 * became row i. Throws a ParameterError naming the column when A is singular.
 */
export function luDecompose(a: Matrix): { perm: number[]; lower: Matrix; upper: Matrix } {
  const n = a.length;
  const u = a.map((r) => r.slice());
  const lower = identity(n);
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(u[r][c]) > Math.abs(u[p][c])) p = r;
    if (!(Math.abs(u[p][c]) > 1e-12 * Math.max(1, Math.abs(u[0][0])))) {
      throw new ParameterError(`the matrix is singular (no pivot in column ${c})`, 'pass an invertible matrix');
    }
    [u[c], u[p]] = [u[p], u[c]];
    [perm[c], perm[p]] = [perm[p], perm[c]];
    for (let k = 0; k < c; k++) [lower[c][k], lower[p][k]] = [lower[p][k], lower[c][k]];
    for (let r = c + 1; r < n; r++) {
      const f = u[r][c] / u[c][c];
      lower[r][c] = f;
      for (let k = c; k < n; k++) u[r][k] -= f * u[c][k];
    }
  }
  return { perm, lower, upper: u };
}

/** Inverse of a triangular matrix by substitution (lower = true for lower triangular). */
export function inverseTriangular(t: Matrix, lower: boolean): Matrix {
  const n = t.length;
  const inv = zeros(n, n);
  for (let col = 0; col < n; col++) {
    const order = Array.from({ length: n }, (_, i) => (lower ? i : n - 1 - i));
    for (const i of order) {
      let s = i === col ? 1 : 0;
      for (let k = 0; k < n; k++) if (k !== i && (lower ? k < i : k > i)) s -= t[i][k] * inv[k][col];
      inv[i][col] = s / t[i][i];
    }
  }
  return inv;
}

/** An orthogonal matrix: Gram-Schmidt on the given square matrix's rows. */
export function orthonormalRows(a: Matrix): Matrix {
  const q: Matrix = [];
  for (const row of a) {
    const v = row.slice();
    for (const e of q) {
      const d = dot(v, e);
      for (let k = 0; k < v.length; k++) v[k] -= d * e[k];
    }
    const norm = Math.sqrt(dot(v, v));
    if (!(norm > 1e-12)) throw new ParameterError('the rows are linearly dependent', 'pass a matrix of full rank');
    q.push(v.map((x) => x / norm));
  }
  return q;
}
