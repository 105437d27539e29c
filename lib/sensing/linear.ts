// Linear sensing of images: the data's mean and covariance, its principal directions (subspace
// iteration on the covariance, then Rayleigh-Ritz), and the optimal linear decoder of any
// measurement y = W x + sigma eps,
//   x_hat = mu + C W^T (W C W^T + sigma^2 I)^-1 (y - W mu),
// the posterior mean if x were Gaussian, and the best linear estimate in squared error regardless.
import * as tf from '../core/tf';
import { ParameterError, ShapeError, checkInt, fmtShape } from '../core/errors';
import { Key, normal } from '../core/random';
import { inverseSpd } from '../linalg/matrix';
import { symmetricEigen } from '../linalg/symmetric-eigen';
import { checkMeasurements, checkNoise } from './measurement';

export interface DataStatistics {
  mean: tf.Tensor1D;
  /** Sample covariance [n, n]. */
  covariance: tf.Tensor2D;
  count: number;
}

export function dataStatistics(x: tf.Tensor2D): DataStatistics {
  if (x.rank !== 2 || x.shape[0] < 2) throw new ShapeError(`statistics need [count >= 2, n] data, got ${fmtShape(x.shape)}`, 'pass at least two signals as rows');
  return tf.tidy(() => {
    const mean = x.mean(0) as tf.Tensor1D;
    const centred = x.sub(mean);
    const covariance = tf.matMul(centred, centred, true, false).div(x.shape[0] - 1) as tf.Tensor2D;
    return { mean: tf.keep(mean), covariance: tf.keep(covariance), count: x.shape[0] };
  });
}

export function disposeStatistics(s: DataStatistics): void {
  s.mean.dispose();
  s.covariance.dispose();
}

/** Modified Gram-Schmidt on the columns of a [n, k] row-major Float64Array, in place. */
function orthonormalizeColumns(q: Float64Array, n: number, k: number): void {
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < j; i++) {
      let d = 0;
      for (let r = 0; r < n; r++) d += q[r * k + i] * q[r * k + j];
      for (let r = 0; r < n; r++) q[r * k + j] -= d * q[r * k + i];
    }
    let norm = 0;
    for (let r = 0; r < n; r++) norm += q[r * k + j] ** 2;
    norm = Math.sqrt(norm);
    if (!(norm > 1e-12)) throw new ParameterError(`direction ${j} vanished in the subspace iteration`, 'ask for fewer components than the data has dimensions with variance');
    for (let r = 0; r < n; r++) q[r * k + j] /= norm;
  }
}

export interface PrincipalDirections {
  /** Orthonormal rows [k, n], largest variance first. */
  directions: tf.Tensor2D;
  variances: Float64Array;
}

/** The top k eigenvectors of the covariance (k + 10 directions iterated, for a margin). */
export function principalDirections(stats: DataStatistics, k: number, key: Key, iterations = 150): PrincipalDirections {
  const n = stats.covariance.shape[0];
  checkInt('k', k, 1);
  if (k > n) throw new ParameterError(`${k} principal directions of ${n}-dimensional data`, `ask for at most ${n}`);
  checkInt('iterations', iterations, 1);
  const width = Math.min(n, k + 10);
  const q = Float64Array.from(normal(key, [n, width]).dataSync());
  orthonormalizeColumns(q, n, width);
  for (let it = 0; it < iterations; it++) {
    const next = tf.tidy(() => tf.matMul(stats.covariance, tf.tensor2d(Float32Array.from(q), [n, width])).dataSync());
    q.set(next);
    orthonormalizeColumns(q, n, width);
  }
  // Rayleigh-Ritz: the eigenvectors of Q^T C Q rotate the subspace's basis onto the directions
  const qt = tf.tensor2d(Float32Array.from(q), [n, width]);
  const small = tf.tidy(() => tf.matMul(qt, tf.matMul(stats.covariance, qt), true, false).dataSync());
  qt.dispose();
  const b = Float64Array.from(small);
  for (let i = 0; i < width; i++) for (let j = 0; j < i; j++) { const s = (b[i * width + j] + b[j * width + i]) / 2; b[i * width + j] = s; b[j * width + i] = s; }
  const eig = symmetricEigen(b, width);
  const rows = new Float32Array(k * n);
  for (let c = 0; c < k; c++) for (let r = 0; r < n; r++) {
    let s = 0;
    for (let i = 0; i < width; i++) s += q[r * width + i] * eig.vectors[c * width + i];
    rows[c * n + r] = s;
  }
  return { directions: tf.tensor2d(rows, [k, n]), variances: eig.values.slice(0, k) };
}

export interface LinearDecoder {
  /** x_hat for y [batch, m]. */
  decode(y: tf.Tensor2D): tf.Tensor2D;
  dispose(): void;
}

/** The optimal linear decoder of y = W x + sigma eps under the data's mean and covariance. */
export function optimalLinearDecoder(w: tf.Tensor2D, stats: DataStatistics, sigma: number): LinearDecoder {
  checkNoise(sigma);
  const [m, n] = w.shape;
  checkMeasurements(m, n);
  if (stats.covariance.shape[0] !== n) throw new ShapeError(`W of shape ${fmtShape(w.shape)} does not fit ${stats.covariance.shape[0]}-dimensional statistics`, 'use statistics of the signals W measures');
  const cwt = tf.tidy(() => tf.matMul(stats.covariance, w, false, true)); // [n, m]
  const syy = tf.tidy(() => tf.matMul(w, cwt).add(tf.eye(m).mul(sigma * sigma)).arraySync() as number[][]);
  const inv = inverseSpd(syy.map((row, i) => row.map((v, j) => (v + syy[j][i]) / 2)));
  const gain = tf.tidy(() => tf.matMul(cwt, tf.tensor2d(inv)).transpose() as tf.Tensor2D); // [m, n]
  const offset = tf.tidy(() => tf.matMul(stats.mean.reshape([1, n]), w, false, true) as tf.Tensor2D); // W mu
  cwt.dispose();
  return {
    decode: (y) => tf.tidy(() => tf.matMul(y.sub(offset), gain).add(stats.mean) as tf.Tensor2D),
    dispose: () => { gain.dispose(); offset.dispose(); },
  };
}
