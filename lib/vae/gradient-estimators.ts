// Two unbiased estimators of the gradient of E_{z ~ N(mu, diag(sigma^2))}[f(z)] with respect to mu:
//   pathwise (reparameterisation):  grad_z f(mu + sigma * eps)
//   score function (REINFORCE):      f(z) * (z - mu) / sigma^2   (optionally f(z) - baseline)
// and the measured variance of each as a function of the number of samples averaged.
import * as tf from '../core/tf';
import { checkInt, checkShape } from '../core/errors';
import { Key, normal } from '../core/random';

/** f maps a batch of latent points [n, D] to one value each [n]. */
export type LatentFunction = (z: tf.Tensor2D) => tf.Tensor1D;

export interface PerSampleGradients {
  /** Pathwise gradient of each draw, [n, D]. */
  pathwise: tf.Tensor2D;
  /** Score-function gradient of each draw, [n, D]. */
  score: tf.Tensor2D;
}

/**
 * Single-draw gradient estimates with respect to mu for n draws. `baseline` is subtracted from
 * f in the score-function estimator (a control variate; 0 gives plain REINFORCE).
 */
export function perSampleGradients(f: LatentFunction, mu: tf.Tensor1D, sigma: tf.Tensor1D, key: Key, n: number, baseline = 0): PerSampleGradients {
  checkInt('n', n, 1);
  checkShape('sigma', sigma.shape, mu.shape);
  return tf.tidy(() => {
    const eps = normal(key, [n, mu.shape[0]]);
    const z = tf.add(mu, tf.mul(sigma, eps)) as tf.Tensor2D;
    // f is a sum over draws of independent terms, so the gradient of the sum gives each draw's gradient
    const pathwise = tf.grad((zz: tf.Tensor) => tf.sum(f(zz as tf.Tensor2D)))(z) as tf.Tensor2D;
    const fz = tf.sub(f(z), baseline); // [n]
    const score = tf.mul(tf.expandDims(fz, 1), tf.div(tf.sub(z, mu), tf.square(sigma))) as tf.Tensor2D;
    return { pathwise, score };
  });
}

export interface VarianceRow {
  /** Draws averaged per estimate. */
  samples: number;
  /** Total variance (trace of the covariance) of the pathwise estimate. */
  pathwise: number;
  /** Total variance of the score-function estimate. */
  score: number;
}

/** Sum over dimensions of the variance over rows: x is [R, D]. */
function totalVariance(x: tf.Tensor2D): number {
  return tf.tidy(() => tf.sum(tf.moments(x, 0).variance).dataSync()[0]);
}

/**
 * Measures the variance of both estimators when `samples` draws are averaged, from `repeats`
 * independent estimates per entry of `sampleCounts`.
 */
export function estimatorVariances(f: LatentFunction, mu: tf.Tensor1D, sigma: tf.Tensor1D, key: Key,
  sampleCounts: number[], repeats: number, baseline = 0): VarianceRow[] {
  checkInt('repeats', repeats, 2);
  return sampleCounts.map((s, i) => {
    checkInt('samples', s, 1);
    const g = perSampleGradients(f, mu, sigma, key.foldIn(i), s * repeats, baseline);
    const row = tf.tidy(() => {
      const d = mu.shape[0];
      const pathwise = tf.mean(tf.reshape(g.pathwise, [repeats, s, d]), 1) as tf.Tensor2D;
      const score = tf.mean(tf.reshape(g.score, [repeats, s, d]), 1) as tf.Tensor2D;
      return { samples: s, pathwise: totalVariance(pathwise), score: totalVariance(score) };
    });
    tf.dispose([g.pathwise, g.score]);
    return row;
  });
}
