// Layer normalisation: each position's vector is shifted to mean 0 and scaled to variance 1 over its
// features, then given a learned gain and bias (Ba, Kiros and Hinton 2016). The formula is
// lib/nn/layer-norm-rows.ts's, one kernel each way on the wasm backend.
import * as tf from '../core/tf';
import { ShapeError, checkInt, fmtShape } from '../core/errors';
import { variableFrom } from '../core/ops';
import { uniqueVariableName } from '../nn/dense';
import { layerNormRows } from '../nn/layer-norm-rows';

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
      const rows = tf.reshape(x, [-1, this.width]) as tf.Tensor2D;
      return tf.reshape(layerNormRows(rows, this.gain, this.bias, this.epsilon), x.shape);
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
