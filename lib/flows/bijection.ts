// One interface for invertible maps with tractable Jacobians, as in normflows: both directions
// return the log-determinant of their own Jacobian, so logDet(forward) + logDet(inverse) = 0.
import * as tf from '../core/tf';
import { checkShape } from '../core/errors';

export interface Transformed {
  /** The image, [batch, dim]. */
  value: tf.Tensor2D;
  /** log |det d(value)/d(input)| per example, [batch]. */
  logDet: tf.Tensor1D;
}

export interface Bijection {
  name: string;
  dim: number;
  forward(x: tf.Tensor2D): Transformed;
  inverse(y: tf.Tensor2D): Transformed;
  variables: tf.Variable[];
}

/** Composition: forward applies the bijections in order, inverse in reverse; log-determinants add. */
export function compose(name: string, bijections: Bijection[]): Bijection {
  const run = (x: tf.Tensor2D, dir: 'forward' | 'inverse') => tf.tidy(() => {
    const order = dir === 'forward' ? bijections : [...bijections].reverse();
    let value = x;
    let logDet = tf.zeros([x.shape[0]]) as tf.Tensor1D;
    for (const b of order) {
      const r = b[dir](value);
      value = r.value;
      logDet = tf.add(logDet, r.logDet) as tf.Tensor1D;
    }
    return { value, logDet };
  });
  return {
    name,
    dim: bijections[0].dim,
    forward: (x) => run(x, 'forward'),
    inverse: (y) => run(y, 'inverse'),
    variables: bijections.flatMap((b) => b.variables),
  };
}

/** The same map run backwards: forward and inverse swap (used to put a flow's sampling direction first). */
export function invert(b: Bijection): Bijection {
  return { name: `inverse of ${b.name}`, dim: b.dim, forward: (x) => b.inverse(x), inverse: (y) => b.forward(y), variables: b.variables };
}

/** Throws a ShapeError unless x is [batch, b.dim]. */
export function checkInput(b: { name: string; dim: number }, x: tf.Tensor2D): void {
  checkShape(`${b.name} input`, x.shape, [-1, b.dim]);
}

/** A constant per-example log-determinant, [batch]. */
export function constantLogDet(batch: number, value: tf.Tensor | number): tf.Tensor1D {
  return tf.mul(tf.ones([batch]), value) as tf.Tensor1D;
}
