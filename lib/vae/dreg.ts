// Gradients of the importance-weighted bound (Burda, Grosse and Salakhutdinov 2016) for a VAE: the
// plain reparameterized estimator, and the doubly-reparameterized one for the encoder (DReG; Tucker,
// Lawson, Gu and Maddison 2019), whose signal does not vanish as the number of particles grows.
// Both are surrogate losses: minimising one takes a step with that estimator ('dreg''s value is not
// the bound; evaluate the bound with Vae.iwae).
import * as tf from '../core/tf';
import { ParameterError, checkInt } from '../core/errors';
import { Key } from '../core/random';
import { repeatRows, stopGradient } from '../core/ops';
import { checkBinary } from '../data/batches';
import { Normal } from '../distributions';
import { Vae } from './vae';

export type IwaeEstimator = 'iwae' | 'dreg';

/**
 * −(K-particle bound) with the chosen gradient. 'iwae': reparameterized through everything.
 * 'dreg': the decoder's gradient is IWAE's, Σ w̃_k ∇θ log w_k; the encoder's is
 * Σ w̃_k² ∂log w_k/∂z_k · ∂z_k/∂φ, with the score term of log q dropped (its expectation is zero).
 */
export function iwaeSurrogate(vae: Vae, x: tf.Tensor2D, key: Key, particles: number, estimator: IwaeEstimator = 'iwae'): tf.Scalar {
  checkInt('particles', particles, 1);
  if (estimator !== 'iwae' && estimator !== 'dreg') throw new ParameterError(`unknown estimator '${estimator}'`, "use 'iwae' or 'dreg'");
  if (estimator === 'iwae') return tf.tidy(() => tf.neg(tf.mean(vae.iwae(x, key, particles, particles))) as tf.Scalar);
  checkBinary('x', x);
  return tf.tidy(() => {
    const batch = x.shape[0], latent = vae.config.latentDim;
    const q = vae.encode(x);
    // the draws of Vae.iwae for this key (its first chunk), so both estimators can share them
    const z = q.rsample(key.foldIn(0), particles) as tf.Tensor3D; // [K, B, L], a function of the encoder
    const fixedQ = new Normal(stopGradient(q.loc), stopGradient(q.scale), { validate: false, eventRank: 1 });
    const xs = repeatRows(x, particles);
    /** log w for latents zs [K, B, L] with q's parameters held fixed, and the decoder's log-likelihood part. */
    const logWeights = (zs: tf.Tensor) => {
      const flat = tf.reshape(zs, [particles * batch, latent]) as tf.Tensor2D;
      const logLik = tf.reshape(vae.decode(flat).logProb(xs), [particles, batch]);
      const logPrior = tf.reshape(vae.prior(particles * batch).logProb(flat), [particles, batch]);
      return { logW: tf.sub(tf.add(logLik, logPrior), fixedQ.logProb(zs)), logLik };
    };
    const moving = logWeights(z); // depends on the encoder through z, on the decoder through logLik
    const still = logWeights(stopGradient(z)); // the decoder only
    const normalised = stopGradient(tf.softmax(tf.transpose(moving.logW))); // [B, K]
    const w = tf.transpose(normalised);
    // decoder: Σ w̃ ∇θ log w (z held still). Encoder: Σ w̃² ∂log w/∂z ∂z/∂φ; subtracting the
    // still log-likelihood removes that term's decoder gradient (equal values, z held still in one)
    const decoderTerm = tf.sum(tf.mul(w, still.logW), 0);
    const encoderTerm = tf.sum(tf.mul(tf.square(w), tf.sub(moving.logW, still.logLik)), 0);
    return tf.neg(tf.mean(tf.add(decoderTerm, encoderTerm))) as tf.Scalar;
  });
}
