// LASSO recovery, min_x 1/2 ||y - W x||^2 + lambda ||x||_1 for every row of a batch, by FISTA
// (Beck and Teboulle 2009): a gradient step of size 1/L on the quadratic, L = ||W||_2^2 (found by
// power iteration), then soft thresholding at lambda / L, with Nesterov's momentum.
import * as tf from '../core/tf';
import { ShapeError, checkInt, checkNumber, fmtShape } from '../core/errors';

/** ||W||_2^2, the largest eigenvalue of W^T W, by power iteration. */
export function squaredSpectralNorm(w: tf.Tensor2D, iterations = 100): number {
  checkInt('iterations', iterations, 1);
  let v = tf.ones([w.shape[1], 1]) as tf.Tensor2D;
  let value = 0;
  for (let i = 0; i < iterations; i++) {
    const next = tf.tidy(() => {
      const u = tf.matMul(w, tf.matMul(w, v), true, false);
      return u.div(u.norm()) as tf.Tensor2D;
    });
    v.dispose();
    v = next;
  }
  value = tf.tidy(() => tf.matMul(w, v).square().sum().dataSync()[0]);
  v.dispose();
  return value;
}

const softThreshold = (v: tf.Tensor, t: number) => tf.tidy(() => v.sign().mul(v.abs().sub(t).relu()));

/** The LASSO solution for each row of y [batch, m], x [batch, n]. */
export function lasso(y: tf.Tensor2D, w: tf.Tensor2D, lambda: number, iterations = 300): tf.Tensor2D {
  checkNumber('lambda', lambda, (v) => v >= 0, 'non-negative');
  checkInt('iterations', iterations, 1);
  if (y.rank !== 2 || w.rank !== 2 || y.shape[1] !== w.shape[0]) {
    throw new ShapeError(`measurements of shape ${fmtShape(y.shape)} do not fit W of shape ${fmtShape(w.shape)}`, 'pass y as [batch, m] and W as [m, n]');
  }
  const lipschitz = squaredSpectralNorm(w);
  const step = 1 / lipschitz;
  let x = tf.zeros([y.shape[0], w.shape[1]]) as tf.Tensor2D;
  let z = x.clone();
  let t = 1;
  for (let k = 0; k < iterations; k++) {
    const next = tf.tidy(() => {
      const gradient = tf.matMul(tf.matMul(z, w, false, true).sub(y), w);
      return softThreshold(z.sub(gradient.mul(step)), lambda * step) as tf.Tensor2D;
    });
    const tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    const zNext = tf.tidy(() => next.add(next.sub(x).mul((t - 1) / tNext)) as tf.Tensor2D);
    x.dispose();
    z.dispose();
    x = next;
    z = zNext;
    t = tNext;
  }
  z.dispose();
  return x;
}

/** The LASSO objective of each row, for checking a solution. */
export function lassoObjective(y: tf.Tensor2D, w: tf.Tensor2D, x: tf.Tensor2D, lambda: number): Float32Array {
  return tf.tidy(() => tf.matMul(x, w, false, true).sub(y).square().sum(1).mul(0.5).add(x.abs().sum(1).mul(lambda)).dataSync() as Float32Array);
}
