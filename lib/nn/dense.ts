// A dense layer with a custom gradient: one taped step for act(x W + b), whose backward pass is the
// two products dy W^T and x^T dy and a column sum, each computed only if needed (no dy W^T for
// data). On the wasm backend every matrix product runs on our kernel (lib/engine/wasm-matmul.ts),
// which reads a transposed operand through strides, so the backward products cost no more than the
// forward one (XNNPACK has no fast path for transposed operands and packs every new weight
// matrix, which is why tfjs's own products are not used here). The forward pass adds the bias
// and applies a ReLU inside the product's kernel, called directly (matrixProduct) without the
// reshapes of tf.fused.matMul: small layers cost their dispatches more than their arithmetic.
// Taping tf.fused.matMul itself was no faster: its own gradient adds reshapes.
import * as tf from '../core/tf';
import { ParameterError, checkInt, checkShape, fmtShape, ShapeError } from '../core/errors';
import { Key } from '../core/random';
import { lazyGradientOp, variableFrom } from '../core/ops';
import { matrixProduct } from '../engine/wasm-matmul';
import { reluGradient } from '../engine/lean-gradients';

/**
 * y = act(x W + b) with a custom gradient, act ReLU or none. x: [batch, in], W: [in, out], b: [out].
 * The ReLU runs inside the product's kernel; its gradient is dy where y > 0.
 */
export function affine(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, activation: 'linear' | 'relu' = 'linear'): tf.Tensor2D {
  return lazyGradientOp({ x, w, b }, (save) => {
    const y = matrixProduct(x, w, { bias: b, activation });
    save(activation === 'relu' ? [x, w, y] : [x, w]);
    return y;
  }, (dy, [xs, ws, ys]) => {
    // the gradient before the ReLU, made once for the products and the sum that need it (tfjs runs
    // this outside each input's own scope, inside the backward pass's, which disposes it)
    const dz = activation === 'relu' ? reluGradient(ys, dy) as tf.Tensor2D : dy;
    return {
      x: () => matrixProduct(dz, ws, { transposeB: true }),
      w: () => matrixProduct(xs, dz, { transposeA: true }),
      b: () => tf.sum(dz, 0),
    };
  });
}

/** y = x W without a bias, with the same kind of gradient as `affine`. x: [batch, in], W: [in, out]. */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  return lazyGradientOp({ x, w }, (save) => {
    save([x, w]);
    return matrixProduct(x, w);
  }, (dy, [xs, ws]) => ({
    x: () => matrixProduct(dy, ws, { transposeB: true }),
    w: () => matrixProduct(xs, dy, { transposeA: true }),
  }));
}

/** The same affine map with tfjs's own gradient: the reference the tests compare against. */
export function affinePlain(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  return tf.add(tf.matMul(x, w), b);
}

export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'softplus', 'linear'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

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
  /** Use the custom gradient (true) or tfjs's own autodiff (false, for comparison). */
  fastGradient = true;
  readonly weight: tf.Variable<tf.Rank.R2>;
  readonly bias: tf.Variable<tf.Rank.R1>;

  /** Glorot-uniform weights drawn with `key`, zero bias. */
  constructor(readonly inputSize: number, readonly outputSize: number, readonly activation: Activation, key: Key, name = 'dense') {
    checkInt('inputSize', inputSize, 1);
    checkInt('outputSize', outputSize, 1);
    if (!ACTIVATIONS.includes(activation)) {
      throw new ParameterError(`activation '${activation}' is not one of ${ACTIVATIONS.join(', ')}`, 'pick one of those');
    }
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
    return tf.tidy(() => {
      if (!this.fastGradient) return activate(affinePlain(x, this.weight, this.bias), this.activation);
      if (this.activation === 'relu') return affine(x, this.weight, this.bias, 'relu');
      return activate(affine(x, this.weight, this.bias), this.activation);
    });
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
