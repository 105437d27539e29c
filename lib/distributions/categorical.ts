// Categorical distribution over K classes given logits of shape [...batch, K]; draws are class indices.
import * as tf from '../core/tf';
import { ParameterError, ShapeError, fmtShape } from '../core/errors';
import { Key, uniform } from '../core/random';
import { Distribution, DistributionOptions, checkValues, drawShape } from './distribution';

export class Categorical implements Distribution {
  readonly name = 'Categorical';
  readonly hasRsample = false;
  readonly batchShape: number[];
  readonly eventShape: number[] = [];
  readonly numClasses: number;
  private readonly validate: boolean;

  constructor(readonly logits: tf.Tensor, options: Omit<DistributionOptions, 'eventRank'> = {}) {
    if (logits.rank < 1 || logits.shape[logits.rank - 1] < 1) {
      throw new ShapeError(`Categorical: logits of shape ${fmtShape(logits.shape)} have no class axis`, 'pass logits of shape [...batch, K] with K >= 1');
    }
    this.batchShape = logits.shape.slice(0, -1);
    this.numClasses = logits.shape[logits.rank - 1];
    this.validate = options.validate ?? true;
    if (this.validate) checkValues('Categorical', 'logits', logits, (v) => v < Infinity && !Number.isNaN(v), 'a number below +Infinity (-Infinity marks an impossible class)');
  }

  /** From probabilities of shape [...batch, K], each row non-negative and summing to 1 (to 1e-5). */
  static fromProbs(probs: tf.Tensor, options: Omit<DistributionOptions, 'eventRank'> = {}): Categorical {
    if (options.validate ?? true) {
      checkValues('Categorical', 'probs', probs, (v) => v >= 0 && v <= 1, 'in [0, 1]');
      const total = tf.sum(probs, -1);
      const sums = total.dataSync();
      total.dispose();
      sums.forEach((s, i) => {
        if (Math.abs(s - 1) > 1e-5) throw new ParameterError(`Categorical: probabilities of row ${i} sum to ${s}, not 1`, 'normalise each row of probs to sum to 1');
      });
    }
    return new Categorical(tf.log(probs), { validate: false });
  }

  logProbsAll(): tf.Tensor {
    return tf.logSoftmax(this.logits);
  }

  /** Class indices (int32) by the Gumbel-max trick. */
  sample(key: Key, n?: number): tf.Tensor {
    return tf.tidy(() => {
      const u = uniform(key, drawShape(n, this.logits.shape), 1e-12, 1);
      const gumbel = tf.neg(tf.log(tf.neg(tf.log(u))));
      return tf.argMax(tf.add(this.logits, gumbel), -1);
    });
  }

  rsample(): tf.Tensor {
    throw new ParameterError('Categorical has no reparameterised sampler (its draws are discrete)',
      'use sample() with a score-function estimator, or a Gumbel-softmax relaxation');
  }

  /** log p(x) for integer class indices x of shape [...sample, ...batch]. */
  logProb(x: tf.Tensor): tf.Tensor {
    const tail = x.shape.slice(x.rank - this.batchShape.length);
    if (x.rank < this.batchShape.length || tail.some((d, i) => d !== this.batchShape[i])) {
      throw new ShapeError(`Categorical.logProb got indices of shape ${fmtShape(x.shape)} whose trailing axes should be the batch shape ${fmtShape(this.batchShape)}`,
        'pass class indices of shape [...sample, ...batch]');
    }
    if (this.validate) checkValues('Categorical', 'x', x, (v) => Number.isInteger(v) && v >= 0 && v < this.numClasses, `an integer class index in 0..${this.numClasses - 1}`);
    return tf.tidy(() => {
      const oneHot = tf.oneHot(tf.cast(x, 'int32'), this.numClasses);
      const lp = tf.logSoftmax(this.logits);
      // 0 * -Inf would be NaN for impossible classes: select instead of multiplying
      return tf.sum(tf.where(tf.cast(oneHot, 'bool'), tf.broadcastTo(lp, oneHot.shape), tf.zerosLike(oneHot)), -1);
    });
  }

  entropy(): tf.Tensor {
    return tf.tidy(() => {
      const lp = tf.logSoftmax(this.logits);
      const p = tf.exp(lp);
      return tf.neg(tf.sum(tf.where(tf.greater(p, 0), tf.mul(p, lp), tf.zerosLike(p)), -1));
    });
  }
}

/** KL(Cat(p) || Cat(q)) over the last axis. */
export function klCategoricalCategorical(p: Categorical, q: Categorical): tf.Tensor {
  return tf.tidy(() => {
    const lp = tf.logSoftmax(p.logits);
    const lq = tf.logSoftmax(q.logits);
    const pp = tf.exp(lp);
    return tf.sum(tf.where(tf.greater(pp, 0), tf.mul(pp, tf.sub(lp, lq)), tf.zerosLike(pp)), -1);
  });
}
