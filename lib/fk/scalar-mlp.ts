// A small tanh MLP from k inputs to one output that returns its value and its gradient with respect
// to the inputs in the same pass (forward-mode: one tangent per input), so a drift v = grad log psi
// can be built from it by the chain rule without second-order autodiff. The gradient alone, which
// training differentiates again, is one taped operation with a hand-written backward pass
// (mlp-gradient-op.ts); the tangents in tfjs operations stay as its reference.
import * as tf from '../core/tf';
import { checkInt } from '../core/errors';
import { Key } from '../core/random';
import { Jet, linearJet, tanhJet } from './jet';
import { variableFrom } from '../core/ops';
import { tanhMlpInputGradient } from './mlp-gradient-op';

export class ScalarMlp {
  readonly weights: tf.Variable[] = [];
  readonly biases: tf.Variable[] = [];

  constructor(readonly inputs: number, hidden: number[], key: Key, outputScale = 0.1) {
    checkInt('inputs', inputs, 1);
    const sizes = [inputs, ...hidden, 1];
    const keys = key.split(sizes.length - 1);
    sizes.slice(1).forEach((out, l) => {
      const limit = Math.sqrt(6 / (sizes[l] + out)) * (l === sizes.length - 2 ? outputScale : 1); // start near zero output
      this.weights.push(variableFrom(() => tf.randomUniform([sizes[l], out], -limit, limit, 'float32', keys[l].seed())));
      this.biases.push(variableFrom(() => tf.zeros([out])));
    });
  }

  /** x: [n, inputs] -> value [n]. */
  value(x: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      let h: tf.Tensor2D = x;
      this.weights.forEach((w, l) => {
        const a = tf.add(tf.matMul(h, w), this.biases[l]) as tf.Tensor2D;
        h = l === this.weights.length - 1 ? a : tf.tanh(a) as tf.Tensor2D;
      });
      return tf.reshape(h, [-1]) as tf.Tensor1D;
    });
  }

  /** x: [n, inputs] -> value [n] and gradient [n, inputs]. */
  valueAndGradient(x: tf.Tensor2D): { value: tf.Tensor1D; gradient: tf.Tensor2D } {
    return tf.tidy(() => {
      const { h, gradient } = this.forwardWithTangents(x, true);
      return { value: tf.reshape(h, [-1]) as tf.Tensor1D, gradient };
    });
  }

  /**
   * x: [n, inputs] -> gradient [n, inputs] alone (a drift needs no value), as one taped operation with a
   * hand-written backward pass (mlp-gradient-op.ts); without hidden layers, by the tangents.
   */
  gradient(x: tf.Tensor2D): tf.Tensor2D {
    if (this.weights.length < 2) return this.tangentGradient(x);
    return tanhMlpInputGradient(x, this.weights as tf.Tensor2D[], this.biases.slice(0, -1) as tf.Tensor1D[]);
  }

  /** The same gradient by forward-mode tangents in tfjs operations, differentiated by tfjs's autodiff (the reference). */
  tangentGradient(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.forwardWithTangents(x, false).gradient);
  }

  /** The last layer's output (if `withValue`) and the gradient, by forward-mode tangents. */
  private forwardWithTangents(x: tf.Tensor2D, withValue: boolean): { h: tf.Tensor2D; gradient: tf.Tensor2D } {
    let h: tf.Tensor2D = x;
    // tangents[j] = d h / d x_j, [n, width]; at the input it is the unit row e_j, [1, inputs], which broadcasts
    let tangents: tf.Tensor2D[] = Array.from({ length: this.inputs }, (_, j) => tf.tensor2d([Array.from({ length: this.inputs }, (__, i) => (i === j ? 1 : 0))]));
    const last = this.weights.length - 1;
    this.weights.forEach((w, l) => {
      const da = tangents.map((t) => tf.matMul(t, w) as tf.Tensor2D);
      if (l === last) {
        if (withValue) h = tf.add(tf.matMul(h, w), this.biases[l]) as tf.Tensor2D;
        tangents = da;
      } else {
        h = tf.tanh(tf.add(tf.matMul(h, w), this.biases[l])) as tf.Tensor2D;
        const slope = tf.sub(1, tf.square(h));
        tangents = da.map((t) => tf.mul(slope, t) as tf.Tensor2D);
      }
    });
    const n = x.shape[0];
    const gradient = tangents.length === 1 && tangents[0].shape[0] === n ? tangents[0]
      : tf.concat(tangents.map((t) => tf.broadcastTo(t, [n, 1])), 1) as tf.Tensor2D;
    return { h, gradient };
  }

  /** The network applied to k input fields: its output as one field with gradient and Laplacian. */
  jet(x: Jet): Jet {
    return tf.tidy(() => {
      let h = x;
      const last = this.weights.length - 1;
      this.weights.forEach((w, l) => {
        const a = linearJet(h, w as tf.Tensor2D, this.biases[l] as tf.Tensor1D);
        h = l === last ? a : tanhJet(a);
      });
      return h;
    });
  }

  get variables(): tf.Variable[] {
    return [...this.weights, ...this.biases];
  }
}
