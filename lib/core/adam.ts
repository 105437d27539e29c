// Adam with small variables packed together. tfjs's Adam runs about 14 kernels per variable per
// step; a model with 48 small variables (the 2-D RealNVP) spends more time launching those kernels
// than computing. FlatAdam packs the gradients and weights of all small variables into one vector
// each and runs the same element-wise arithmetic, in the same order, once; large variables keep
// their own update. The numbers are tf.train.adam's to the last bit (tested).
import * as tf from './tf';
import { ParameterError } from './errors';

/** Variables updated as one vector, and their moments. */
interface Group {
  indices: number[];
  sizes: number[];
  firstMoment: tf.Variable;
  secondMoment: tf.Variable;
}

/**
 * Variables below this size are packed into one vector; larger ones are updated alone, where
 * packing would only add copies (measured: packing the 1.1 M weights of the 784-512,256-32 VAE
 * costs 22 ms a step against 13 ms for tfjs's per-variable update; the 48 small variables of the
 * 2-D RealNVP take 2.2 ms packed against 6.3 ms).
 */
export const PACK_BELOW = 16384;

export class FlatAdam extends tf.Optimizer {
  static readonly className = 'FlatAdam';
  private readonly accBeta1: tf.Variable;
  private readonly accBeta2: tf.Variable;
  /** The groups of each set of variables trained together (a wake and a sleep phase have two sets). */
  private readonly states = new Map<string, Group[]>();

  constructor(readonly learningRate = 1e-3, readonly beta1 = 0.9, readonly beta2 = 0.999, readonly epsilon = 1e-7) {
    super();
    for (const [name, value, ok] of [['learningRate', learningRate, learningRate > 0], ['beta1', beta1, beta1 >= 0 && beta1 < 1],
      ['beta2', beta2, beta2 >= 0 && beta2 < 1], ['epsilon', epsilon, epsilon > 0]] as [string, number, boolean][]) {
      if (!Number.isFinite(value) || !ok) throw new ParameterError(`Adam ${name} = ${value} is out of range`, 'use learningRate > 0, 0 <= beta < 1, epsilon > 0');
    }
    // tf.variable keeps its initial tensor alive; made inside tidy, only the variable survives
    this.accBeta1 = tf.tidy(() => tf.scalar(beta1).variable(false));
    this.accBeta2 = tf.tidy(() => tf.scalar(beta2).variable(false));
  }

  applyGradients(variableGradients: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void {
    const pairs: [string, tf.Tensor][] = Array.isArray(variableGradients)
      ? variableGradients.map((g) => [g.name, g.tensor])
      : Object.entries(variableGradients);
    const present = pairs.filter(([, g]) => g != null); // like tf.train.adam, a variable without gradient is left alone
    if (present.length === 0) return;
    const values = present.map(([name]) => tf.engine().registeredVariables[name]);
    const groups = this.groups(present.map(([name]) => name), values);
    tf.tidy(() => {
      const oneMinusAccBeta1 = tf.sub(1, this.accBeta1);
      const oneMinusAccBeta2 = tf.sub(1, this.accBeta2);
      const flat = (ts: tf.Tensor[]) => (ts.length === 1 ? tf.reshape(ts[0], [-1]) : tf.concat(ts.map((t) => tf.reshape(t, [-1]))));
      for (const group of groups) {
        const gradient = flat(group.indices.map((i) => present[i][1]));
        const value = flat(group.indices.map((i) => values[i]));
        // tf.train.adam's arithmetic, element by element in the same order
        const firstMoment = tf.add(tf.mul(group.firstMoment, this.beta1), tf.mul(gradient, 1 - this.beta1));
        const secondMoment = tf.add(tf.mul(group.secondMoment, this.beta2), tf.mul(tf.square(gradient), 1 - this.beta2));
        const corrected1 = tf.div(firstMoment, oneMinusAccBeta1);
        const corrected2 = tf.div(secondMoment, oneMinusAccBeta2);
        group.firstMoment.assign(firstMoment);
        group.secondMoment.assign(secondMoment);
        const updated = tf.add(tf.mul(tf.div(corrected1, tf.add(tf.sqrt(corrected2), this.epsilon)), -this.learningRate), value);
        const parts = group.indices.length === 1 ? [updated] : tf.split(updated, group.sizes);
        group.indices.forEach((i, j) => values[i].assign(tf.reshape(parts[j], values[i].shape)));
      }
      this.accBeta1.assign(tf.mul(this.accBeta1, this.beta1));
      this.accBeta2.assign(tf.mul(this.accBeta2, this.beta2));
    });
    this.incrementIterations();
  }

  private groups(names: string[], values: tf.Variable[]): Group[] {
    const key = names.join('\u0000');
    let groups = this.states.get(key);
    if (!groups) {
      const small = values.map((v, i) => i).filter((i) => values[i].size < PACK_BELOW);
      const large = values.map((v, i) => i).filter((i) => values[i].size >= PACK_BELOW);
      groups = [small, ...large.map((i) => [i])].filter((g) => g.length > 0).map((indices) => {
        const sizes = indices.map((i) => values[i].size);
        const total = sizes.reduce((a, b) => a + b, 0);
        return {
          indices, sizes,
          firstMoment: tf.tidy(() => tf.zeros([total]).variable(false)),
          secondMoment: tf.tidy(() => tf.zeros([total]).variable(false)),
        };
      });
      this.states.set(key, groups);
    }
    return groups;
  }

  dispose(): void {
    this.accBeta1.dispose();
    this.accBeta2.dispose();
    for (const groups of this.states.values()) groups.forEach((g) => { g.firstMoment.dispose(); g.secondMoment.dispose(); });
    this.states.clear();
  }
  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

/** Adam with tf.train.adam's defaults and results, with small variables updated as one vector. */
export function adam(learningRate = 1e-3, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7): FlatAdam {
  return new FlatAdam(learningRate, beta1, beta2, epsilon);
}
