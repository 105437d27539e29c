// Adam (Kingma and Ba 2015) with tf.train.adam's arithmetic and results: per variable, moments
//   m <- beta1 m + (1 - beta1) g,  v <- beta2 v + (1 - beta2) g^2,
// and the step -lr (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps). Small variables are
// updated as one packed vector (so a model with 48 small variables, the 2-D RealNVP, launches the
// kernels once), each keeping its own moments. Where the speed engine is on, it registers a fused
// step (lib/engine/fused-adam.ts: one SIMD pass per variable on the wasm heap) that computes the
// same float32 arithmetic in the same order; the weights are tf.train.adam's to the last bit either
// way (tested).
import * as tf from './tf';
import { ParameterError, ShapeError } from './errors';

/** Variables updated as one vector (their moments stay each variable's own). */
interface Group {
  indices: number[];
  sizes: number[];
}

/**
 * Off the wasm backend, variables below this size are packed into one vector; larger ones are
 * updated alone, where packing would only add copies (measured on wasm with tfjs's kernels: packing
 * the 1.1 M weights of the 784-512,256-32 VAE costs 22 ms a step against 13 ms for tfjs's
 * per-variable update; the 48 small variables of the 2-D RealNVP take 2.2 ms packed against 6.3 ms).
 */
export const PACK_BELOW = 16384;

/** Adam's hyperparameters and this step's bias corrections 1 - beta^t, as a fused step needs them. */
export interface AdamStep {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  correction1: number;
  correction2: number;
}

/**
 * A fused Adam update of one variable in place of the kernels below, registered by the engine:
 * returns the new weights, or null where it does not apply (for example off the wasm backend).
 */
export type FusedAdamUpdate = (variable: tf.Variable, gradient: tf.Tensor, firstMoment: tf.Tensor, secondMoment: tf.Tensor, step: AdamStep) => tf.Tensor | null;

let fusedUpdate: FusedAdamUpdate | null = null;

/** Called by the engine (lib/engine/install.ts) when it is on. */
export function registerFusedAdam(update: FusedAdamUpdate | null): void {
  fusedUpdate = update;
}

export class FlatAdam extends tf.Optimizer {
  static readonly className = 'FlatAdam';
  /** beta1 and beta2 to the power of the steps taken, as float32 values (tf.train.adam keeps them in float32 tensors). */
  private accBeta1: number;
  private accBeta2: number;
  /** Off wasm: how each set of variables trained together is packed (a wake and a sleep phase have two sets). */
  private readonly packings = new Map<string, Group[]>();
  /**
   * Each variable's first and second moments, by variable name, on every backend: a variable trained
   * in two sets (or on two backends) keeps one history, as tf.train.adam's does.
   */
  private readonly moments = new Map<string, [tf.Tensor, tf.Tensor]>();

  constructor(readonly learningRate = 1e-3, readonly beta1 = 0.9, readonly beta2 = 0.999, readonly epsilon = 1e-7) {
    super();
    for (const [name, value, ok] of [['learningRate', learningRate, learningRate > 0], ['beta1', beta1, beta1 >= 0 && beta1 < 1],
      ['beta2', beta2, beta2 >= 0 && beta2 < 1], ['epsilon', epsilon, epsilon > 0]] as [string, number, boolean][]) {
      if (!Number.isFinite(value) || !ok) throw new ParameterError(`Adam ${name} = ${value} is out of range`, 'use learningRate > 0, 0 <= beta < 1, epsilon > 0');
    }
    this.accBeta1 = Math.fround(beta1);
    this.accBeta2 = Math.fround(beta2);
  }

  applyGradients(variableGradients: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void {
    const pairs: [string, tf.Tensor][] = Array.isArray(variableGradients)
      ? variableGradients.map((g) => [g.name, g.tensor])
      : Object.entries(variableGradients);
    const present = pairs.filter(([, g]) => g != null); // like tf.train.adam, a variable without gradient is left alone
    if (present.length === 0) return;
    const values = present.map(([name]) => tf.engine().registeredVariables[name]);
    present.forEach(([name, gradient], i) => { // checked before any variable changes
      const variable = values[i];
      if (!variable) throw new ParameterError(`no variable is named ${name}`, 'pass gradients keyed by the names of registered variables');
      if (gradient.size !== variable.size || gradient.dtype !== 'float32' || variable.dtype !== 'float32') {
        throw new ShapeError(`the gradient of ${name} is ${gradient.dtype} [${gradient.shape}], its variable ${variable.dtype} [${variable.shape}]`,
          'pass float32 gradients of the variables\' own shapes');
      }
    });
    // 1 - beta^t as float32's subtraction gives it (the difference of two float32 values is exact in a double)
    const correction1 = Math.fround(1 - this.accBeta1);
    const correction2 = Math.fround(1 - this.accBeta2);
    if (!this.applyFused(present, values, correction1, correction2)) this.applyWithKernels(present, values, correction1, correction2);
    // float32 products, as tf.train.adam's tensors hold them (a product of two float32 values is exact in a double)
    this.accBeta1 = Math.fround(this.accBeta1 * Math.fround(this.beta1));
    this.accBeta2 = Math.fround(this.accBeta2 * Math.fround(this.beta2));
    this.incrementIterations();
  }

  /** The engine's fused step for every variable, if it is registered and applies; false otherwise. */
  private applyFused(present: [string, tf.Tensor][], values: tf.Variable[], correction1: number, correction2: number): boolean {
    const update = fusedUpdate;
    if (!update) return false;
    const step: AdamStep = { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, correction1, correction2 };
    let applied = true;
    tf.tidy(() => {
      present.forEach(([name, gradient], i) => {
        if (!applied) return;
        const variable = values[i];
        if (variable.size === 0) return;
        const [m, v] = this.momentsOf(name, variable.size);
        const updated = update(variable, gradient, m, v, step);
        if (updated === null) {
          applied = false; // only the first variable can decline: the backend is the same for all
          return;
        }
        variable.assign(updated);
      });
    });
    return applied;
  }

  /** The moments of a variable, zero before its first step. */
  private momentsOf(name: string, size: number): [tf.Tensor, tf.Tensor] {
    let moments = this.moments.get(name);
    if (!moments) {
      moments = [tf.keep(tf.zeros([size])), tf.keep(tf.zeros([size]))];
      this.moments.set(name, moments);
    }
    return moments;
  }

  /** tfjs's kernels, small variables packed into one vector. */
  private applyWithKernels(present: [string, tf.Tensor][], values: tf.Variable[], correction1: number, correction2: number): void {
    const groups = this.packing(present.map(([name]) => name), values);
    tf.tidy(() => {
      const flat = (ts: tf.Tensor[]) => (ts.length === 1 ? tf.reshape(ts[0], [-1]) : tf.concat(ts.map((t) => tf.reshape(t, [-1]))));
      const unflat = (t: tf.Tensor, group: Group) => (group.indices.length === 1 ? [t] : tf.split(t, group.sizes));
      for (const group of groups) {
        const names = group.indices.map((i) => present[i][0]);
        const moments = names.map((name, j) => this.momentsOf(name, group.sizes[j]));
        const gradient = flat(group.indices.map((i) => present[i][1]));
        const value = flat(group.indices.map((i) => values[i]));
        // tf.train.adam's arithmetic, element by element in the same order
        const firstMoment = tf.add(tf.mul(flat(moments.map((m) => m[0])), this.beta1), tf.mul(gradient, 1 - this.beta1));
        const secondMoment = tf.add(tf.mul(flat(moments.map((m) => m[1])), this.beta2), tf.mul(tf.square(gradient), 1 - this.beta2));
        const corrected1 = tf.div(firstMoment, correction1);
        const corrected2 = tf.div(secondMoment, correction2);
        const firsts = unflat(firstMoment, group);
        const seconds = unflat(secondMoment, group);
        names.forEach((name, j) => {
          tf.dispose(this.moments.get(name)!);
          this.moments.set(name, [tf.keep(firsts[j]), tf.keep(seconds[j])]);
        });
        const updated = tf.add(tf.mul(tf.div(corrected1, tf.add(tf.sqrt(corrected2), this.epsilon)), -this.learningRate), value);
        const parts = unflat(updated, group);
        group.indices.forEach((i, j) => values[i].assign(tf.reshape(parts[j], values[i].shape)));
      }
    });
  }

  private packing(names: string[], values: tf.Variable[]): Group[] {
    const key = names.join('\u0000');
    let groups = this.packings.get(key);
    if (!groups) {
      const small = values.map((v, i) => i).filter((i) => values[i].size < PACK_BELOW);
      const large = values.map((v, i) => i).filter((i) => values[i].size >= PACK_BELOW);
      groups = [small, ...large.map((i) => [i])].filter((g) => g.length > 0).map((indices) => ({ indices, sizes: indices.map((i) => values[i].size) }));
      this.packings.set(key, groups);
    }
    return groups;
  }

  dispose(): void {
    for (const moments of this.moments.values()) tf.dispose(moments);
    this.moments.clear();
    this.packings.clear();
  }
  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

/** Adam with tf.train.adam's defaults and results, in one pass per variable on wasm (small variables packed elsewhere). */
export function adam(learningRate = 1e-3, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7): FlatAdam {
  return new FlatAdam(learningRate, beta1, beta2, epsilon);
}
