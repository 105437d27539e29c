// A normalizing flow: a bijection from data x to a standard normal base z, logProb by the change of
// variables, sampling by the inverse, and the forward (maximum-likelihood) KL as a loss.
import * as tf from '../core/tf';
import { Key, normal } from '../core/random';
import { Bijection } from './bijection';
import { isotropicNormalLogProb } from '../distributions/normal';

/** log N(z; 0, I) per row, [batch]. */
export function baseLogProb(z: tf.Tensor2D): tf.Tensor1D {
  return isotropicNormalLogProb(z, 0, 1);
}

export class Flow {
  constructor(readonly toBase: Bijection) {}

  /** log p(x) = log N(f(x); 0, I) + log |det df/dx|, [batch]. */
  logProb(x: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const { value: z, logDet } = this.toBase.forward(x);
      return tf.add(baseLogProb(z), logDet) as tf.Tensor1D;
    });
  }

  /**
   * n samples with their log-density in one pass through the sampling direction, differentiable in
   * the flow's parameters (the reparameterization trick): log q(x) = log N(z) - log |det dx/dz|.
   */
  sampleWithLogProb(key: Key, n: number): { x: tf.Tensor2D; logProb: tf.Tensor1D } {
    return tf.tidy(() => {
      const z = normal(key, [n, this.toBase.dim]) as tf.Tensor2D;
      const { value: x, logDet } = this.toBase.inverse(z);
      return { x, logProb: tf.sub(baseLogProb(z), logDet) as tf.Tensor1D };
    });
  }

  /**
   * Reverse KL up to the target's log-normaliser: E_q[log q(x) - logTarget(x)] = KL(q || p) - log Z,
   * estimated with n samples. Its negative is the ELBO, a lower bound on log Z.
   */
  reverseKl(key: Key, n: number, logTarget: (x: tf.Tensor2D) => tf.Tensor1D): tf.Scalar {
    return tf.tidy(() => {
      const { x, logProb } = this.sampleWithLogProb(key, n);
      return tf.mean(tf.sub(logProb, logTarget(x))) as tf.Scalar;
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

  /** Frees the flow's variables. */
  dispose(): void {
    this.variables.forEach((v) => v.dispose());
  }
}
