// A masked MLP (MADE, Germain et al. 2015): fixed 0/1 masks on the weights decide which inputs each
// output may see, so one pass gives every conditional of an autoregressive model. An optional
// context (a latent code) enters every layer unmasked: it may inform every output.
import * as tf from '../core/tf';
import { ParameterError, checkShape } from '../core/errors';
import { Key } from '../core/random';
import { affine, glorotUniform, linear, uniqueVariableName } from './dense';
import { variableFrom } from '../core/ops';

/**
 * MADE's masks for sizes [dim, ...hidden, outputsPerInput * dim]: entry [i][k] is 1 when unit k may
 * see unit i. The outputs come in `outputsPerInput` blocks of `dim` (for the flow: mu, then alpha).
 */
export function madeMasks(dim: number, hidden: number[], outputsPerInput = 2): number[][][] {
  const inputDegrees = Array.from({ length: dim }, (_, i) => i + 1);
  const outputDegrees = Array.from({ length: outputsPerInput }, () => inputDegrees).flat();
  return masksFromDegrees(inputDegrees, hidden, outputDegrees);
}

/**
 * Masks from the degree of every input and output (1..D; several units may share a degree, as the
 * K one-hot units of one categorical position do). Hidden unit degrees cycle through 1..D-1; an
 * output of degree d sees only inputs of degree < d.
 */
export function masksFromDegrees(inputDegrees: number[], hidden: number[], outputDegrees: number[]): number[][][] {
  const top = inputDegrees.reduce((a, b) => Math.max(a, b), 1);
  const hiddenDegrees = hidden.map((h) => Array.from({ length: h }, (_, k) => (k % Math.max(top - 1, 1)) + 1));
  const degrees = [inputDegrees, ...hiddenDegrees, outputDegrees];
  return degrees.slice(1).map((out, l) => {
    const last = l === degrees.length - 2;
    return degrees[l].map((di) => out.map((dk) => (last ? dk > di : dk >= di) ? 1 : 0));
  });
}

export class MaskedMlp {
  readonly sizes: number[];
  private readonly masks: tf.Tensor2D[];
  private readonly weights: tf.Variable[];
  private readonly biases: tf.Variable[];
  private readonly contextWeights: tf.Variable[];
  private readonly names: string[];
  private readonly direct: { weight: tf.Variable; mask: tf.Tensor2D } | null = null;

  /**
   * masks[l]: [sizes[l], sizes[l+1]] from `madeMasks` or `masksFromDegrees`; ReLU between layers.
   * The context feeds the first `contextLayers` layers (default: all).
   */
  constructor(masks: number[][][], key: Key, readonly contextSize = 0, name = 'made', contextLayers = masks.length,
    directMask?: number[][]) {
    if (masks.length === 0) throw new ParameterError('a masked MLP needs at least one mask', 'build the masks with madeMasks or masksFromDegrees');
    this.sizes = [masks[0].length, ...masks.map((m) => m[0].length)];
    masks.forEach((m, l) => {
      if (m.length !== this.sizes[l] || m.some((row) => row.length !== this.sizes[l + 1])) {
        throw new ParameterError(`mask ${l} is not [${this.sizes[l]}, ${this.sizes[l + 1]}]`, 'pass consecutive masks whose sizes chain');
      }
    });
    const keys = key.split(2 * masks.length);
    this.masks = masks.map((m) => tf.keep(tf.tensor2d(m)));
    this.names = [];
    this.weights = masks.map((_, l) => {
      this.names.push(`${name}/${l}/weight`);
      // scale by the mask's density so a sparse layer starts with the variance of a dense one
      const density = masks[l].flat().reduce((a, b) => a + b, 0) / (this.sizes[l] * this.sizes[l + 1]);
      return variableFrom(() => tf.div(glorotUniform(keys[l], this.sizes[l], this.sizes[l + 1]), Math.sqrt(Math.max(density, 1e-3))) as tf.Tensor2D, true, uniqueVariableName(`${name}/${l}/weight`));
    });
    this.biases = this.sizes.slice(1).map((s, l) => {
      this.names.push(`${name}/${l}/bias`);
      return variableFrom(() => tf.zeros([s]), true, uniqueVariableName(`${name}/${l}/bias`));
    });
    this.contextWeights = contextSize > 0 ? this.sizes.slice(1, 1 + contextLayers).map((s, l) => {
      this.names.push(`${name}/${l}/context`);
      return variableFrom(() => glorotUniform(keys[masks.length + l], contextSize, s), true, uniqueVariableName(`${name}/${l}/context`));
    }) : [];
    if (directMask) {
      // direct input-to-output connections (MADE's "direct" variant): a logistic regression on x_<i
      this.names.push(`${name}/direct`);
      this.direct = { weight: variableFrom(() => tf.zeros([this.sizes[0], this.sizes[this.sizes.length - 1]]), true, uniqueVariableName(`${name}/direct`)),
        mask: tf.keep(tf.tensor2d(directMask)) };
    }
  }

  /** x: [batch, sizes[0]] (and context [batch, contextSize]) -> [batch, sizes[last]]. */
  apply(x: tf.Tensor2D, context?: tf.Tensor2D): tf.Tensor2D {
    checkShape('x', x.shape, [-1, this.sizes[0]]);
    if (this.contextSize > 0) {
      if (!context) throw new ParameterError('this masked MLP was built with a context but none was given', `pass a [batch, ${this.contextSize}] context`);
      checkShape('context', context.shape, [x.shape[0], this.contextSize]);
    }
    return tf.tidy(() => {
      let h = x;
      this.weights.forEach((w, l) => {
        h = affine(h, tf.mul(w, this.masks[l]) as tf.Tensor2D, this.biases[l] as tf.Tensor1D);
        if (context && l < this.contextWeights.length) h = tf.add(h, linear(context, this.contextWeights[l] as tf.Tensor2D));
        if (l < this.weights.length - 1) h = tf.relu(h);
      });
      if (this.direct) h = tf.add(h, linear(x, tf.mul(this.direct.weight, this.direct.mask) as tf.Tensor2D));
      return h;
    });
  }

  get variables(): tf.Variable[] {
    return [...this.weights, ...this.biases, ...this.contextWeights, ...(this.direct ? [this.direct.weight] : [])];
  }

  namedVariables(): [string, tf.Variable][] {
    return this.variables.map((v, i) => [this.names[i], v]);
  }

  dispose(): void {
    tf.dispose([...this.masks, ...this.variables, ...(this.direct ? [this.direct.mask] : [])]);
  }
}
