// Normal distribution with diagonal covariance: loc and scale of the same shape. Its log-density and
// KL divergence are normal-rows.ts's one-kernel operations.
import * as tf from '../core/tf';
import { ShapeError, fmtShape } from '../core/errors';
import { stopGradient, sumLastAxes } from '../core/ops';
import { Key, normal } from '../core/random';
import { HALF_LOG_2PI, normalKl, normalLogProb } from './normal-rows';
import { Distribution, DistributionOptions, checkTrailing, checkValues, drawShape, splitShape } from './distribution';


export class Normal implements Distribution {
  readonly name = 'Normal';
  readonly hasRsample = true;
  readonly batchShape: number[];
  readonly eventShape: number[];
  readonly eventRank: number;

  /** N(loc, diag(scale^2)); `eventRank` trailing axes form one event (0: every entry its own event). */
  constructor(readonly loc: tf.Tensor, readonly scale: tf.Tensor, options: DistributionOptions = {}) {
    if (loc.shape.join() !== scale.shape.join()) {
      throw new ShapeError(`Normal: loc has shape ${fmtShape(loc.shape)} but scale has ${fmtShape(scale.shape)}`,
        'pass loc and scale of the same shape (broadcast scale with tf.broadcastTo first)');
    }
    this.eventRank = options.eventRank ?? 0;
    const { batch, event } = splitShape('Normal', loc.shape, this.eventRank);
    this.batchShape = batch;
    this.eventShape = event;
    if (options.validate ?? true) {
      checkValues('Normal', 'loc', loc, Number.isFinite, 'finite');
      checkValues('Normal', 'scale', scale, (v) => v > 0 && Number.isFinite(v), 'positive and finite');
    }
  }

  /** N(loc, exp(logVar)): the form an encoder usually outputs. */
  static fromLogVar(loc: tf.Tensor, logVar: tf.Tensor, options: DistributionOptions = {}): Normal {
    return new Normal(loc, tf.tidy(() => tf.exp(tf.mul(logVar, 0.5))), options);
  }

  /** The standard normal with the given batch + event shape. */
  static standard(shape: number[], eventRank = shape.length): Normal {
    return new Normal(tf.zeros(shape), tf.ones(shape), { eventRank, validate: false });
  }

  rsample(key: Key, n?: number): tf.Tensor {
    const eps = normal(key, drawShape(n, this.loc.shape));
    return tf.tidy(() => tf.add(this.loc, tf.mul(this.scale, eps)));
  }

  sample(key: Key, n?: number): tf.Tensor {
    return tf.tidy(() => stopGradient(this.rsample(key, n)));
  }

  logProb(x: tf.Tensor): tf.Tensor {
    checkTrailing('Normal', x, this.loc.shape);
    return normalLogProb(x, this.loc, this.scale, this.eventRank);
  }

  entropy(): tf.Tensor {
    return tf.tidy(() => sumLastAxes(tf.add(tf.log(this.scale), 0.5 + HALF_LOG_2PI), this.eventRank));
  }
}

/** KL(N(m1, s1) || N(m2, s2)) summed over the event, shape [...batch]. */
export function klNormalNormal(p: Normal, q: Normal): tf.Tensor {
  if (p.loc.shape.join() !== q.loc.shape.join() || p.eventRank !== q.eventRank) {
    throw new ShapeError(`KL(Normal || Normal): shapes ${fmtShape(p.loc.shape)} (eventRank ${p.eventRank}) and ${fmtShape(q.loc.shape)} (eventRank ${q.eventRank}) differ`,
      'build both distributions with the same shape and eventRank');
  }
  return normalKl(p.loc, p.scale, q.loc, q.scale, p.eventRank);
}

/** log N(x; mean, variance I) summed over the last axis, [n], for rows x: [n, d] and one scalar variance. */
export function isotropicNormalLogProb(x: tf.Tensor2D, mean: tf.Tensor2D | number, variance: number): tf.Tensor1D {
  const d = x.shape[1];
  return tf.tidy(() => tf.sub(tf.div(tf.sum(tf.square(tf.sub(x, mean)), 1), -2 * variance), 0.5 * d * Math.log(2 * Math.PI * variance)) as tf.Tensor1D);
}
