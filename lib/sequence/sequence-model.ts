// What the lecture's sequence models share. Each runs its recognition model q over a sequence
// x_1..T one step at a time, drawing z_t from q(z_t | its past, the data it may see), and reports
// per step: log p(x_t | z_t, past); the KL of q's step from the prior's step, in closed form (both
// are diagonal Gaussians once the past is drawn); and log p(z_t | past) - log q(z_t | ...) at the
// drawn z_t. From these come the ELBO, the sum over steps of log-likelihood minus KL, and the
// importance-weighted bound with q as the proposal (Burda et al. 2016).
import * as tf from '../core/tf';
import { ShapeError, checkInt, fmtShape } from '../core/errors';
import { Key, normal } from '../core/random';
import { Mlp } from '../nn/mlp';
import { uniqueVariableName } from '../nn/dense';
import { variableFrom } from '../core/ops';

/** A diagonal Gaussian over one step's latent: mean and log standard deviation, [batch, k] each. */
export interface StepGaussian {
  mean: tf.Tensor2D;
  logStd: tf.Tensor2D;
}

/** The first half of the columns is the mean, the second the log standard deviation. */
export function splitGaussian(out: tf.Tensor2D): StepGaussian {
  const [mean, logStd] = tf.split(out, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
  return { mean, logStd };
}

/** KL(q || p) per row, [batch]. */
export function stepKl(q: StepGaussian, p: StepGaussian): tf.Tensor1D {
  return tf.tidy(() => {
    const ratio = tf.exp(tf.mul(tf.sub(q.logStd, p.logStd), 2));
    const mean = tf.div(tf.square(tf.sub(q.mean, p.mean)), tf.exp(tf.mul(p.logStd, 2)));
    return tf.mul(tf.sum(tf.sub(tf.sub(tf.add(ratio, mean), 1), tf.mul(tf.sub(q.logStd, p.logStd), 2)), 1), 0.5) as tf.Tensor1D;
  });
}

/** log N(z; mean, std^2) per row, [batch]. */
export function stepLogDensity(z: tf.Tensor2D, g: StepGaussian): tf.Tensor1D {
  return tf.tidy(() => {
    const u = tf.div(tf.sub(z, g.mean), tf.exp(g.logStd));
    return tf.neg(tf.sum(tf.add(tf.add(tf.mul(tf.square(u), 0.5), g.logStd), 0.5 * Math.log(2 * Math.PI)), 1)) as tf.Tensor1D;
  });
}

/** A reparameterized draw from g. */
export function stepDraw(g: StepGaussian, key: Key): tf.Tensor2D {
  return tf.tidy(() => tf.add(g.mean, tf.mul(tf.exp(g.logStd), normal(key, g.mean.shape))) as tf.Tensor2D);
}

export type Likelihood = 'gaussian' | 'bernoulli';

/**
 * p(x_t | input): an MLP to the data's dimension; for 'gaussian' a mean with a learned standard
 * deviation per dimension, for 'bernoulli' logits.
 */
export class Emission {
  readonly net: Mlp;
  readonly logStd?: tf.Variable<tf.Rank.R1>;

  constructor(readonly input: number, readonly data: number, hidden: number[], readonly likelihood: Likelihood, key: Key, readonly name: string) {
    this.net = new Mlp({ sizes: [input, ...hidden, data], hidden: 'tanh', output: 'linear' }, key, `${name}/net`);
    if (likelihood === 'gaussian') this.logStd = variableFrom(() => tf.fill([data], Math.log(0.5)) as tf.Tensor1D, true, uniqueVariableName(`${name}/log-std`));
  }

  /** The mean of x_t: the Gaussian's mean, or the Bernoulli probabilities. */
  mean(h: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => (this.likelihood === 'gaussian' ? this.net.apply(h) : tf.sigmoid(this.net.apply(h))) as tf.Tensor2D);
  }

  /** log p(x | h) per row, [batch]. */
  logProb(x: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const out = this.net.apply(h);
      if (this.likelihood === 'bernoulli') {
        // log sigmoid(l) for x = 1, log sigmoid(-l) for x = 0, without forming either probability
        return tf.neg(tf.sum(tf.sub(tf.softplus(out), tf.mul(x, out)), 1)) as tf.Tensor1D;
      }
      const u = tf.div(tf.sub(x, out), tf.exp(this.logStd!));
      return tf.neg(tf.sum(tf.add(tf.add(tf.mul(tf.square(u), 0.5), this.logStd!), 0.5 * Math.log(2 * Math.PI)), 1)) as tf.Tensor1D;
    });
  }

  get variables(): tf.Variable[] {
    return [...this.net.variables, ...(this.logStd ? [this.logStd] : [])];
  }

  namedVariables(): [string, tf.Variable][] {
    return [...this.net.namedVariables(), ...(this.logStd ? [[`${this.name}/log-std`, this.logStd] as [string, tf.Variable]] : [])];
  }

  dispose(): void {
    this.net.dispose();
    this.logStd?.dispose();
  }
}

/** Per-step terms of one pass of q over a batch of sequences, [batch, T] each. */
// a type, not an interface, so that tf.tidy accepts it as a tensor container
export type SequenceTerms = {
  /** log p(x_t | z_t, past). */
  logLikelihood: tf.Tensor2D;
  /** For the ELBO: KL(q(z_t | ...) || p(z_t | past)), given the drawn past. */
  kl?: tf.Tensor2D;
  /** For importance weights: log p(z_t | past) - log q(z_t | ...) at the drawn z_t. */
  logRatio?: tf.Tensor2D;
};

export interface SequenceLatentModel {
  readonly data: number;
  readonly latent: number;
  /** One pass of q over x [batch, T, data]: with the KL per step, or (weights) the log-ratio. */
  terms(x: tf.Tensor3D, key: Key, weights?: boolean): SequenceTerms;
  /** The prior run alone for `steps` steps (nothing sensed): the emission means, [count, steps, data]. */
  imagine(count: number, steps: number, key: Key): tf.Tensor3D;
  readonly variables: tf.Variable[];
  namedVariables(): [string, tf.Variable][];
  dispose(): void;
}

/**
 * Collects one pass's per-step terms and stacks them to [batch, T]: the closed-form KL for the
 * ELBO, or (weights) the log-ratio for importance weights, not both (each costs kernels per step).
 */
export class TermRecorder {
  private readonly ll: tf.Tensor1D[] = [];
  private readonly second: tf.Tensor1D[] = [];

  constructor(readonly weights = false) {}

  /** Step t: log p(x_t | ...), and q's and the prior's Gaussians with the z_t drawn from q. */
  add(logLikelihood: tf.Tensor1D, q: StepGaussian, p: StepGaussian, z: tf.Tensor2D): void {
    this.ll.push(logLikelihood);
    this.second.push(this.weights ? (tf.sub(stepLogDensity(z, p), stepLogDensity(z, q)) as tf.Tensor1D) : stepKl(q, p));
  }

  terms(): SequenceTerms {
    const logLikelihood = tf.stack(this.ll, 1) as tf.Tensor2D;
    const second = tf.stack(this.second, 1) as tf.Tensor2D;
    return this.weights ? { logLikelihood, logRatio: second } : { logLikelihood, kl: second };
  }
}

/** What a model is built from: layers and cells that own variables. */
export interface ModelPart {
  readonly variables: tf.Variable[];
  namedVariables(): [string, tf.Variable][];
  dispose(): void;
}

/** A model's variables, saved names and disposal, from its parts. */
export abstract class ComposedModel {
  protected abstract get parts(): ModelPart[];

  get variables(): tf.Variable[] {
    return this.parts.flatMap((p) => p.variables);
  }

  namedVariables(): [string, tf.Variable][] {
    return this.parts.flatMap((p) => p.namedVariables());
  }

  dispose(): void {
    this.parts.forEach((p) => p.dispose());
  }
}

/** Throws unless x is [batch, T, data] with T >= 1. */
export function checkSequences(x: tf.Tensor, data: number): void {
  if (x.rank !== 3 || x.shape[2] !== data || (x.shape[1] ?? 0) < 1) {
    throw new ShapeError(`sequences of shape ${fmtShape(x.shape)} do not fit a model of ${data}-dimensional observations`, `pass x as [batch, steps, ${data}]`);
  }
}

/** The ELBO of each sequence, summed over its steps, [batch]. */
export function sequenceElbo(model: SequenceLatentModel, x: tf.Tensor3D, key: Key): tf.Tensor1D {
  return tf.tidy(() => {
    const t = model.terms(x, key);
    return tf.sum(tf.sub(t.logLikelihood, t.kl!), 1) as tf.Tensor1D;
  });
}

/** The importance-weighted bound of each sequence with `particles` draws of q as the proposal, [batch]. */
export function sequenceIwae(model: SequenceLatentModel, x: tf.Tensor3D, particles: number, key: Key): tf.Tensor1D {
  checkInt('particles', particles, 1);
  return tf.tidy(() => {
    const b = x.shape[0];
    // particle-major copies: rows k * b + i are particle k of sequence i
    const tiled = tf.tile(x, [particles, 1, 1]) as tf.Tensor3D;
    const t = model.terms(tiled, key, true);
    const logW = tf.reshape(tf.sum(tf.add(t.logLikelihood, t.logRatio!), 1), [particles, b]);
    return tf.sub(tf.logSumExp(logW, 0), Math.log(particles)) as tf.Tensor1D;
  });
}
