// Layer normalisation: each position's vector is shifted to mean 0 and scaled to variance 1 over its
// features, then given a learned gain and bias (Ba, Kiros and Hinton 2016).
import * as tf from '../core/tf';
import { ShapeError, checkInt, fmtShape } from '../core/errors';
import { variableFrom } from '../core/ops';
import { uniqueVariableName } from '../nn/dense';

export class LayerNorm {
  readonly gain: tf.Variable<tf.Rank.R1>;
  readonly bias: tf.Variable<tf.Rank.R1>;

  constructor(readonly width: number, readonly name = 'layer-norm', readonly epsilon = 1e-5) {
    checkInt('width', width, 1);
    this.gain = variableFrom(() => tf.ones([width]), true, uniqueVariableName(`${name}/gain`));
    this.bias = variableFrom(() => tf.zeros([width]), true, uniqueVariableName(`${name}/bias`));
  }

  /** x [..., width] -> the same shape. */
  apply(x: tf.Tensor): tf.Tensor {
    if (x.shape[x.rank - 1] !== this.width) {
      throw new ShapeError(`LayerNorm(${this.width}) got ${fmtShape(x.shape)}`, `pass a tensor whose last axis has ${this.width} features`);
    }
    return tf.tidy(() => {
      const { mean, variance } = tf.moments(x, -1, true);
      const normalised = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, this.epsilon)));
      return tf.add(tf.mul(normalised, this.gain), this.bias);
    });
  }

  get variables(): tf.Variable[] {
    return [this.gain, this.bias];
  }

  namedVariables(): [string, tf.Variable][] {
    return [[`${this.name}/gain`, this.gain], [`${this.name}/bias`, this.bias]];
  }

  dispose(): void {
    this.gain.dispose();
    this.bias.dispose();
  }
}
