// A normalizing flow: a bijection from data x to a standard normal base z, logProb by the change of
// variables, sampling by the inverse, and the forward (maximum-likelihood) KL as a loss.
import * as tf from '../core/tf';
import { Key, normal } from '../core/random';
import { Bijection } from './bijection';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

export class Flow {
  constructor(readonly toBase: Bijection) {}

  /** log p(x) = log N(f(x); 0, I) + log |det df/dx|, [batch]. */
  logProb(x: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const { value: z, logDet } = this.toBase.forward(x);
      const base = tf.neg(tf.add(tf.mul(tf.sum(tf.square(z), 1), 0.5), HALF_LOG_2PI * z.shape[1]));
      return tf.add(base, logDet) as tf.Tensor1D;
    });
  }

  /** n samples x = f^-1(z), z ~ N(0, I). */
  sample(key: Key, n: number): tf.Tensor2D {
    return tf.tidy(() => this.toBase.inverse(normal(key, [n, this.toBase.dim]) as tf.Tensor2D).value);
  }

  /** Forward KL up to the data entropy: the negative mean log-likelihood of the batch. */
  forwardKl(x: tf.Tensor2D): tf.Scalar {
    return tf.tidy(() => tf.neg(tf.mean(this.logProb(x))) as tf.Scalar);
  }

  get variables(): tf.Variable[] {
    return this.toBase.variables;
  }
}
