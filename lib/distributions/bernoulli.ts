// Bernoulli distribution parameterised by logits (log-odds), the numerically stable form.
import * as tf from '../core/tf';
import { ParameterError } from '../core/errors';
import { sumLastAxes } from '../core/ops';
import { Key, uniform } from '../core/random';
import { bernoulliRowLogProb } from './bernoulli-rows';
import { Distribution, DistributionOptions, checkTrailing, checkValues, drawShape, splitShape } from './distribution';

export class Bernoulli implements Distribution {
  readonly name = 'Bernoulli';
  readonly hasRsample = false;
  readonly batchShape: number[];
  readonly eventShape: number[];
  readonly eventRank: number;
  private readonly validate: boolean;
  /** Some logits are infinite (probabilities 0 or 1): log-probabilities and entropy take the exact path. */
  private readonly certain: boolean;

  constructor(readonly logits: tf.Tensor, options: DistributionOptions & { certain?: boolean } = {}) {
    this.eventRank = options.eventRank ?? 0;
    const { batch, event } = splitShape('Bernoulli', logits.shape, this.eventRank);
    this.batchShape = batch;
    this.eventShape = event;
    this.validate = options.validate ?? true;
    if (this.validate) checkValues('Bernoulli', 'logits', logits, (v) => !Number.isNaN(v), 'a number (not NaN)');
    this.certain = options.certain ?? false;
  }

  /** From probabilities in [0, 1]; 0 and 1 become -Inf and +Inf logits. */
  static fromProbs(probs: tf.Tensor, options: DistributionOptions = {}): Bernoulli {
    if (options.validate ?? true) checkValues('Bernoulli', 'probs', probs, (v) => v >= 0 && v <= 1, 'in [0, 1]');
    const logits = tf.tidy(() => tf.sub(tf.log(probs), tf.log1p(tf.neg(probs))));
    // probabilities 0 and 1 make infinite logits, which the plain formulas turn into NaN
    const certain = tf.tidy(() => tf.any(tf.isInf(logits)).dataSync()[0] === 1);
    return new Bernoulli(logits, { ...options, certain }); // validate, if on, also checks values given to logProb
  }

  probs(): tf.Tensor {
    return tf.sigmoid(this.logits);
  }

  sample(key: Key, n?: number): tf.Tensor {
    return tf.tidy(() => tf.cast(tf.less(uniform(key, drawShape(n, this.logits.shape)), tf.sigmoid(this.logits)), 'float32'));
  }

  rsample(): tf.Tensor {
    throw new ParameterError('Bernoulli has no reparameterised sampler (its draws are discrete)',
      'use sample() with a score-function estimator, or a continuous relaxation');
  }

  /** log p(x) = x*l - softplus(l), summed over the event; x must be 0 or 1. */
  logProb(x: tf.Tensor): tf.Tensor {
    checkTrailing('Bernoulli', x, this.logits.shape);
    if (this.validate) checkValues('Bernoulli', 'x', x, (v) => v === 0 || v === 1, '0 or 1');
    if (this.eventRank === 1 && !this.certain && x.rank === 2 && this.logits.rank === 2 && x.shape.every((s, i) => s === this.logits.shape[i])) {
      return bernoulliRowLogProb(x as tf.Tensor2D, this.logits as tf.Tensor2D); // the same sums as one taped operation
    }
    return tf.tidy(() => {
      // one softplus (a slow transcendental on wasm) rather than softplus(-l) and softplus(l): both forms are
      // finite for any l, and they differ by at most an ulp of |l| (tests/distributions check large |l| against scipy)
      let lp = tf.sub(tf.mul(x, this.logits), tf.softplus(this.logits));
      if (this.certain) {
        // p = 0 or 1: log p(x) is 0 for the certain outcome and -Inf for any other x
        const outcome = tf.cast(tf.greater(this.logits, 0), 'float32');
        const exact = tf.where(tf.equal(x, outcome), tf.zerosLike(lp), tf.fill(lp.shape, -Infinity));
        lp = tf.where(tf.isInf(this.logits), exact, lp);
      }
      return sumLastAxes(lp, this.eventRank);
    });
  }

  entropy(): tf.Tensor {
    return tf.tidy(() => {
      const p = tf.sigmoid(this.logits);
      let h = tf.add(tf.mul(p, tf.softplus(tf.neg(this.logits))), tf.mul(tf.sub(1, p), tf.softplus(this.logits)));
      if (this.certain) h = tf.where(tf.isInf(this.logits), tf.zerosLike(h), h); // a certain outcome: no entropy
      return sumLastAxes(h, this.eventRank);
    });
  }
}

/** KL(Bern(p) || Bern(q)) summed over the event. */
export function klBernoulliBernoulli(p: Bernoulli, q: Bernoulli): tf.Tensor {
  return tf.tidy(() => {
    const pp = tf.sigmoid(p.logits);
    // p log(p/q) + (1-p) log((1-p)/(1-q)) with log p = -softplus(-l), log(1-p) = -softplus(l)
    const logRatio1 = tf.sub(tf.softplus(tf.neg(q.logits)), tf.softplus(tf.neg(p.logits)));
    const logRatio0 = tf.sub(tf.softplus(q.logits), tf.softplus(p.logits));
    return sumLastAxes(tf.add(tf.mul(pp, logRatio1), tf.mul(tf.sub(1, pp), logRatio0)), p.eventRank);
  });
}
