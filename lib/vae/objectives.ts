// The remedies for posterior collapse as objectives: a weight beta on the KL (beta-VAE), a KL weight
// that warms up from 0 (annealing), a floor under the KL of each group of latents (free bits), and
// the committed rate of a posterior family that cannot reach the prior (delta-VAE).
import * as tf from '../core/tf';
import { ParameterError, checkInt, checkNumber } from '../core/errors';
import { LatentVaeTerms } from './latent-vae';

export type KlSchedule =
  | { kind: 'constant'; beta: number }
  /** beta rises linearly from `from` at step 0 to `to` at step `warmup`, and stays there. */
  | { kind: 'linear'; warmup: number; from?: number; to?: number };

function checkBeta(name: string, beta: number): void {
  checkNumber(name, beta, (b) => Number.isFinite(b) && b >= 0, 'a finite number >= 0 (the weight of the KL term)');
}

/** The KL weight at a training step. */
export function klWeight(schedule: KlSchedule, step: number): number {
  checkInt('step', step, 0);
  if (schedule.kind === 'constant') {
    checkBeta('beta', schedule.beta);
    return schedule.beta;
  }
  if (schedule.kind === 'linear') {
    const from = schedule.from ?? 0;
    const to = schedule.to ?? 1;
    checkBeta('from', from);
    checkBeta('to', to);
    checkInt('warmup', schedule.warmup, 1);
    return step >= schedule.warmup ? to : from + (to - from) * (step / schedule.warmup);
  }
  throw new ParameterError(`unknown KL schedule ${JSON.stringify(schedule)}`, "use { kind: 'constant', beta } or { kind: 'linear', warmup }");
}

// derived in lecture 3 (notebooks/03-posterior-collapse.ipynb)
/**
 * The free-bits KL (Kingma et al. 2016): latents are split into groups of `groupSize`; each group's
 * KL, averaged over the batch, costs max(lambda, KL_group). Below the floor a group's KL has no
 * gradient, so the optimiser has no reason to push it to zero. klPerDim: [batch, d] -> scalar.
 */
export function freeBitsKl(klPerDim: tf.Tensor2D, lambda: number, groupSize = 1): tf.Scalar {
  checkNumber('lambda', lambda, (l) => Number.isFinite(l) && l >= 0, 'a finite number of nats >= 0');
  checkInt('groupSize', groupSize, 1);
  const d = klPerDim.shape[1];
  if (d % groupSize !== 0) throw new ParameterError(`groupSize ${groupSize} does not divide the ${d} latent dimensions`, `use a divisor of ${d}`);
  return tf.tidy(() => {
    const perGroup = tf.sum(tf.reshape(tf.mean(klPerDim, 0), [d / groupSize, groupSize]), 1);
    return tf.sum(tf.maximum(perGroup, lambda)) as tf.Scalar;
  });
}

export interface VaeObjective {
  /** KL weight (1 is the ELBO). */
  beta: number;
  /** Free-bits floor in nats per group (0 or absent: none). */
  freeBits?: number;
  freeBitsGroup?: number;
}

/** The training loss: -mean reconstruction + beta * (mean KL, or its free-bits form). */
export function vaeLoss(terms: LatentVaeTerms, objective: VaeObjective): tf.Scalar {
  checkBeta('beta', objective.beta);
  return tf.tidy(() => {
    const klTerm = objective.freeBits ? freeBitsKl(terms.klPerDim, objective.freeBits, objective.freeBitsGroup ?? 1)
      : tf.mean(tf.sum(terms.klPerDim, 1));
    return tf.sub(tf.mul(objective.beta, klTerm), tf.mean(terms.reconstruction)) as tf.Scalar;
  });
}

/** Per-dimension KL floor of a posterior with fixed scale s: KL(N(mu, s^2) || N(0, 1)) >= (s^2 - 1 - log s^2)/2. */
export function committedRate(posteriorScale: number): number {
  checkNumber('posteriorScale', posteriorScale, (s) => s > 0, '> 0');
  const v = posteriorScale * posteriorScale;
  return 0.5 * (v - 1 - Math.log(v));
}

/** The fixed posterior scale s < 1 whose committed rate is `delta` nats per dimension (bisection). */
export function posteriorScaleForRate(delta: number): number {
  checkNumber('delta', delta, (d) => d > 0 && Number.isFinite(d), 'a positive number of nats');
  let lo = 1e-12;
  let hi = 1;
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (committedRate(mid) > delta) lo = mid; else hi = mid; // the rate falls as s rises to 1
  }
  return 0.5 * (lo + hi);
}
