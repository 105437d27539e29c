// A two-level VQ-VAE (Razavi, van den Oord and Vinyals 2019) for binary images. The top level reads
// the whole image and keeps a few code vectors for its global shape; the bottom level keeps one code
// per cell of a grid (7x7 on 28x28 digits) for local detail, and its encoder sees the decoded top
// codes, so the bottom codes only need to say what the top ones left out. The decoder reads both.
// With topCodes = 0 it is a one-level VQ-VAE on the same grid, the model the two levels are compared
// against. Encoders on cells are dense layers shared across windows (see patches.ts for why).
import * as tf from '../core/tf';
import { ParameterError, ShapeError, checkInt, checkShape } from '../core/errors';
import { Key } from '../core/random';
import { Bernoulli } from '../distributions';
import { Dense, Mlp } from '../nn';
import { PatchGrid, checkPatchGrid, extractPatches, patchIndices } from './patches';
import { VectorQuantizer } from './quantizer';
import { checkCodeRange } from './check-codes';
import { Assignment, QuantizedModel } from './train-quantized';

export interface HierarchicalVqConfig {
  /** Side of the square images. */
  side: number;
  /** Bottom codes per side of the image (must divide `side`) and the window each one's encoder reads. */
  bottomGrid: number;
  bottomWindow: number;
  /** Codebook sizes of the two levels. */
  bottomCodebook: number;
  topCodebook: number;
  /** Number of top code vectors (0: one level). */
  topCodes: number;
  /** Width of every code vector. */
  codeDim: number;
  /** Hidden widths: the cell encoder, the top encoder, the decoder. */
  cellHidden: number;
  topHidden: number;
  decoderHidden: number[];
  /** Width of the top level's message to each cell's encoder. */
  topMessage: number;
  commitment: number;
  ema: { decay: number; epsilon: number };
}

export const HIERARCHICAL_VQ_DEFAULTS: HierarchicalVqConfig = {
  side: 28, bottomGrid: 7, bottomWindow: 8, bottomCodebook: 128, topCodebook: 128, topCodes: 4, codeDim: 16,
  cellHidden: 128, topHidden: 256, decoderHidden: [512], topMessage: 16, commitment: 0.25, ema: { decay: 0.99, epsilon: 1e-5 },
};

/** Codes of a batch: top [batch * topCodes] and bottom [batch * cells], row-major. */
export interface HierarchicalCodes {
  top: Int32Array;
  bottom: Int32Array;
}

export interface HierarchicalTerms {
  /**
   * The Bernoulli log-likelihood sum_i x_i log p_i + (1 - x_i) log(1 - p_i) per image, [batch]: log p(x | z) when x is
   * binary; on grey x it is minus the cross-entropy to the grey values (the loss the Keras-style training uses).
   */
  reconstruction: tf.Tensor1D;
  /** Commitment losses per image, summed over each level's positions. */
  commitment: tf.Scalar;
}

export class HierarchicalVqVae implements QuantizedModel {
  readonly config: HierarchicalVqConfig;
  readonly grid: PatchGrid;
  readonly bottom: VectorQuantizer;
  readonly top: VectorQuantizer | null;
  private readonly cellEncoder: Mlp;
  private readonly cellOutput: Dense;
  private readonly topEncoder: Mlp | null;
  private readonly topToCells: Dense | null;
  private readonly decoder: Mlp;
  private readonly windows: tf.Tensor1D;

  constructor(config: Partial<HierarchicalVqConfig>, key: Key) {
    const c: HierarchicalVqConfig = { ...HIERARCHICAL_VQ_DEFAULTS, ...config };
    this.config = c;
    this.grid = { side: c.side, grid: c.bottomGrid, window: c.bottomWindow };
    checkPatchGrid(this.grid);
    checkInt('topCodes', c.topCodes, 0);
    for (const [name, v] of Object.entries({ codeDim: c.codeDim, cellHidden: c.cellHidden, topHidden: c.topHidden, topMessage: c.topMessage })) checkInt(name, v, 1);
    c.decoderHidden.forEach((h, i) => checkInt(`decoderHidden[${i}]`, h, 1));
    const [kq, kt, kc, ko, ke, km, kd] = key.split(7);
    const ema = c.ema;
    // the quantizers check their options before any variable exists
    this.bottom = new VectorQuantizer({ codebookSize: c.bottomCodebook, codeDim: c.codeDim, commitment: c.commitment, ema }, kq);
    this.top = c.topCodes > 0 ? new VectorQuantizer({ codebookSize: c.topCodebook, codeDim: c.codeDim, commitment: c.commitment, ema }, kt) : null;
    const message = c.topCodes > 0 ? c.topMessage : 0;
    this.cellEncoder = new Mlp({ sizes: [c.bottomWindow ** 2, c.cellHidden], hidden: 'relu', output: 'relu' }, kc, 'hvq-cell-encoder');
    this.cellOutput = new Dense(c.cellHidden + message, c.codeDim, 'linear', ko, 'hvq-cell-output');
    this.topEncoder = c.topCodes > 0 ? new Mlp({ sizes: [c.side ** 2, c.topHidden, c.topCodes * c.codeDim], hidden: 'relu', output: 'linear' }, ke, 'hvq-top-encoder') : null;
    this.topToCells = c.topCodes > 0 ? new Dense(c.topCodes * c.codeDim, this.cells * message, 'relu', km, 'hvq-top-to-cells') : null;
    this.decoder = new Mlp({ sizes: [(this.cells + c.topCodes) * c.codeDim, ...c.decoderHidden, c.side ** 2], hidden: 'relu', output: 'linear' }, kd, 'hvq-decoder');
    this.windows = tf.keep(tf.tensor1d(patchIndices(this.grid), 'int32'));
  }

  /** Bottom code positions per image. */
  get cells(): number { return this.config.bottomGrid ** 2; }

  /** Bits an image's codes take under uniform priors: cells log2 K_b + topCodes log2 K_t. */
  get bits(): number {
    const c = this.config;
    return this.cells * Math.log2(c.bottomCodebook) + c.topCodes * (c.topCodes > 0 ? Math.log2(c.topCodebook) : 0);
  }

  get quantizers(): VectorQuantizer[] { return this.top ? [this.bottom, this.top] : [this.bottom]; }

  get variables(): tf.Variable[] {
    return [...this.cellEncoder.variables, ...this.cellOutput.variables, ...(this.topEncoder?.variables ?? []),
      ...(this.topToCells?.variables ?? []), ...this.decoder.variables];
  }

  namedVariables(): [string, tf.Variable][] {
    return [...this.cellEncoder.namedVariables(), ...this.cellOutput.namedVariables(), ...(this.topEncoder?.namedVariables() ?? []),
      ...(this.topToCells?.namedVariables() ?? []), ...this.decoder.namedVariables(),
      ['hvq-bottom-codebook', this.bottom.codebook], ...(this.top ? [['hvq-top-codebook', this.top.codebook] as [string, tf.Variable]] : [])];
  }

  private checkImages(x: tf.Tensor2D): number {
    checkShape('images', x.shape, [-1, this.config.side ** 2]);
    return x.shape[0];
  }

  /** Top encoder outputs [batch * topCodes, codeDim] (one-level model: an error). */
  private encodeTop(x: tf.Tensor2D): tf.Tensor2D {
    if (!this.topEncoder) throw new ParameterError('this VQ-VAE has one level and no top codes', 'build it with topCodes > 0');
    const encoder = this.topEncoder;
    return tf.tidy(() => tf.reshape(encoder.apply(x), [-1, this.config.codeDim]) as tf.Tensor2D);
  }

  /** Bottom encoder outputs [batch * cells, codeDim] given the (quantized) top vectors [batch * topCodes, codeDim]. */
  private encodeBottom(x: tf.Tensor2D, topVectors: tf.Tensor2D | null): tf.Tensor2D {
    const batch = x.shape[0];
    return tf.tidy(() => {
      let h = this.cellEncoder.apply(extractPatches(x, this.grid, this.windows));
      if (this.topToCells && topVectors) {
        const message = this.topToCells.apply(tf.reshape(topVectors, [batch, -1]) as tf.Tensor2D);
        h = tf.concat([h, tf.reshape(message, [batch * this.cells, this.config.topMessage])], 1);
      }
      return this.cellOutput.apply(h);
    });
  }

  private decodeVectors(bottom: tf.Tensor2D, top: tf.Tensor2D | null, batch: number): tf.Tensor2D {
    return tf.tidy(() => {
      const parts = [tf.reshape(bottom, [batch, -1])];
      if (top) parts.push(tf.reshape(top, [batch, -1]));
      return this.decoder.apply((parts.length > 1 ? tf.concat(parts, 1) : parts[0]) as tf.Tensor2D);
    });
  }

  /** Both levels' codes of each image (no gradient, no usage counted). */
  codes(x: tf.Tensor2D): HierarchicalCodes {
    this.checkImages(x);
    let top: Int32Array = new Int32Array(0);
    let topVectors: tf.Tensor2D | null = null;
    if (this.top) {
      const ze = this.encodeTop(x);
      top = this.top.nearest(ze);
      ze.dispose();
      topVectors = this.lookup(this.top, top);
    }
    const zb = this.encodeBottom(x, topVectors);
    const bottom = this.bottom.nearest(zb);
    zb.dispose();
    topVectors?.dispose();
    return { top, bottom };
  }

  /** Codebook vectors of the given codes, [n, codeDim]. */
  private lookup(q: VectorQuantizer, codes: Int32Array): tf.Tensor2D {
    checkCodeRange(codes, q.codebookSize);
    return tf.tidy(() => tf.matMul(tf.oneHot(tf.tensor1d(codes, 'int32'), q.codebookSize).toFloat(), q.codebook) as tf.Tensor2D);
  }

  /** Bernoulli logits [batch, side^2] of images with the given codes. */
  decodeCodes(codes: HierarchicalCodes): tf.Tensor2D {
    if (codes.bottom.length % this.cells !== 0) {
      throw new ShapeError(`${codes.bottom.length} bottom codes are not whole images of ${this.cells} cells`, `pass ${this.cells} bottom codes per image`);
    }
    const batch = codes.bottom.length / this.cells;
    if (codes.top.length !== batch * this.config.topCodes) {
      throw new ShapeError(`${codes.top.length} top codes for ${batch} images`, `pass ${this.config.topCodes} top codes per image`);
    }
    return tf.tidy(() => this.decodeVectors(this.lookup(this.bottom, codes.bottom), this.top ? this.lookup(this.top, codes.top) : null, batch));
  }

  /**
   * The loss terms of a binary batch, and each level's encoder outputs and codes (for EMA updates
   * and restarts). Call inside a training step or tf.tidy: intermediates belong to that scope.
   */
  terms(x: tf.Tensor2D): { terms: HierarchicalTerms; assignments: Assignment[] } {
    const batch = this.checkImages(x);
    const assignments: Assignment[] = [];
    let topStraight: tf.Tensor2D | null = null;
    let commitment = tf.scalar(0);
    if (this.top) {
      const zt = this.encodeTop(x);
      const qt = this.top.quantize(zt);
      topStraight = qt.straightThrough;
      commitment = tf.add(commitment, tf.mul(qt.commitmentLoss, this.config.topCodes));
      assignments.push({ quantizer: this.top, ze: zt, indices: qt.indices });
    }
    const zb = this.encodeBottom(x, topStraight);
    const qb = this.bottom.quantize(zb);
    commitment = tf.add(commitment, tf.mul(qb.commitmentLoss, this.cells));
    assignments.unshift({ quantizer: this.bottom, ze: zb, indices: qb.indices });
    const logits = this.decodeVectors(qb.straightThrough, topStraight, batch);
    const reconstruction = new Bernoulli(logits, { eventRank: 1, validate: false }).logProb(x) as tf.Tensor1D;
    return { terms: { reconstruction, commitment: commitment as tf.Scalar }, assignments };
  }

  lossAndAssignments(x: tf.Tensor2D): { loss: tf.Scalar; assignments: Assignment[] } {
    const { terms, assignments } = this.terms(x);
    const loss = tf.add(tf.neg(tf.mean(terms.reconstruction)), tf.mul(this.config.commitment, terms.commitment)) as tf.Scalar;
    return { loss, assignments };
  }

  dispose(): void {
    for (const part of [this.cellEncoder, this.cellOutput, this.topEncoder, this.topToCells, this.decoder, this.bottom, this.top]) part?.dispose();
    this.windows.dispose();
  }
}
