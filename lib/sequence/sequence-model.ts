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
import { logSumExp, variableFrom } from '../core/ops';
import { Normal, klNormalNormal } from '../distributions/normal';
import { Bernoulli } from '../distributions/bernoulli';
import { checkBinary } from '../data/batches';

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

/** A reparameterized draw from g. */
export function stepDraw(g: StepGaussian, key: Key): tf.Tensor2D {
  return tf.tidy(() => tf.add(g.mean, tf.mul(tf.exp(g.logStd), normal(key, g.mean.shape))) as tf.Tensor2D);
}

/** The steps' Gaussians stacked along time as one Normal over [batch, T, k], one event per step. */
export function stackedSteps(steps: StepGaussian[]): Normal {
  const mean = tf.stack(steps.map((g) => g.mean), 1);
  const scale = tf.exp(tf.stack(steps.map((g) => g.logStd), 1));
  // no value check: it would read the tensors back on every pass, and exp keeps the scales positive
  return new Normal(mean, scale, { eventRank: 1, validate: false });
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

  /** The distribution of x given inputs h [n, input]: one event of `data` dimensions per row. */
  distribution(h: tf.Tensor2D): Normal | Bernoulli {
    const out = this.net.apply(h);
    if (this.likelihood === 'bernoulli') return new Bernoulli(out, { eventRank: 1, validate: false });
    return new Normal(out, tf.tidy(() => tf.broadcastTo(tf.exp(this.logStd!), out.shape)), { eventRank: 1, validate: false });
  }

  /** The mean of x_t: the Gaussian's mean, or the Bernoulli probabilities. */
  mean(h: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => (this.likelihood === 'gaussian' ? this.net.apply(h) : tf.sigmoid(this.net.apply(h))) as tf.Tensor2D);
  }

  /** log p(x | h) per row, [n]. */
  logProb(x: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => this.distribution(h).logProb(x) as tf.Tensor1D);
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
  /** p(x_t | ...): its likelihood says what data the model can score. */
  readonly emission: Emission;
  /** One pass of q over x [batch, T, data]: with the KL per step, or (weights) the log-ratio. */
  terms(x: tf.Tensor3D, key: Key, weights?: boolean): SequenceTerms;
  /** The means of q(z_t | ...) along one pass over x, [batch, T, latent]: the codes a probe reads. */
  recognitionMeans(x: tf.Tensor3D, key: Key): tf.Tensor3D;
  /** The practice error per step, [count, steps], for models whose perception can be practised. */
  practiceError?(count: number, steps: number, key: Key): tf.Tensor2D;
  /** The prior run alone for `steps` steps (nothing sensed): the emission means, [count, steps, data]. */
  imagine(count: number, steps: number, key: Key): tf.Tensor3D;
  readonly variables: tf.Variable[];
  namedVariables(): [string, tf.Variable][];
  dispose(): void;
}

/**
 * Collects one pass's steps (q's and the prior's Gaussians, the drawn z_t, the emission's input) and
 * scores them all at once when the pass ends: only the recurrence must run step by step, and one
 * kernel over [batch * T] rows costs what one over [batch] rows does. Gives the closed-form KL for
 * the ELBO, or (weights) the log-ratio for importance weights.
 */
export class TermRecorder {
  private readonly q: StepGaussian[] = [];
  private readonly p: StepGaussian[] = [];
  private readonly z: tf.Tensor2D[] = [];
  private readonly inputs: tf.Tensor2D[] = [];

  constructor(readonly weights = false) {}

  /** Step t: q's and the prior's Gaussians, the z_t drawn from q, and what the emission sees of step t. */
  add(q: StepGaussian, p: StepGaussian, z: tf.Tensor2D, emissionInput: tf.Tensor2D = z): void {
    this.q.push(q);
    this.p.push(p);
    this.z.push(z);
    this.inputs.push(emissionInput);
  }

  /** q's means along the pass, [batch, T, latent]. */
  means(): tf.Tensor3D {
    return tf.stack(this.q.map((g) => g.mean), 1) as tf.Tensor3D;
  }

  /** The per-step terms for sequences x [batch, T, data] under `emission`. */
  terms(x: tf.Tensor3D, emission: Emission): SequenceTerms {
    const [b, steps, d] = x.shape;
    const input = tf.stack(this.inputs, 1);
    const rows = (t: tf.Tensor, width: number) => tf.reshape(t, [b * steps, width]) as tf.Tensor2D;
    const logLikelihood = tf.reshape(emission.logProb(rows(x, d), rows(input, input.shape[2]!)), [b, steps]) as tf.Tensor2D;
    const [q, p] = [stackedSteps(this.q), stackedSteps(this.p)];
    if (!this.weights) return { logLikelihood, kl: klNormalNormal(q, p) as tf.Tensor2D };
    const z = tf.stack(this.z, 1);
    return { logLikelihood, logRatio: tf.sub(p.logProb(z), q.logProb(z)) as tf.Tensor2D };
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

/** Throws unless a model with a Bernoulli emission is given binary data: a likelihood of 0/1 pixels scores nothing else. */
function checkScorable(model: SequenceLatentModel, x: tf.Tensor3D): void {
  if (model.emission.likelihood === 'bernoulli') checkBinary('sequences for a Bernoulli emission', x);
}

/** The ELBO of each sequence, summed over its steps, [batch]. */
export function sequenceElbo(model: SequenceLatentModel, x: tf.Tensor3D, key: Key): tf.Tensor1D {
  checkScorable(model, x);
  return tf.tidy(() => {
    const t = model.terms(x, key);
    return tf.sum(tf.sub(t.logLikelihood, t.kl!), 1) as tf.Tensor1D;
  });
}

/**
 * The log importance weights log p(x, z_1..T) - log q(z_1..T | x) of `particles` draws of q per
 * sequence, [particles, batch]: row k holds particle k of every sequence.
 */
export function sequenceLogWeights(model: SequenceLatentModel, x: tf.Tensor3D, particles: number, key: Key): tf.Tensor2D {
  checkInt('particles', particles, 1);
  checkScorable(model, x);
  return tf.tidy(() => {
    // particle-major copies: rows k * b + i are particle k of sequence i
    const tiled = tf.tile(x, [particles, 1, 1]) as tf.Tensor3D;
    const t = model.terms(tiled, key, true);
    return tf.reshape(tf.sum(tf.add(t.logLikelihood, t.logRatio!), 1), [particles, x.shape[0]]) as tf.Tensor2D;
  });
}

/** The importance-weighted bound of each sequence with `particles` draws of q as the proposal, [batch]. */
export function sequenceIwae(model: SequenceLatentModel, x: tf.Tensor3D, particles: number, key: Key): tf.Tensor1D {
  return tf.tidy(() => tf.sub(logSumExp(sequenceLogWeights(model, x, particles, key), 0), Math.log(particles)) as tf.Tensor1D);
}
