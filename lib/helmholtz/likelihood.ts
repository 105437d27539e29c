// Marginal likelihoods of a Helmholtz machine: exact by enumerating every latent configuration (small
// models, up to 20 binary latents), and the importance-sampled estimate with q as the proposal,
// streamed in chunks so that K = 5,000 particles need no more memory than one chunk.
import * as tf from '../core/tf';
import { ParameterError, checkInt } from '../core/errors';
import { Key } from '../core/random';
import { LogMeanExp } from '../core/stats';
import { SigmoidBeliefNet, repeatRows } from './sbn';

/** The most latents enumerated: 2^20 configurations per data row. */
export const MAX_ENUMERATED_LATENTS = 20;

/** Every 0/1 configuration of `bits` units, [2^bits, bits], configuration c in binary (unit 0 lowest). */
export function allConfigurations(bits: number): tf.Tensor2D {
  checkInt('bits', bits, 1);
  if (bits > MAX_ENUMERATED_LATENTS) {
    throw new ParameterError(`${bits} latents have 2^${bits} configurations`, `enumerate models with at most ${MAX_ENUMERATED_LATENTS} latents; estimate larger ones by importance sampling`);
  }
  const count = 2 ** bits;
  const values = new Float32Array(count * bits);
  for (let c = 0; c < count; c++) for (let b = 0; b < bits; b++) values[c * bits + b] = (c >> b) & 1;
  return tf.tensor2d(values, [count, bits]);
}

/** Splits configurations [C, H] into the model's layers, each repeated for every data row: row c·B + b. */
function latentsForAllRows(model: SigmoidBeliefNet, configs: tf.Tensor2D, rows: number): tf.Tensor2D[] {
  const hs: tf.Tensor2D[] = [];
  let start = 0;
  for (let l = 1; l < model.sizes.length; l++) {
    const layer = tf.slice(configs, [0, start], [-1, model.sizes[l]]);
    // configuration c repeated for every row: row c·B + b takes configuration floor(row / B)
    const which = tf.tensor1d(Int32Array.from({ length: configs.shape[0] * rows }, (_, i) => Math.floor(i / rows)), 'int32');
    hs.push(tf.gather(layer, which) as tf.Tensor2D);
    start += model.sizes[l];
  }
  return hs;
}

/**
 * log p(h, x) and log q(h | x) for every configuration h and every row of x, as [C, B] tensors
 * (differentiable with respect to the networks' weights).
 */
export function enumerateJoint(model: SigmoidBeliefNet, x: tf.Tensor2D): { logJoint: tf.Tensor2D; logRecognition: tf.Tensor2D } {
  const latents = model.sizes.slice(1).reduce((a, b) => a + b, 0);
  return tf.tidy(() => {
    const configs = allConfigurations(latents);
    const count = configs.shape[0], rows = x.shape[0];
    const xs = repeatRows(x, count);
    const hs = latentsForAllRows(model, configs, rows);
    return {
      logJoint: tf.reshape(model.logJoint(xs, hs), [count, rows]) as tf.Tensor2D,
      logRecognition: tf.reshape(model.logRecognition(xs, hs), [count, rows]) as tf.Tensor2D,
    };
  });
}

/** Exact log p(x) per row, by summing p(x, h) over every latent configuration. */
export function exactLogMarginal(model: SigmoidBeliefNet, x: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.logSumExp(enumerateJoint(model, x).logJoint, 0) as tf.Tensor1D);
}

/** Exact KL(q(h|x) ‖ p(h|x)) and KL(p(h|x) ‖ q(h|x)) per row, in nats: what the ELBO and the sleep phase fit. */
export function exactPosteriorDivergences(model: SigmoidBeliefNet, x: tf.Tensor2D): { qToP: Float64Array; pToQ: Float64Array } {
  const [qp, pq] = tf.tidy(() => {
    const { logJoint, logRecognition } = enumerateJoint(model, x);
    const logPosterior = tf.sub(logJoint, tf.logSumExp(logJoint, 0, true));
    const diff = tf.sub(logRecognition, logPosterior);
    return [tf.sum(tf.mul(tf.exp(logRecognition), diff), 0), tf.sum(tf.mul(tf.exp(logPosterior), tf.neg(diff)), 0)];
  });
  const out = { qToP: Float64Array.from(qp.dataSync()), pToQ: Float64Array.from(pq.dataSync()) };
  tf.dispose([qp, pq]);
  return out;
}

/**
 * The importance-sampled estimate log (1/K Σ_k p(x, h_k) / q(h_k | x)), h_k ~ q(h | x), per row of x,
 * drawn `chunk` particles at a time (a running log-sum-exp in float64 keeps memory flat in K).
 */
export function importanceLogMarginal(model: SigmoidBeliefNet, key: Key, x: tf.Tensor2D, particles: number, chunk = 100): Float64Array {
  checkInt('particles', particles, 1);
  checkInt('chunk', chunk, 1);
  const mean = new LogMeanExp(x.shape[0]);
  for (let done = 0, j = 0; done < particles; done += chunk, j++) {
    const k = Math.min(chunk, particles - done);
    const logW = tf.tidy(() => {
      const xs = repeatRows(x, k);
      const { hs, logQ } = model.drawRecognition(key.foldIn(j), x, k);
      return tf.sub(model.logJoint(xs, hs), logQ);
    });
    mean.add(logW.dataSync());
    logW.dispose();
  }
  return mean.value();
}
