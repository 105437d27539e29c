// A dense layer whose forward and backward matrix products are all untransposed, so that the wasm
// backend runs them on XNNPACK's fast path (autodiff's own backward products are transposed and
// fall into a scalar loop there: see DESIGN.md).
import * as tf from '../core/tf';
import { checkInt, checkShape, fmtShape, ShapeError } from '../core/errors';
import { Key } from '../core/random';
import { variableFrom } from '../core/ops';

// XNNPACK packs the second operand of a product into its own layout, once per tensor, and a
// training step's weights are new tensors at every step. Where the weight matrix is the larger
// operand, multiplying the other way round, (W^T x^T)^T, packs the batch-sized operand instead and
// costs only transposes: 15-25% less time for a 784x400 layer's forward and backward pass at batch
// 128 (`node dist/bench/products.js`). The thresholds below are where the measured gain starts.

/**
 * x W for x: [batch, in], W: [in, out]. The reversed order is used only while gradients are being
 * recorded (a training step, whose weights are new): with fixed weights, as in a codec coding one
 * image at a time, XNNPACK's packed W is reused and transposing W at every call would cost more.
 */
export function timesWeight(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  const training = tf.engine().state.gradientDepth > 0;
  if (!training || w.shape[1] < 2 * x.shape[0]) return tf.matMul(x, w);
  return tf.tidy(() => tf.transpose(tf.matMul(tf.transpose(w), tf.transpose(x))) as tf.Tensor2D);
}

/** dy W^T for dy: [batch, out], W: [in, out]: the input gradient of x W. */
export function timesWeightTransposed(dy: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  if (w.shape[0] < dy.shape[0]) return tf.tidy(() => tf.matMul(dy, tf.transpose(w)));
  return tf.tidy(() => tf.transpose(tf.matMul(w, tf.transpose(dy))) as tf.Tensor2D);
}

/** y = x W + b with a custom gradient that multiplies explicit transposes. x: [batch, in], W: [in, out], b: [out]. */
export const affine = tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: tf.tidy(() => tf.add(timesWeight(x, w), b)),
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [
        timesWeightTransposed(dy, ws), // [batch, in]
        tf.matMul(tf.transpose(xs), dy), // [in, out]
        tf.sum(dy, 0), // [out]
      ];
    },
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
}) as any) as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

/** y = x W without a bias, with the same explicit-transpose gradient as `affine`. x: [batch, in], W: [in, out]. */
export const linear = tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: timesWeight(x, w),
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [timesWeightTransposed(dy, ws), tf.matMul(tf.transpose(xs), dy)];
    },
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
}) as any) as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;

/** The same affine map with tfjs's own gradient: the reference the tests compare against. */
export function affinePlain(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  return tf.add(tf.matMul(x, w), b);
}

export type Activation = 'relu' | 'tanh' | 'sigmoid' | 'softplus' | 'linear';

export function activate(x: tf.Tensor2D, activation: Activation): tf.Tensor2D {
  switch (activation) {
    case 'relu': return tf.relu(x);
    case 'tanh': return tf.tanh(x);
    case 'sigmoid': return tf.sigmoid(x);
    case 'softplus': return tf.softplus(x);
    case 'linear': return x;
  }
}

/** Glorot-uniform initial weights [in, out]: U(-a, a) with a = sqrt(6 / (in + out)). */
export function glorotUniform(key: Key, inputSize: number, outputSize: number): tf.Tensor2D {
  const limit = Math.sqrt(6 / (inputSize + outputSize));
  return tf.randomUniform([inputSize, outputSize], -limit, limit, 'float32', key.seed()) as tf.Tensor2D;
}

/** tfjs needs globally unique variable names; a counter keeps re-run notebook cells working. */
let nextLayerId = 0;
export function uniqueVariableName(name: string): string {
  return `${name}#${nextLayerId++}`;
}

/** A dense layer with trainable weights [in, out] and bias [out]. */
export class Dense {
  readonly name: string;
  /** Use the fast-path custom gradient (true) or tfjs's own autodiff (false, for comparison). */
  fastGradient = true;
  readonly weight: tf.Variable<tf.Rank.R2>;
  readonly bias: tf.Variable<tf.Rank.R1>;

  /** Glorot-uniform weights drawn with `key`, zero bias. */
  constructor(readonly inputSize: number, readonly outputSize: number, readonly activation: Activation, key: Key, name = 'dense') {
    checkInt('inputSize', inputSize, 1);
    checkInt('outputSize', outputSize, 1);
    this.weight = variableFrom(() => glorotUniform(key, inputSize, outputSize), true, uniqueVariableName(`${name}/weight`));
    this.bias = variableFrom(() => tf.zeros([outputSize]), true, uniqueVariableName(`${name}/bias`));
    this.name = name;
  }

  /** x: [batch, in] -> [batch, out]. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    if (x.rank !== 2 || x.shape[1] !== this.inputSize) {
      throw new ShapeError(`Dense(${this.inputSize} -> ${this.outputSize}) got input of shape ${fmtShape(x.shape)}`,
        `pass a [batch, ${this.inputSize}] tensor`);
    }
    return tf.tidy(() => activate((this.fastGradient ? affine : affinePlain)(x, this.weight, this.bias), this.activation));
  }

  get variables(): tf.Variable[] {
    return [this.weight, this.bias];
  }

  /** Variables under stable names (`name/weight`, `name/bias`) for saving and loading. */
  namedVariables(): [string, tf.Variable][] {
    return [[`${this.name}/weight`, this.weight], [`${this.name}/bias`, this.bias]];
  }

  /** Replaces the weights (shapes must match). */
  assign(weight: tf.Tensor, bias: tf.Tensor): void {
    checkShape(`${this.name}/weight`, weight.shape, this.weight.shape);
    checkShape(`${this.name}/bias`, bias.shape, this.bias.shape);
    this.weight.assign(weight as tf.Tensor2D);
    this.bias.assign(bias as tf.Tensor1D);
  }

  dispose(): void {
    this.weight.dispose();
    this.bias.dispose();
  }
}
