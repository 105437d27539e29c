// A fully connected ReLU classifier whose weights carry pruning masks (LeNet-300-100 by default):
// the forward pass uses W ⊙ M, so a pruned weight gets no gradient and, set to zero when pruned,
// stays exactly zero under Adam. Weights can be read, rewound to a saved state, or redrawn.
import * as tf from '../core/tf';
import { ParameterError, ShapeError, checkInt, fmtShape } from '../core/errors';
import { Key, normal } from '../core/random';
import { variableFrom } from '../core/ops';
import { affine, uniqueVariableName } from '../nn/dense';
import { Masks, fullMasks } from './masks';

/** LeNet-300-100: 784 inputs, hidden layers of 300 and 100 ReLU units, 10 logits. */
export const LENET_300_100 = [784, 300, 100, 10];

/** Weights and biases of every layer, copied out (row-major weights [in, out]). */
export interface NetworkState {
  weights: Float32Array[];
  biases: Float32Array[];
}

/** Gaussian Glorot weights N(0, 2 / (in + out)) and zero biases, for layers of these sizes. */
export function glorotNormalState(key: Key, sizes: number[]): NetworkState {
  const keys = key.split(sizes.length - 1);
  const weights = keys.map((k, l) => {
    const std = Math.sqrt(2 / (sizes[l] + sizes[l + 1]));
    return Float32Array.from(k.normals(sizes[l] * sizes[l + 1]), (z) => z * std);
  });
  return { weights, biases: sizes.slice(1).map((n) => new Float32Array(n)) };
}

export class MaskedNetwork {
  readonly weights: tf.Variable<tf.Rank.R2>[];
  readonly biases: tf.Variable<tf.Rank.R1>[];
  private maskTensors: tf.Tensor2D[];
  private currentMasks: Masks;

  /** A network of these layer sizes with Gaussian Glorot weights drawn with `key`, nothing pruned. */
  constructor(readonly sizes: number[], key: Key) {
    if (sizes.length < 2) throw new ParameterError(`a network needs at least two sizes, got [${sizes}]`, 'pass sizes [input, ..., classes]');
    sizes.forEach((n, i) => checkInt(`sizes[${i}]`, n, 1));
    const state = glorotNormalState(key, sizes);
    this.weights = state.weights.map((w, l) => variableFrom(() => tf.tensor2d(w, [sizes[l], sizes[l + 1]]), true, uniqueVariableName(`masked/${l}/weight`)));
    this.biases = state.biases.map((b, l) => variableFrom(() => tf.tensor1d(b), true, uniqueVariableName(`masked/${l}/bias`)));
    this.currentMasks = fullMasks(this.weightCounts);
    this.maskTensors = this.currentMasks.map((m, l) => tf.tensor2d(Float32Array.from(m), [sizes[l], sizes[l + 1]]));
  }

  /** Number of weights (not biases) in each layer. */
  get weightCounts(): number[] {
    return this.sizes.slice(1).map((n, l) => this.sizes[l] * n);
  }

  get variables(): tf.Variable[] {
    return [...this.weights, ...this.biases];
  }

  /** The current masks (copies). */
  get masks(): Masks {
    return this.currentMasks.map((m) => m.slice());
  }

  /** Logits [batch, classes] for inputs [batch, sizes[0]]. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    if (x.rank !== 2 || x.shape[1] !== this.sizes[0]) {
      throw new ShapeError(`the network takes [batch, ${this.sizes[0]}] inputs, got ${fmtShape(x.shape)}`, `flatten each image to ${this.sizes[0]} values`);
    }
    return tf.tidy(() => {
      let h = x;
      const last = this.weights.length - 1;
      this.weights.forEach((w, l) => {
        h = affine(h, tf.mul(w, this.maskTensors[l]), this.biases[l], l < last ? 'relu' : 'linear');
      });
      return h;
    });
  }

  /** The weights and biases now, copied out. */
  state(): NetworkState {
    return {
      weights: this.weights.map((w) => Float32Array.from(w.dataSync())),
      biases: this.biases.map((b) => Float32Array.from(b.dataSync())),
    };
  }

  /** Sets weights and biases from a saved state; pruned weights are set to zero. */
  load(state: NetworkState): void {
    this.checkState(state);
    this.weights.forEach((w, l) => {
      const masked = state.weights[l].slice();
      const m = this.currentMasks[l];
      for (let i = 0; i < masked.length; i++) if (!m[i]) masked[i] = 0;
      tf.tidy(() => w.assign(tf.tensor2d(masked, w.shape)));
    });
    this.biases.forEach((b, l) => tf.tidy(() => b.assign(tf.tensor1d(state.biases[l]))));
  }

  /** Installs new masks and zeroes the weights they prune (the kept weights are unchanged). */
  setMasks(masks: Masks): void {
    if (masks.length !== this.weights.length || masks.some((m, l) => m.length !== this.weightCounts[l])) {
      throw new ShapeError(`masks of sizes [${masks.map((m) => m.length)}] do not fit layers of [${this.weightCounts}] weights`,
        'pass one mask per layer, as long as its weight matrix');
    }
    masks.forEach((m, l) => m.forEach((v, i) => {
      if (v !== 0 && v !== 1) throw new ParameterError(`mask ${l} has entry ${v} at ${i}`, 'masks hold 0 (pruned) or 1 (kept)');
    }));
    const state = this.state();
    this.currentMasks = masks.map((m) => m.slice());
    this.maskTensors.forEach((t) => t.dispose());
    this.maskTensors = this.currentMasks.map((m, l) => tf.tensor2d(Float32Array.from(m), [this.sizes[l], this.sizes[l + 1]]));
    this.load(state);
  }

  private checkState(state: NetworkState): void {
    const counts = this.weightCounts;
    if (state.weights.length !== counts.length || state.weights.some((w, l) => w.length !== counts[l])
      || state.biases.length !== counts.length || state.biases.some((b, l) => b.length !== this.sizes[l + 1])) {
      throw new ShapeError(`a state with weights [${state.weights.map((w) => w.length)}] and biases [${state.biases.map((b) => b.length)}] does not fit layers [${this.sizes}]`,
        'load a state saved from a network of the same sizes');
    }
  }

  dispose(): void {
    this.variables.forEach((v) => v.dispose());
    this.maskTensors.forEach((t) => t.dispose());
  }
}
