// Euler-Maruyama for dx = v(x, t) dt + sigma dW on a batch of paths, with the noise of step k drawn
// from key.foldIn(k), so a path is a function of the key alone. An optional accumulator sums a
// per-path quantity along the way (the Feynman-Kac lecture sums v.dW + (|v|^2/2 + V) dt with it).
import * as tf from '../core/tf';
import { checkInt, checkNumber, checkShape } from '../core/errors';
import { Key, normal } from '../core/random';

export interface SdeOptions {
  /** Time step, > 0. */
  dt: number;
  /** Number of steps. */
  steps: number;
  /** Diffusion coefficient sigma (default 1). */
  sigma?: number;
  /** Start time (default 0). */
  t0?: number;
  /** Keep every state, returned as path [steps + 1, batch, dim] (default false). */
  keepPath?: boolean;
}

/** What one step hands to the accumulator: state before the step, drift there, noise increment sigma dW. */
export interface SdeStep {
  x: tf.Tensor2D;
  drift: tf.Tensor2D;
  dW: tf.Tensor2D;
  t: number;
  dt: number;
}

export interface SdeResult {
  x: tf.Tensor2D;
  /** The accumulator's sum over steps, [batch] (zeros without an accumulator). */
  total: tf.Tensor1D;
  path?: tf.Tensor3D;
}

export function eulerMaruyama(key: Key, x0: tf.Tensor2D, drift: (x: tf.Tensor2D, t: number) => tf.Tensor2D, options: SdeOptions,
  accumulate?: (step: SdeStep) => tf.Tensor1D): SdeResult {
  const { dt, steps, sigma = 1, t0 = 0, keepPath = false } = options;
  checkNumber('dt', dt, (v) => v > 0, '> 0');
  checkInt('steps', steps, 0);
  checkNumber('sigma', sigma, (v) => v >= 0, '>= 0');
  checkShape('x0', x0.shape, [-1, -1]);
  return tf.tidy(() => {
    let x = x0;
    let total = tf.zeros([x0.shape[0]]) as tf.Tensor1D;
    const path: tf.Tensor2D[] = keepPath ? [x0] : [];
    for (let k = 0; k < steps; k++) {
      const t = t0 + k * dt;
      const v = drift(x, t);
      if (k === 0) checkShape('the drift', v.shape, x0.shape, 'return one drift vector per walker, the shape of the state');
      const dW = tf.mul(normal(key.foldIn(k), x0.shape), sigma * Math.sqrt(dt)) as tf.Tensor2D;
      if (accumulate) total = tf.add(total, accumulate({ x, drift: v, dW, t, dt })) as tf.Tensor1D;
      x = tf.add(tf.add(x, tf.mul(v, dt)), dW) as tf.Tensor2D;
      if (keepPath) path.push(x);
    }
    return { x, total, path: keepPath ? (tf.stack(path) as tf.Tensor3D) : undefined };
  });
}
