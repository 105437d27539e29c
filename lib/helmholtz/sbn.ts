// A Helmholtz machine of sigmoid belief networks: stochastic binary layers x = h_0, h_1, …, h_M.
// The generative network p runs down, p(h_M) p(h_{M-1} | h_M) … p(x | h_1), every conditional a
// product of Bernoullis whose logits are an affine map of the layer above; the recognition network
// q runs up, q(h_1 | x) … q(h_M | h_{M-1}). Log-probabilities of full configurations are exact.
import * as tf from '../core/tf';
import { ParameterError, ShapeError, checkInt, fmtShape } from '../core/errors';
import { Key, uniform } from '../core/random';
import { repeatRows, stopGradient, variableFrom } from '../core/ops';

export { repeatRows };
import { Dense, uniqueVariableName } from '../nn/dense';
import { bernoulliRowLogProb } from '../distributions/bernoulli-rows';

/** log Bernoulli(y | sigmoid(a)) summed over the last axis: y a − softplus(a); a broadcasts against y. */
export function bernoulliLogProb(y: tf.Tensor2D, logits: tf.Tensor): tf.Tensor1D {
  if (logits.rank === 2 && logits.shape[0] === y.shape[0] && logits.shape[1] === y.shape[1]) return bernoulliRowLogProb(y, logits as tf.Tensor2D);
  return tf.tidy(() => tf.sum(tf.sub(tf.mul(y, logits), tf.softplus(logits)), 1) as tf.Tensor1D);
}

/**
 * 0/1 draws with probabilities sigmoid(logits), from the key. The draws are new constants, cut from
 * the tape: no gradient flows through a discrete sample (the estimators supply their own).
 */
export function sampleBernoulli(key: Key, logits: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => stopGradient(tf.cast(tf.less(uniform(key, logits.shape), tf.sigmoid(logits)), 'float32')) as tf.Tensor2D);
}

export class SigmoidBeliefNet {
  /** generative[l] maps h_{l+1} to the logits of h_l (h_0 = x). */
  readonly generative: Dense[];
  /** recognition[l] maps h_l to the logits of h_{l+1}. */
  readonly recognition: Dense[];
  /** Logits of the top layer's prior p(h_M). */
  readonly topLogits: tf.Variable<tf.Rank.R1>;

  /** sizes = [data, h_1, …, h_M]: at least one stochastic layer. */
  constructor(readonly sizes: number[], key: Key, readonly name = 'sbn') {
    if (!Array.isArray(sizes) || sizes.length < 2) {
      throw new ParameterError(`a Helmholtz machine needs sizes [data, h1, …], got [${sizes}]`, 'pass the data size and at least one latent layer size');
    }
    sizes.forEach((n, i) => checkInt(`sizes[${i}]`, n, 1));
    const keys = key.split(2 * (sizes.length - 1));
    const layers = sizes.length - 1;
    this.generative = Array.from({ length: layers }, (_, l) => new Dense(sizes[l + 1], sizes[l], 'linear', keys[l], `${name}/p${l}`));
    this.recognition = Array.from({ length: layers }, (_, l) => new Dense(sizes[l], sizes[l + 1], 'linear', keys[layers + l], `${name}/q${l}`));
    this.topLogits = variableFrom(() => tf.zeros([sizes[layers]]), true, uniqueVariableName(`${name}/top`));
  }

  /** Number of stochastic latent layers M. */
  get depth(): number {
    return this.sizes.length - 1;
  }

  get generativeVariables(): tf.Variable[] {
    return [this.topLogits, ...this.generative.flatMap((d) => d.variables)];
  }

  get recognitionVariables(): tf.Variable[] {
    return this.recognition.flatMap((d) => d.variables);
  }

  get variables(): tf.Variable[] {
    return [...this.generativeVariables, ...this.recognitionVariables];
  }

  /** Variables under stable names (`name/top`, `name/p0/weight`, …) for saving and loading. */
  namedVariables(): [string, tf.Variable][] {
    return [[`${this.name}/top`, this.topLogits], ...[...this.generative, ...this.recognition].flatMap((d) => d.namedVariables())];
  }

  private checkData(x: tf.Tensor): void {
    if (x.rank !== 2 || x.shape[1] !== this.sizes[0]) {
      throw new ShapeError(`the network takes data [batch, ${this.sizes[0]}], got ${fmtShape(x.shape)}`, `pass a 2-D tensor with ${this.sizes[0]} columns`);
    }
  }

  private checkLatents(x: tf.Tensor2D, hs: tf.Tensor2D[]): void {
    this.checkData(x);
    if (hs.length !== this.depth) {
      throw new ShapeError(`${hs.length} latent layers given to a network of ${this.depth}`, 'pass one tensor per stochastic layer, h_1 first');
    }
    hs.forEach((h, l) => {
      if (h.rank !== 2 || h.shape[0] !== x.shape[0] || h.shape[1] !== this.sizes[l + 1]) {
        throw new ShapeError(`h_${l + 1} has shape ${fmtShape(h.shape)}, expected [${x.shape[0]}, ${this.sizes[l + 1]}]`, 'pass latents with one row per data row');
      }
    });
  }

  /** log p(x, h_1, …, h_M) per row: the top prior plus every conditional on the way down. */
  logJoint(x: tf.Tensor2D, hs: tf.Tensor2D[]): tf.Tensor1D {
    this.checkLatents(x, hs);
    return tf.tidy(() => {
      // the prior's logits broadcast over the rows (tfjs-wasm's broadcastTo runs its slow Tile kernel)
      let total = bernoulliLogProb(hs[this.depth - 1], this.topLogits);
      for (let l = this.depth - 1; l >= 0; l--) {
        const below = l === 0 ? x : hs[l - 1];
        total = tf.add(total, bernoulliLogProb(below, this.generative[l].apply(hs[l])));
      }
      return total;
    });
  }

  /** log q(h_1, …, h_M | x) per row. */
  logRecognition(x: tf.Tensor2D, hs: tf.Tensor2D[]): tf.Tensor1D {
    this.checkLatents(x, hs);
    return tf.tidy(() => {
      let total = tf.zeros([x.shape[0]]) as tf.Tensor1D;
      for (let l = 0; l < this.depth; l++) {
        const below = l === 0 ? x : hs[l - 1];
        total = tf.add(total, bernoulliLogProb(hs[l], this.recognition[l].apply(below)));
      }
      return total;
    });
  }

  /** Latents h ~ q(h | x), one configuration per row of x (no gradient flows through the draws). */
  sampleRecognition(key: Key, x: tf.Tensor2D): tf.Tensor2D[] {
    const { hs, logQ } = this.drawRecognition(key, x);
    logQ.dispose();
    return hs;
  }

  /**
   * Latents h ~ q(h | x) and log q(h | x) for `particles` draws per row of x, rows copy-major as
   * repeatRows(x, particles) gives them (the values of sampleRecognition and logRecognition on the
   * repeated rows). Each layer is scored by the logits that drew it, so q's layers run once, not
   * twice, and the first layer runs on x's rows once, not once per particle (its logits are the
   * same for every copy of a row). The score is differentiable in q's weights; the draws are not.
   */
  drawRecognition(key: Key, x: tf.Tensor2D, particles = 1): { hs: tf.Tensor2D[]; logQ: tf.Tensor1D } {
    this.checkData(x);
    checkInt('particles', particles, 1);
    const keys = key.split(this.depth);
    return tf.tidy(() => {
      const hs: tf.Tensor2D[] = [];
      let logQ = tf.zeros([particles * x.shape[0]]) as tf.Tensor1D;
      for (let l = 0; l < this.depth; l++) {
        const logits = l === 0 ? repeatRows(this.recognition[0].apply(x), particles) : this.recognition[l].apply(hs[l - 1]);
        hs.push(sampleBernoulli(keys[l], logits));
        logQ = tf.add(logQ, bernoulliLogProb(hs[l], logits));
      }
      return { hs, logQ };
    });
  }

  /** Ancestral samples (x, h_1, …, h_M) ~ p, `n` of them. */
  sampleGenerative(key: Key, n: number): { x: tf.Tensor2D; hs: tf.Tensor2D[] } {
    checkInt('n', n, 1);
    const keys = key.split(this.depth + 1);
    const hs: tf.Tensor2D[] = new Array(this.depth);
    hs[this.depth - 1] = tf.tidy(() => sampleBernoulli(keys[this.depth], tf.add(tf.zeros([n, this.sizes[this.depth]]), this.topLogits) as tf.Tensor2D));
    for (let l = this.depth - 1; l >= 1; l--) hs[l - 1] = tf.tidy(() => sampleBernoulli(keys[l], this.generative[l].apply(hs[l])));
    const x = tf.tidy(() => sampleBernoulli(keys[0], this.generative[0].apply(hs[0])));
    return { x, hs };
  }

  dispose(): void {
    this.variables.forEach((v) => v.dispose());
  }
}
