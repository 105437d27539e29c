// FastICA (Hyvarinen 1999), symmetric version with the log-cosh contrast: the data are whitened on
// their top m principal directions, then an orthogonal W is iterated,
//   W+ = E[g(W z) z^T] - diag(E[g'(W z)]) W,  g = tanh,   W = (W+ W+^T)^(-1/2) W+,
// until its rows stop turning. The components are independent directions, not variance-ordered.
import * as tf from '../core/tf';
import { checkInt } from '../core/errors';
import { Key, normal } from '../core/random';
import { symmetricEigen } from '../linalg/symmetric-eigen';
import { DataStatistics, principalDirections } from './linear';

export interface IcaResult {
  /** [m, n]: the components of a signal are (x - mean) unmixing^T. */
  unmixing: tf.Tensor2D;
  iterations: number;
  converged: boolean;
}

/** (A A^T)^(-1/2) A for a square row-major A. */
function symmetricOrthogonalize(a: Float64Array, m: number): Float64Array {
  const aat = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) {
    let s = 0;
    for (let k = 0; k < m; k++) s += a[i * m + k] * a[j * m + k];
    aat[i * m + j] = s;
  }
  for (let i = 0; i < m; i++) for (let j = 0; j < i; j++) { const s = (aat[i * m + j] + aat[j * m + i]) / 2; aat[i * m + j] = s; aat[j * m + i] = s; }
  const { values, vectors } = symmetricEigen(aat, m);
  const invSqrt = new Float64Array(m * m); // E diag(1/sqrt(values)) E^T
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) {
    let s = 0;
    for (let k = 0; k < m; k++) s += (vectors[k * m + i] * vectors[k * m + j]) / Math.sqrt(values[k]);
    invSqrt[i * m + j] = s;
  }
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) {
    let s = 0;
    for (let k = 0; k < m; k++) s += invSqrt[i * m + k] * a[k * m + j];
    out[i * m + j] = s;
  }
  return out;
}

export function fastIca(x: tf.Tensor2D, stats: DataStatistics, m: number, key: Key, iterations = 200, tolerance = 1e-5): IcaResult {
  checkInt('iterations', iterations, 1);
  const [kPca, kInit] = key.split(2);
  const pca = principalDirections(stats, m, kPca);
  // whitening [m, n]: rows are principal directions divided by their standard deviations
  const whitening = tf.tidy(() => pca.directions.div(tf.tensor1d(Float32Array.from(pca.variances, Math.sqrt)).reshape([m, 1])) as tf.Tensor2D);
  pca.directions.dispose();
  const z = tf.tidy(() => tf.matMul(x.sub(stats.mean), whitening, false, true) as tf.Tensor2D);
  let w = symmetricOrthogonalize(Float64Array.from(normal(kInit, [m, m]).dataSync()), m);
  let converged = false;
  let it = 0;
  for (; it < iterations && !converged; it++) {
    const wt = tf.tensor2d(Float32Array.from(w), [m, m]);
    const next = tf.tidy(() => {
      const g = tf.matMul(z, wt, false, true).tanh(); // [N, m]
      const gz = tf.matMul(g, z, true, false).div(z.shape[0]); // [m, m]
      const gPrime = tf.scalar(1).sub(g.square()).mean(0).reshape([m, 1]);
      return gz.sub(wt.mul(gPrime)).dataSync();
    });
    wt.dispose();
    const wNew = symmetricOrthogonalize(Float64Array.from(next), m);
    // converged when every row points where it did (up to sign): |<w_i, w_new_i>| close to 1
    let worst = 0;
    for (let i = 0; i < m; i++) {
      let d = 0;
      for (let k = 0; k < m; k++) d += wNew[i * m + k] * w[i * m + k];
      worst = Math.max(worst, 1 - Math.abs(d));
    }
    w = wNew;
    converged = worst < tolerance;
  }
  z.dispose();
  const unmixing = tf.tidy(() => tf.matMul(tf.tensor2d(Float32Array.from(w), [m, m]), whitening) as tf.Tensor2D);
  whitening.dispose();
  return { unmixing, iterations: it, converged };
}
