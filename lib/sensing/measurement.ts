// The measurement model of statistical compressed sensing: m noisy linear measurements
// y = W x + sigma * eps of an n-dimensional signal x, with W random Gaussian (entries N(0, 1/m),
// so that E||W x||^2 = ||x||^2) or learned. Compared at equal measurement energy ||W||_F^2, which
// for the Gaussian W is n on average: without that constraint a learned W could grow until the
// noise no longer matters.
import * as tf from '../core/tf';
import { ParameterError, ShapeError, checkInt, checkNumber, fmtShape } from '../core/errors';
import { Key, normal } from '../core/random';

/** Throws unless 1 <= m <= n. */
export function checkMeasurements(m: number, n: number): void {
  checkInt('n', n, 1);
  checkInt('m', m, 1);
  if (m > n) throw new ParameterError(`m = ${m} measurements of a ${n}-dimensional signal`, `use at most ${n} measurements (more than the signal has dimensions senses nothing compressed)`);
}

export function checkNoise(sigma: number): void {
  checkNumber('sigma', sigma, (v) => v >= 0, 'a non-negative noise standard deviation');
}

/** A Gaussian measurement matrix [m, n] with entries N(0, 1/m). */
export function gaussianMeasurement(key: Key, m: number, n: number): tf.Tensor2D {
  checkMeasurements(m, n);
  return tf.tidy(() => normal(key, [m, n]).mul(1 / Math.sqrt(m)) as tf.Tensor2D);
}

/** W rescaled to ||W||_F^2 = energy (n: the Gaussian matrix's expected energy). */
export function withEnergy(w: tf.Tensor2D, energy: number): tf.Tensor2D {
  checkNumber('energy', energy, (v) => v > 0, 'positive');
  return tf.tidy(() => w.mul(tf.scalar(Math.sqrt(energy)).div(w.square().sum().sqrt())) as tf.Tensor2D);
}

/** y = x W^T + sigma eps for a batch x [batch, n]; eps drawn with the key. */
export function measure(x: tf.Tensor2D, w: tf.Tensor2D, sigma: number, key: Key): tf.Tensor2D {
  checkNoise(sigma);
  if (x.rank !== 2 || w.rank !== 2 || x.shape[1] !== w.shape[1]) {
    throw new ShapeError(`signals of shape ${fmtShape(x.shape)} cannot be measured by W of shape ${fmtShape(w.shape)}`, 'pass x as [batch, n] and W as [m, n] with the same n');
  }
  return tf.tidy(() => {
    const clean = tf.matMul(x, w, false, true) as tf.Tensor2D;
    return (sigma === 0 ? clean : clean.add(normal(key, clean.shape).mul(sigma))) as tf.Tensor2D;
  });
}
