// The Markov-chain VAE of the flows lecture: a generative chain z_0 ~ N(0, I),
//   z_{k+1} = z_k + mu(z_k, t_k) dt + sqrt(beta dt) eps   (Euler-Maruyama for dz = mu dt + sqrt(beta) dW),
// ending at the data z_K = x, and a fixed inference chain that runs backwards from the data,
//   z_k = a z_{k+1} + sqrt(beta dt) eps,  a = sqrt(1 - beta dt),
// which forgets x and ends near N(0, I). The KL between the two chains is the negative ELBO:
//   E_q[log q(z_0..z_{K-1} | x) - log p(z_0, ..., z_K = x)] >= -log p(x).
import * as tf from '../core/tf';
import { ParameterError, checkInt, checkNumber } from '../core/errors';
import { Key, normal } from '../core/random';
import { eulerMaruyama } from './euler-maruyama';
import { isotropicNormalLogProb } from '../distributions/normal';

export interface ChainOptions {
  /** Number of stochastic layers K. */
  steps: number;
  /** Noise rate beta; beta * dt must stay below 1. */
  beta: number;
  /** Total time T (default 1), so dt = T / K. */
  horizon?: number;
}

/** The drift network's signature: states [n, dim] and their times [n, 1] -> drift [n, dim]. */
export type ChainDrift = (z: tf.Tensor2D, t: tf.Tensor2D) => tf.Tensor2D;

function constants(options: ChainOptions) {
  checkInt('steps', options.steps, 1);
  checkNumber('beta', options.beta, (v) => v > 0, '> 0');
  const horizon = options.horizon ?? 1;
  checkNumber('horizon', horizon, (v) => v > 0, '> 0');
  const dt = horizon / options.steps;
  if (options.beta * dt >= 1) {
    throw new ParameterError(`beta * dt = ${options.beta * dt} leaves no signal in one inference step`, 'use more steps or a smaller beta so that beta * T / steps < 1');
  }
  return { K: options.steps, dt, variance: options.beta * dt, a: Math.sqrt(1 - options.beta * dt) };
}


/** The negative ELBO of each example, [batch], from one sampled inference chain per example. */
export function chainNegativeElbo(key: Key, x: tf.Tensor2D, drift: ChainDrift, options: ChainOptions): tf.Tensor1D {
  const { K, dt, variance, a } = constants(options);
  return tf.tidy(() => {
    const [n, d] = x.shape;
    // The inference chain z_k = a z_{k+1} + s eps_k unrolled from z_K = x in closed form,
    // z_k = a^(K-k) x + s sum_{j>=k} a^(j-k) eps_j, as one matrix product over the step axis.
    const s = Math.sqrt(variance);
    const eps = normal(key, [K, n * d]);
    const mix = tf.tensor2d(Array.from({ length: K * K }, (_, i) => {
      const k = Math.floor(i / K);
      const j = i % K;
      return j >= k ? s * a ** (j - k) : 0;
    }), [K, K]);
    const decay = tf.tensor2d(Array.from({ length: K }, (_, k) => a ** (K - k)), [K, 1]);
    const latent = tf.add(tf.matMul(mix, eps), tf.mul(decay, tf.reshape(x, [1, n * d]))); // [K, n d]: z_0..z_{K-1}
    const states = tf.concat([latent, tf.reshape(x, [1, n * d])], 0); // [K + 1, n d]
    // log q(z_0..z_{K-1} | x): each step's residual z_k - a z_{k+1} is exactly s eps_k
    const logQ = tf.sub(tf.mul(tf.sum(tf.reshape(tf.square(eps), [K, n, d]), [0, 2]), -0.5), 0.5 * K * d * Math.log(2 * Math.PI * variance));
    // the generative chain's log-density of the same path, with one batched call of the drift
    const from = tf.reshape(tf.slice(states, [0, 0], [K, n * d]), [K * n, d]) as tf.Tensor2D;
    const to = tf.reshape(tf.slice(states, [1, 0], [K, n * d]), [K * n, d]) as tf.Tensor2D;
    const times = tf.tensor2d(Array.from({ length: K * n }, (_, i) => Math.floor(i / n) * dt), [K * n, 1]);
    const mean = tf.add(from, tf.mul(drift(from, times), dt)) as tf.Tensor2D;
    const transitions = tf.sum(tf.reshape(isotropicNormalLogProb(to, mean, variance), [K, n]), 0);
    const z0 = tf.reshape(tf.slice(states, [0, 0], [1, n * d]), [n, d]) as tf.Tensor2D;
    const logP = tf.add(isotropicNormalLogProb(z0, 0, 1), transitions);
    return tf.sub(logQ, logP) as tf.Tensor1D;
  });
}

/** Samples of the generative chain (the SDE discretised with K steps), path [K + 1, n, dim] if asked. */
export function chainSample(key: Key, n: number, dim: number, drift: ChainDrift, options: ChainOptions, keepPath = false) {
  const { K, dt } = constants(options);
  const [k0, k1] = key.split(2);
  const z0 = normal(k0, [n, dim]) as tf.Tensor2D;
  const atTime = (z: tf.Tensor2D, t: number) => drift(z, tf.fill([z.shape[0], 1], t) as tf.Tensor2D);
  const result = eulerMaruyama(k1, z0, atTime, { dt, steps: K, sigma: Math.sqrt(options.beta), keepPath });
  z0.dispose(); // K >= 1, so the result holds later states and a stacked copy, never z0 itself
  return result;
}
