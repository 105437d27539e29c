// The delta-VAE's answer to posterior collapse for sequences (Razavi, van den Oord, Poole and
// Vinyals 2019): a stationary AR(1) prior per latent dimension, z_t = alpha z_t-1 + sqrt(1 - alpha^2)
// eps_t, paired with a posterior that is independent across time. No such posterior can equal the
// correlated prior, so the KL never falls below a committed rate delta, whatever the decoder does:
// for T >= 2 steps, per dimension,
//   delta = ((T - 2) log(1 + alpha^2) - log(1 - alpha^2)) / 2,
// reached when q_t has mean 0 and variance 1 / Lambda_tt (Lambda the prior's tridiagonal precision).
import * as tf from '../core/tf';
import { checkInt, checkNumber } from '../core/errors';

/** The smallest KL(q || AR(1) prior) over posteriors independent across `steps` steps, per latent dimension. */
export function committedRate(steps: number, alpha: number): number {
  checkInt('steps', steps, 1);
  checkNumber('alpha', alpha, (v) => v >= 0 && v < 1, 'in [0, 1)');
  return steps === 1 ? 0 : ((steps - 2) * Math.log(1 + alpha ** 2) - Math.log(1 - alpha ** 2)) / 2;
}

/**
 * KL(q || p) for q = prod_t N(mean_t, exp(logStd_t)^2) and p the stationary AR(1) prior with
 * coefficient alpha, independently per latent dimension: mean and logStd [batch, T, k] -> [batch].
 */
export function ar1Kl(mean: tf.Tensor3D, logStd: tf.Tensor3D, alpha: number): tf.Tensor1D {
  checkNumber('alpha', alpha, (v) => v >= 0 && v < 1, 'in [0, 1)');
  const steps = mean.shape[1];
  return tf.tidy(() => {
    const a2 = alpha ** 2;
    // the diagonal of the precision, times (1 - alpha^2): 1 at the ends, 1 + alpha^2 inside
    const diag = tf.tensor1d(Array.from({ length: steps }, (_, t) => (steps === 1 ? 1 - a2 : t === 0 || t === steps - 1 ? 1 : 1 + a2))).reshape([1, steps, 1]);
    const variance = tf.exp(tf.mul(logStd, 2));
    let quad = tf.sum(tf.mul(diag, tf.add(variance, tf.square(mean))), [1, 2]);
    if (steps > 1) {
      const lag = tf.sum(tf.mul(mean.slice([0, 0, 0], [-1, steps - 1, -1]), mean.slice([0, 1, 0], [-1, steps - 1, -1])), [1, 2]);
      quad = tf.sub(quad, tf.mul(lag, 2 * alpha));
    }
    const k = mean.shape[2];
    const logDetPrior = k * (steps - 1) * Math.log(1 - a2);
    return tf.mul(tf.add(tf.sub(tf.sub(tf.div(quad, 1 - a2), steps * k), tf.mul(tf.sum(logStd, [1, 2]), 2)), logDetPrior), 0.5) as tf.Tensor1D;
  });
}
