// The VQ-VAE for binary images: an MLP encoder gives `positions` vectors of `codeDim`, each is
// quantized to one of K codes, and an MLP decoder maps the quantized vectors to Bernoulli logits.
// The posterior is one-hot and deterministic, so under a uniform prior its KL is exactly
// positions * log K: a constant, which is why training only needs the reconstruction term.
import * as tf from '../core/tf';
import { ParameterError, ShapeError, checkInt, checkShape } from '../core/errors';
import { Key } from '../core/random';
import { ImageSet } from '../data';
import { Bernoulli } from '../distributions';
import { Mlp } from '../nn';
import { QuantizerOptions, VectorQuantizer } from './quantizer';
import { checkCodeRange } from './check-codes';
import { Assignment, QuantizedModel, VqHistory, VqTrainOptions, trainQuantized } from './train-quantized';

export interface VqVaeConfig {
  dataDim: number;
  hidden: number[];
  /** Number of code vectors per image. */
  positions: number;
  codebookSize: number;
  codeDim: number;
  commitment: number;
  ema?: { decay: number; epsilon: number };
  /** Scale of the initial codes (see QuantizerOptions.initScale). */
  initScale?: number;
}

export type VqVaeTerms = {
  /** log p(x|z_q) per image, [batch]. */
  reconstruction: tf.Tensor1D;
  codebookLoss: tf.Scalar;
  commitmentLoss: tf.Scalar;
};

export class VqVae implements QuantizedModel {
  readonly config: VqVaeConfig;
  readonly encoder: Mlp;
  readonly decoder: Mlp;
  readonly quantizer: VectorQuantizer;

  constructor(config: Partial<VqVaeConfig> & { dataDim: number }, key: Key) {
    this.config = { hidden: [256], positions: 8, codebookSize: 64, codeDim: 16, commitment: 0.25, ...config };
    const { dataDim, hidden, positions, codebookSize, codeDim, commitment, ema, initScale } = this.config;
    checkInt('positions', positions, 1);
    checkInt('dataDim', dataDim, 1);
    hidden.forEach((h, i) => checkInt(`hidden[${i}]`, h, 1));
    const [ke, kd, kq] = key.split(3);
    // the quantizer checks its options before it makes a variable, and the networks cannot fail after it
    const q: Partial<QuantizerOptions> & { codebookSize: number; codeDim: number } = { codebookSize, codeDim, commitment, ema, initScale };
    this.quantizer = new VectorQuantizer(q, kq);
    this.encoder = new Mlp({ sizes: [dataDim, ...hidden, positions * codeDim], hidden: 'relu', output: 'linear' }, ke, 'vq-encoder');
    this.decoder = new Mlp({ sizes: [positions * codeDim, ...[...hidden].reverse(), dataDim], hidden: 'relu', output: 'linear' }, kd, 'vq-decoder');
  }

  /** Encoder outputs as rows of code vectors: [batch * positions, codeDim]. */
  encode(x: tf.Tensor2D): tf.Tensor2D {
    checkShape('x', x.shape, [-1, this.config.dataDim]);
    return tf.tidy(() => tf.reshape(this.encoder.apply(x), [-1, this.config.codeDim]) as tf.Tensor2D);
  }

  /** The codes of each image, [batch][positions] flattened row-major. */
  codes(x: tf.Tensor2D): Int32Array {
    const ze = this.encode(x);
    const idx = this.quantizer.nearest(ze);
    ze.dispose();
    return idx;
  }

  /** Bernoulli logits of the images whose codes are given (row-major [batch * positions]). */
  decodeCodes(indices: Int32Array): tf.Tensor2D {
    const { positions, codebookSize, codeDim } = this.config;
    if (indices.length % positions !== 0) {
      throw new ShapeError(`${indices.length} codes are not whole images of ${positions} positions`, `pass ${positions} codes per image`);
    }
    checkCodeRange(indices, codebookSize);
    return tf.tidy(() => {
      const oneHot = tf.oneHot(tf.tensor1d(indices, 'int32'), codebookSize).toFloat() as tf.Tensor2D;
      const zq = tf.reshape(tf.matMul(oneHot, this.quantizer.codebook), [-1, positions * codeDim]) as tf.Tensor2D;
      return this.decoder.apply(zq);
    });
  }

  /**
   * The terms of the loss for a batch; the encoder outputs and chosen codes are returned for EMA
   * updates and restarts. Call it inside tf.tidy or a training step: the intermediate tensors are
   * kept for the backward pass and freed with the scope.
   */
  terms(x: tf.Tensor2D): { terms: VqVaeTerms; ze: tf.Tensor2D; indices: Int32Array } {
    const ze = this.encode(x);
    const q = this.quantizer.quantize(ze);
    const terms = tf.tidy(() => {
      const zq = tf.reshape(q.straightThrough, [-1, this.config.positions * this.config.codeDim]) as tf.Tensor2D;
      const logits = this.decoder.apply(zq);
      const t: VqVaeTerms = {
        reconstruction: new Bernoulli(logits, { eventRank: 1, validate: false }).logProb(x) as tf.Tensor1D,
        // per image: the position losses are means over rows, so scale by positions
        codebookLoss: tf.mul(q.codebookLoss, this.config.positions) as tf.Scalar,
        commitmentLoss: tf.mul(q.commitmentLoss, this.config.positions) as tf.Scalar,
      };
      return t;
    });
    return { terms, ze, indices: q.indices };
  }

  /** -mean log p(x|z_q) + codebook loss + beta * commitment loss. */
  loss(t: VqVaeTerms): tf.Scalar {
    return tf.tidy(() => tf.add(tf.neg(tf.mean(t.reconstruction)), tf.add(t.codebookLoss, tf.mul(this.config.commitment, t.commitmentLoss))) as tf.Scalar);
  }

  /** The KL of the one-hot posterior from a uniform prior over codes: positions * log K nats. */
  uniformPriorKl(): number {
    return this.config.positions * Math.log(this.config.codebookSize);
  }

  get variables(): tf.Variable[] {
    return [...this.encoder.variables, ...this.decoder.variables, ...(this.config.ema ? [] : [this.quantizer.codebook])];
  }

  get quantizers(): VectorQuantizer[] { return [this.quantizer]; }

  lossAndAssignments(x: tf.Tensor2D): { loss: tf.Scalar; assignments: Assignment[] } {
    const out = this.terms(x);
    return { loss: this.loss(out.terms), assignments: [{ quantizer: this.quantizer, ze: out.ze, indices: out.indices }] };
  }

  dispose(): void {
    this.encoder.dispose();
    this.decoder.dispose();
    this.quantizer.dispose();
  }
}

/** Trains on dynamically binarized images with Adam (plus EMA codebook steps when configured). */
export function trainVqVae(model: VqVae, data: ImageSet, key: Key, options: Partial<VqTrainOptions> = {}): Promise<VqHistory> {
  return trainQuantized(model, data, key, options);
}
