// Lecture 8's starting point: a VAE whose latent and data dimensions are equal, with decoder
// p(x|z) = N(g(z), sigma^2 I) for g = f^-1 and a Gaussian encoder centred on f(x). As sigma -> 0 its
// KL(q(x, z) || p(x, z)) becomes the flow objective E[log p_D(x) - log N(f(x)) - log |det df/dx|]
// when the encoder covariance is sigma^2 J J^T (J = df/dx, the decoder's own local posterior), and
// stays above it by E[(tr M - d - log det M) / 2], M = (J J^T)^-1, when it is sigma^2 I.
import * as tf from '../core/tf';
import { checkNumber } from '../core/errors';
import { Key, normal } from '../core/random';
import { Bijection } from './bijection';
import { baseLogProb } from './flow';
import { isotropicNormalLogProb } from '../distributions/normal';

/** The Jacobian df/dx at each row of x, [batch, d, d] (row i of J[b] is the gradient of output i). */
export function batchJacobian(f: (x: tf.Tensor2D) => tf.Tensor2D, x: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => {
    const d = x.shape[1];
    // rows are independent examples, so the gradient of a column sum is that column's gradient per row
    const rows = Array.from({ length: d }, (_, i) => tf.grad((v: tf.Tensor) => tf.sum(tf.slice(f(v as tf.Tensor2D), [0, i], [-1, 1])))(x));
    return tf.stack(rows, 1) as tf.Tensor3D;
  });
}

export interface LimitEstimate {
  /** Monte Carlo KL(q(x, z) || p(x, z)) of the VAE, nats per example. */
  vaeKl: number;
  /** The flow objective E[log p_D(x) - log p_flow(x)] on the same x. */
  flowKl: number;
}

// derived in lecture 8 (notebooks/08-normalizing-flows.ipynb)
/**
 * Both objectives on the sample x (rows drawn from the data density whose log is logDensity), with one
 * encoder draw per row. f is the flow's data-to-latent map; its inverse is the decoder's mean.
 */
export function deterministicLimit(key: Key, x: tf.Tensor2D, f: Bijection, logDensity: tf.Tensor1D, sigma: number, encoder: 'full' | 'isotropic'): LimitEstimate {
  checkNumber('sigma', sigma, (v) => v > 0, '> 0');
  return tf.tidy(() => {
    const [n, d] = x.shape;
    const { value: mu, logDet } = f.forward(x);
    const eps = normal(key, [n, d]) as tf.Tensor2D;
    let noise = eps;
    let logQ = tf.sub(tf.mul(tf.sum(tf.square(eps), 1), -0.5), d * (0.5 * Math.log(2 * Math.PI) + Math.log(sigma)));
    if (encoder === 'full') {
      const jac = batchJacobian((v) => f.forward(v).value, x); // [n, d, d]
      noise = tf.reshape(tf.matMul(jac, tf.reshape(eps, [n, d, 1])), [n, d]) as tf.Tensor2D; // J eps
      logQ = tf.sub(logQ, logDet); // the Jacobian of z = mu + sigma J eps
    }
    const z = tf.add(mu, tf.mul(noise, sigma)) as tf.Tensor2D;
    const reconstruction = f.inverse(z).value;
    const logLikelihood = isotropicNormalLogProb(x, reconstruction, sigma * sigma);
    const vaeKl = tf.mean(tf.sub(tf.add(logDensity, logQ), tf.add(baseLogProb(z), logLikelihood))).dataSync()[0];
    const flowKl = tf.mean(tf.sub(logDensity, tf.add(baseLogProb(mu), logDet))).dataSync()[0];
    return { vaeKl, flowKl };
  });
}
