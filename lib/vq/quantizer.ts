// Vector quantization (van den Oord et al. 2017): each encoder output z_e is replaced by its nearest
// codebook vector e_k. The choice of k has no gradient, so the decoder's gradient at e_k is copied
// to z_e (straight-through). The codebook learns either by the codebook loss |sg(z_e) - e|^2 or,
// without gradients, as an exponential moving average of the vectors assigned to each code.
import * as tf from '../core/tf';
import { ParameterError, checkInt, checkNumber, checkShape } from '../core/errors';
import { Key } from '../core/random';
import { stopGradient } from '../core/ops';
import { glorotUniform, uniqueVariableName } from '../nn/dense';
import { variableFrom } from '../core/ops';

export interface QuantizerOptions {
  codebookSize: number;
  codeDim: number;
  /** Weight of the commitment loss |z_e - sg(e)|^2 (0.25 in the paper). */
  commitment: number;
  /** EMA codebook updates instead of the codebook loss: decay gamma and Laplace smoothing epsilon. */
  ema?: { decay: number; epsilon: number };
  /** Initial codes ~ N(0, initScale^2) per coordinate (default: Glorot-uniform, close to the origin). */
  initScale?: number;
}

export interface Quantized {
  /** z_e + sg(e_k - z_e): the value of e_k, the gradient of z_e. [n, codeDim] */
  straightThrough: tf.Tensor2D;
  /** Index of the nearest code of each row. */
  indices: Int32Array;
  /** One-hot assignments [n, codebookSize]. */
  oneHot: tf.Tensor2D;
  /** Mean over rows of |sg(z_e) - e_k|^2 (zero in EMA mode, where the codebook has no gradient). */
  codebookLoss: tf.Scalar;
  /** Mean over rows of |z_e - sg(e_k)|^2. */
  commitmentLoss: tf.Scalar;
}

export class VectorQuantizer {
  readonly options: QuantizerOptions;
  readonly codebook: tf.Variable<tf.Rank.R2>;
  /** EMA state: smoothed code counts N_k and sums m_k. */
  private emaCounts: Float64Array;
  private emaSums: Float64Array;
  /** How often each code was chosen since the last `resetUsage`. */
  readonly usage: Float64Array;

  constructor(options: Partial<QuantizerOptions> & { codebookSize: number; codeDim: number }, key: Key) {
    this.options = { commitment: 0.25, ...options };
    const { codebookSize: K, codeDim: D, commitment, ema } = this.options;
    checkInt('codebookSize', K, 1);
    checkInt('codeDim', D, 1);
    checkNumber('commitment', commitment, (c) => c >= 0 && Number.isFinite(c), 'a finite weight >= 0');
    if (ema) {
      checkNumber('ema.decay', ema.decay, (g) => g >= 0 && g < 1, 'in [0, 1)');
      checkNumber('ema.epsilon', ema.epsilon, (e) => e > 0, '> 0');
    }
    if (options.initScale !== undefined) checkNumber('initScale', options.initScale, (s) => s > 0 && Number.isFinite(s), 'a positive scale');
    const initial = () => (options.initScale === undefined ? glorotUniform(key, K, D) : tf.randomNormal([K, D], 0, options.initScale, 'float32', key.seed())) as tf.Tensor2D;
    this.codebook = variableFrom(initial, !ema, uniqueVariableName('codebook'));
    this.usage = new Float64Array(K);
    this.emaCounts = new Float64Array(K).fill(1);
    this.emaSums = Float64Array.from(this.codebook.dataSync());
  }

  get codebookSize(): number { return this.options.codebookSize; }

  /** The nearest code of each row of z_e [n, codeDim] by squared distance |z|^2 - 2 z.e + |e|^2. */
  nearest(ze: tf.Tensor2D): Int32Array {
    checkShape('z_e', ze.shape, [-1, this.options.codeDim]);
    return tf.tidy(() => {
      const dist = tf.add(tf.sub(tf.sum(tf.square(ze), 1, true), tf.mul(2, tf.matMul(ze, this.codebook, false, true))),
        tf.sum(tf.square(this.codebook), 1).reshape([1, -1]));
      return tf.argMin(dist, 1).dataSync() as Int32Array;
    });
  }

  // derived in lecture 5 (notebooks/05-vq-vae.ipynb)
  /** Quantizes z_e [n, codeDim]; counts the choices into `usage`. */
  quantize(ze: tf.Tensor2D): Quantized {
    const indices = this.nearest(ze);
    indices.forEach((k) => { this.usage[k] += 1; });
    return tf.tidy(() => {
      const oneHot = tf.oneHot(tf.tensor1d(indices, 'int32'), this.codebookSize).toFloat() as tf.Tensor2D;
      const e = tf.matMul(oneHot, this.codebook); // a product, not a gather: wasm has no gather gradient
      const straightThrough = tf.add(ze, stopGradient(tf.sub(e, ze))) as tf.Tensor2D;
      const codebookLoss = this.options.ema ? tf.scalar(0) : tf.mean(tf.sum(tf.square(tf.sub(stopGradient(ze), e)), 1)) as tf.Scalar;
      const commitmentLoss = tf.mean(tf.sum(tf.square(tf.sub(ze, stopGradient(e))), 1)) as tf.Scalar;
      const q: Quantized = { straightThrough, indices, oneHot, codebookLoss, commitmentLoss };
      return q as unknown as tf.TensorContainerObject;
    }) as unknown as Quantized;
  }

  /**
   * One EMA step with the batch's vectors and their codes: N_k <- g N_k + (1-g) n_k,
   * m_k <- g m_k + (1-g) sum of the z_e assigned to k, then e_k = m_k / N~_k with the Laplace-smoothed
   * N~_k = (N_k + eps) / (N + K eps) * N, N = sum_k N_k (so an unused code never divides by zero).
   */
  emaUpdate(ze: tf.Tensor2D, indices: Int32Array): void {
    const ema = this.options.ema;
    if (!ema) throw new ParameterError('emaUpdate needs a quantizer built with the ema option', 'pass ema: { decay: 0.99, epsilon: 1e-5 }');
    const { codebookSize: K, codeDim: D } = this.options;
    checkShape('z_e', ze.shape, [indices.length, D]);
    const z = ze.dataSync();
    const counts = new Float64Array(K);
    const sums = new Float64Array(K * D);
    indices.forEach((k, i) => {
      counts[k] += 1;
      for (let j = 0; j < D; j++) sums[k * D + j] += z[i * D + j];
    });
    const g = ema.decay;
    let total = 0;
    for (let k = 0; k < K; k++) {
      this.emaCounts[k] = g * this.emaCounts[k] + (1 - g) * counts[k];
      total += this.emaCounts[k];
    }
    const codes = new Float32Array(K * D);
    for (let k = 0; k < K; k++) {
      const smoothed = (this.emaCounts[k] + ema.epsilon) / (total + K * ema.epsilon) * total;
      for (let j = 0; j < D; j++) {
        this.emaSums[k * D + j] = g * this.emaSums[k * D + j] + (1 - g) * sums[k * D + j];
        codes[k * D + j] = this.emaSums[k * D + j] / smoothed;
      }
    }
    tf.tidy(() => this.codebook.assign(tf.tensor2d(codes, [K, D])));
  }

  /**
   * Codes chosen fewer than `minUsage` times since the last reset move onto encoder outputs drawn at
   * random (keyed) from `ze`, where the data are; returns how many moved, and resets the usage.
   */
  restartDeadCodes(ze: tf.Tensor2D, key: Key, minUsage = 1): number {
    checkShape('z_e', ze.shape, [-1, this.options.codeDim]);
    const { codebookSize: K, codeDim: D } = this.options;
    const dead = Array.from({ length: K }, (_, k) => k).filter((k) => this.usage[k] < minUsage);
    if (dead.length > 0) {
      const z = ze.dataSync();
      const codes = Float32Array.from(this.codebook.dataSync());
      const u = key.uniforms(dead.length);
      dead.forEach((k, i) => {
        const row = Math.floor(u[i] * ze.shape[0]);
        for (let j = 0; j < D; j++) {
          codes[k * D + j] = z[row * D + j];
          this.emaSums[k * D + j] = z[row * D + j];
        }
        this.emaCounts[k] = 1;
      });
      tf.tidy(() => this.codebook.assign(tf.tensor2d(codes, [K, D])));
    }
    this.resetUsage();
    return dead.length;
  }

  /** Sets the codebook (and restarts the EMA state from it, with counts of 1). */
  setCodebook(codes: number[][]): void {
    const { codebookSize: K, codeDim: D } = this.options;
    checkShape('codebook', [codes.length, codes[0]?.length ?? 0], [K, D]);
    tf.tidy(() => this.codebook.assign(tf.tensor2d(codes)));
    this.emaSums = Float64Array.from(codes.flat());
    this.emaCounts = new Float64Array(K).fill(1);
  }

  resetUsage(): void {
    this.usage.fill(0);
  }

  /** For tests: the EMA state (counts N_k, sums m_k). */
  emaState(): { counts: Float64Array; sums: Float64Array } {
    return { counts: this.emaCounts.slice(), sums: this.emaSums.slice() };
  }

  dispose(): void {
    this.codebook.dispose();
  }
}

/** exp(entropy) of the code frequencies: K when all codes are used equally, 1 when one code is. */
export function perplexity(counts: ArrayLike<number>): number {
  let total = 0;
  for (let k = 0; k < counts.length; k++) {
    if (!(counts[k] >= 0)) throw new ParameterError(`count ${k} is ${counts[k]}`, 'pass non-negative code counts');
    total += counts[k];
  }
  if (total === 0) throw new ParameterError('all code counts are zero', 'count the codes of at least one vector');
  let h = 0;
  for (let k = 0; k < counts.length; k++) if (counts[k] > 0) h -= (counts[k] / total) * Math.log(counts[k] / total);
  return Math.exp(h);
}

/** Codes never chosen in `counts`. */
export function deadCodes(counts: ArrayLike<number>): number {
  let n = 0;
  for (let k = 0; k < counts.length; k++) if (counts[k] === 0) n++;
  return n;
}
