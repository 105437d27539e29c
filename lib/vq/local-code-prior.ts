// An autoregressive prior over a grid of codes in raster order that looks only at a causal
// neighbourhood, like a PixelCNN (van den Oord et al. 2016): the code of cell (i, j) given the codes
// of the r rows above it (columns j-r..j+r) and the r cells to its left, the cell's position, and
// an optional context (the top codes of a hierarchical VQ-VAE). A neighbour enters as its codebook
// vector, a fixed copy of the autoencoder's, so the network stays small; a neighbour outside the
// grid enters as zeros with a flag. One shared MLP gives every cell's logits in one pass.
import * as tf from '../core/tf';
import { ParameterError, ShapeError, checkInt } from '../core/errors';
import { Key } from '../core/random';
import { TrainResult } from '../core/train';
import { Categorical } from '../distributions';
import { Mlp, classLogProb } from '../nn';
import { PriorFitOptions, fitCodeRows, pickRows } from './fit-code-prior';
import { checkCodeRange } from './check-codes';
import { tensorFrom } from '../engine/tensor-io';

export interface Codebook {
  /** Row-major [size, dim] code vectors. */
  vectors: Float32Array;
  size: number;
  dim: number;
}

export interface LocalPriorConfig {
  grid: number;
  /** Rows above and cells to the left that a code sees. */
  radius: number;
  hidden: number[];
}

/** The (di, dj) offsets of a causal neighbourhood of radius r, in a fixed order. */
export function causalOffsets(radius: number): [number, number][] {
  checkInt('radius', radius, 1);
  const out: [number, number][] = [];
  for (let di = -radius; di < 0; di++) for (let dj = -radius; dj <= radius; dj++) out.push([di, dj]);
  for (let dj = -radius; dj < 0; dj++) out.push([0, dj]);
  return out;
}

function checkCodebook(name: string, c: Codebook): void {
  checkInt(`${name}.size`, c.size, 1);
  checkInt(`${name}.dim`, c.dim, 1);
  if (c.vectors.length !== c.size * c.dim) throw new ShapeError(`${name} has ${c.vectors.length} numbers for ${c.size} codes of ${c.dim}`, 'pass the [size, dim] codebook row-major');
}

export class LocalCodePrior {
  readonly offsets: [number, number][];
  private readonly net: Mlp;
  private readonly inputSize: number;
  /** The neighbour table and the codebook's entries (copied here: the prior keeps the codebook it was built with). */
  private readonly lookup: { neighbours: Int32Array; entries: Float32Array };

  constructor(readonly config: LocalPriorConfig, readonly codebook: Codebook, key: Key,
    readonly context: { codebook: Codebook; positions: number } | null = null) {
    checkInt('grid', config.grid, 1);
    config.hidden.forEach((h, i) => checkInt(`hidden[${i}]`, h, 1));
    checkCodebook('codebook', codebook);
    if (context) { checkCodebook('context codebook', context.codebook); checkInt('context positions', context.positions, 1); }
    this.offsets = causalOffsets(config.radius);
    const cells = config.grid ** 2;
    this.inputSize = this.offsets.length * (codebook.dim + 1) + cells + (context ? context.positions * context.codebook.dim : 0);
    this.lookup = this.tables();
    this.net = new Mlp({ sizes: [this.inputSize, ...config.hidden, codebook.size], hidden: 'relu', output: 'linear' }, key, 'local-code-prior');
  }

  get cells(): number { return this.config.grid ** 2; }

  private rowsOf(codes: Int32Array, contextCodes?: Int32Array): number {
    if (codes.length % this.cells !== 0) throw new ShapeError(`${codes.length} codes are not whole grids of ${this.cells}`, `pass ${this.cells} codes per image, row-major`);
    const rows = codes.length / this.cells;
    checkCodeRange(codes, this.codebook.size, 'grid code');
    if (this.context) {
      if (!contextCodes) throw new ParameterError('this prior is conditioned on context codes but none were given', `pass ${this.context.positions} context codes per image`);
      if (contextCodes.length !== rows * this.context.positions) throw new ShapeError(`${contextCodes.length} context codes for ${rows} images`, `pass ${this.context.positions} per image`);
      checkCodeRange(contextCodes, this.context.codebook.size, 'context code');
    } else if (contextCodes) {
      throw new ParameterError('context codes were given to a prior without context', 'build the prior with a context, or leave them out');
    }
    return rows;
  }

  /** The network's input for the given cells (default: all) of every image, [rows * cells, inputSize]. */
  private features(codes: Int32Array, rows: number, contextCodes?: Int32Array, onlyCell?: number): tf.Tensor2D {
    const { neighbours, entries } = this.lookup;
    const stride = this.codebook.dim + 1;
    const cells = this.cells;
    const links = this.offsets.length;
    const first = onlyCell ?? 0;
    const chosen = onlyCell === undefined ? cells : 1;
    const outside = this.codebook.size;
    const context = this.context && contextCodes ? { ...this.context, codes: contextCodes } : null;
    // written where the tensor lives: these are the step's largest input (1568 x 317 for 32 images)
    return tensorFrom<tf.Rank.R2>([rows * chosen, this.inputSize], (out) => {
      out.fill(0);
      let o = 0;
      for (let r = 0; r < rows; r++) {
        const base = r * cells;
        for (let c = first; c < first + chosen; c++) {
          for (let n = 0; n < links; n++) {
            const cell = neighbours[c * links + n];
            // a neighbour outside the grid reads the last entry: zeros and the outside flag
            const from = (cell < 0 ? outside : codes[base + cell]) * stride;
            for (let d = 0; d < stride; d++) out[o + d] = entries[from + d];
            o += stride;
          }
          out[o + c] = 1;
          o += cells;
          if (context) {
            const { codebook: cb, positions } = context;
            for (let p = 0; p < positions; p++) {
              const from = context.codes[r * positions + p] * cb.dim;
              for (let d = 0; d < cb.dim; d++) out[o + d] = cb.vectors[from + d];
              o += cb.dim;
            }
          }
        }
      }
    });
  }

  /**
   * What features() copies from: each cell's neighbours in the order of the offsets (-1 outside the
   * grid), and each code's entry, its vector and a 0 flag, with one more entry for outside.
   */
  private tables(): { neighbours: Int32Array; entries: Float32Array } {
    const { grid } = this.config;
    const { dim, size, vectors } = this.codebook;
    const neighbours = new Int32Array(this.cells * this.offsets.length);
    for (let c = 0; c < this.cells; c++) {
      const [i, j] = [Math.floor(c / grid), c % grid];
      this.offsets.forEach(([di, dj], n) => {
        const inside = i + di >= 0 && j + dj >= 0 && j + dj < grid;
        neighbours[c * this.offsets.length + n] = inside ? (i + di) * grid + j + dj : -1;
      });
    }
    const entries = new Float32Array((size + 1) * (dim + 1));
    for (let k = 0; k < size; k++) entries.set(vectors.subarray(k * dim, (k + 1) * dim), k * (dim + 1));
    entries[size * (dim + 1) + dim] = 1;
    return { neighbours, entries };
  }

  /** Logits [rows * cells, K] of every cell's code given its neighbours (teacher forcing). */
  private logits(codes: Int32Array, rows: number, contextCodes?: Int32Array): tf.Tensor2D {
    return tf.tidy(() => this.net.apply(this.features(codes, rows, contextCodes)));
  }

  /** log p(codes | context) per image (nats), [rows]. */
  logProb(codes: Int32Array, contextCodes?: Int32Array): tf.Tensor1D {
    const rows = this.rowsOf(codes, contextCodes);
    return tf.tidy(() => {
      const perCell = classLogProb(this.logits(codes, rows, contextCodes), tf.tensor1d(codes, 'int32'));
      return tf.sum(tf.reshape(perCell, [rows, this.cells]), 1) as tf.Tensor1D;
    });
  }

  /** `n` grids drawn cell by cell in raster order (given n rows of context codes when conditioned). */
  sample(key: Key, n: number, contextCodes?: Int32Array): Int32Array {
    checkInt('n', n, 1);
    const codes = new Int32Array(n * this.cells);
    this.rowsOf(codes, contextCodes);
    const keys = key.split(this.cells);
    for (let c = 0; c < this.cells; c++) {
      // only cell c's inputs: its neighbours come earlier in raster order and are already drawn
      const drawn = tf.tidy(() => new Categorical(this.net.apply(this.features(codes, n, contextCodes, c))).sample(keys[c]).dataSync());
      for (let b = 0; b < n; b++) codes[b * this.cells + c] = drawn[b];
    }
    return codes;
  }

  /** Maximum likelihood with Adam on the rows of `codes` (and their context rows). */
  fit(codes: Int32Array, key: Key, options: PriorFitOptions, contextCodes?: Int32Array): Promise<TrainResult> {
    const rows = this.rowsOf(codes, contextCodes);
    const width = this.context?.positions ?? 0;
    return fitCodeRows(rows, (picked) => this.logProb(pickRows(codes, this.cells, picked),
      contextCodes ? pickRows(contextCodes, width, picked) : undefined), this.net.variables, key, { label: 'bottom-code prior', ...options });
  }

  get variables(): tf.Variable[] { return this.net.variables; }
  namedVariables(): [string, tf.Variable][] { return this.net.namedVariables(); }
  dispose(): void { this.net.dispose(); }
}
