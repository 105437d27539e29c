// Eigenvalues and eigenvectors of a small symmetric matrix by cyclic Jacobi rotations, in double
// precision: each rotation zeroes one off-diagonal pair, and sweeps repeat until the off-diagonal
// mass is negligible. O(n^3) per sweep, meant for n up to a few hundred.
import { ParameterError, checkInt } from '../core/errors';

export interface SymmetricEigen {
  /** Eigenvalues, largest first. */
  values: Float64Array;
  /** Row i of this n x n row-major array is the eigenvector of values[i]. */
  vectors: Float64Array;
}

export function symmetricEigen(a: Float64Array, n: number, maxSweeps = 60): SymmetricEigen {
  checkInt('n', n, 1);
  if (a.length !== n * n) throw new ParameterError(`a has ${a.length} entries, not ${n} x ${n}`, 'pass a row-major n x n array');
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) {
    if (Math.abs(a[i * n + j] - a[j * n + i]) > 1e-9 * (Math.abs(a[i * n + j]) + Math.abs(a[j * n + i]) + 1e-300)) {
      throw new ParameterError(`the matrix is not symmetric at (${i}, ${j})`, 'pass a symmetric matrix (for example (B + B^T) / 2)');
    }
  }
  const m = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { const x = m[i * n + j] ** 2; total += x; if (i !== j) off += x; }
    if (off <= 1e-30 * total) break;
    for (let p = 0; p < n - 1; p++) for (let q = p + 1; q < n; q++) {
      const apq = m[p * n + q];
      if (apq === 0) continue;
      // the rotation angle that zeroes m[p][q]: tan(2 theta) = 2 apq / (aqq - app)
      const theta = (m[q * n + q] - m[p * n + p]) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1);
      const s = t * c;
      for (let k = 0; k < n; k++) { // columns p and q
        const mkp = m[k * n + p];
        const mkq = m[k * n + q];
        m[k * n + p] = c * mkp - s * mkq;
        m[k * n + q] = s * mkp + c * mkq;
      }
      for (let k = 0; k < n; k++) { // rows p and q
        const mpk = m[p * n + k];
        const mqk = m[q * n + k];
        m[p * n + k] = c * mpk - s * mqk;
        m[q * n + k] = s * mpk + c * mqk;
      }
      for (let k = 0; k < n; k++) { // accumulate V = V J, kept as rows of eigenvectors below
        const vkp = v[k * n + p];
        const vkq = v[k * n + q];
        v[k * n + p] = c * vkp - s * vkq;
        v[k * n + q] = s * vkp + c * vkq;
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => m[y * n + y] - m[x * n + x]);
  const values = Float64Array.from(order, (i) => m[i * n + i]);
  const vectors = new Float64Array(n * n);
  order.forEach((col, row) => { for (let k = 0; k < n; k++) vectors[row * n + k] = v[k * n + col]; });
  return { values, vectors };
}
