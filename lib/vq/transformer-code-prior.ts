// An autoregressive prior over a short row of codes (the top level of a hierarchical VQ-VAE) by a
// causal Transformer from the attention lecture: a start symbol, then each code predicted from all
// the codes before it, so every code may depend on every earlier one through self-attention.
import * as tf from '../core/tf';
import { ShapeError, checkInt } from '../core/errors';
import { Key } from '../core/random';
import { TrainResult } from '../core/train';
import { Categorical } from '../distributions';
import { classLogProb } from '../nn/class-log-prob';
import { CausalTransformer, TransformerConfig } from '../attention/transformer';
import { PriorFitOptions, fitCodeRows, pickRows } from './fit-code-prior';
import { checkCodeRange } from './check-codes';

export class TransformerCodePrior {
  readonly model: CausalTransformer;

  /** `positions` codes per row from a codebook of `codebookSize`; the start symbol is codebookSize. */
  constructor(readonly positions: number, readonly codebookSize: number, config: Omit<TransformerConfig, 'maxLength'>, key: Key) {
    checkInt('positions', positions, 1);
    checkInt('codebookSize', codebookSize, 1);
    this.model = new CausalTransformer({ ...config, maxLength: positions }, codebookSize + 1, key, 'top-code-prior');
  }

  private rowsOf(codes: Int32Array): number {
    if (codes.length % this.positions !== 0) throw new ShapeError(`${codes.length} codes are not whole rows of ${this.positions}`, `pass ${this.positions} codes per image, row-major`);
    checkCodeRange(codes, this.codebookSize);
    return codes.length / this.positions;
  }

  /** The start symbol and all codes but the last: the model's input for rows of codes. */
  private shifted(codes: Int32Array, rows: number): tf.Tensor2D {
    const input = new Int32Array(rows * this.positions);
    for (let r = 0; r < rows; r++) {
      input[r * this.positions] = this.codebookSize;
      input.set(codes.subarray(r * this.positions, (r + 1) * this.positions - 1), r * this.positions + 1);
    }
    return tf.tensor2d(input, [rows, this.positions], 'int32');
  }

  /** Logits over the codes (the start symbol is never a target), [rows, positions, K]. */
  private codeLogits(tokens: tf.Tensor2D): tf.Tensor3D {
    return tf.tidy(() => tf.slice(this.model.apply(tokens).logits, [0, 0, 0], [-1, -1, this.codebookSize]) as tf.Tensor3D);
  }

  /** log p(codes) per row (nats), [rows]. */
  logProb(codes: Int32Array): tf.Tensor1D {
    const rows = this.rowsOf(codes);
    return tf.tidy(() => tf.sum(classLogProb(this.codeLogits(this.shifted(codes, rows)), tf.tensor2d(codes, [rows, this.positions], 'int32')), 1) as tf.Tensor1D);
  }

  /** `n` rows drawn code by code. */
  sample(key: Key, n: number): Int32Array {
    checkInt('n', n, 1);
    const codes = new Int32Array(n * this.positions);
    const keys = key.split(this.positions);
    for (let p = 0; p < this.positions; p++) {
      const drawn = tf.tidy(() => {
        const logits = this.codeLogits(this.shifted(codes, n));
        const at = tf.reshape(tf.slice(logits, [0, p, 0], [n, 1, this.codebookSize]), [n, this.codebookSize]);
        return new Categorical(at).sample(keys[p]).dataSync();
      });
      for (let b = 0; b < n; b++) codes[b * this.positions + p] = drawn[b];
    }
    return codes;
  }

  /** Maximum likelihood with Adam on the rows of `codes`. */
  fit(codes: Int32Array, key: Key, options: PriorFitOptions): Promise<TrainResult> {
    const rows = this.rowsOf(codes);
    return fitCodeRows(rows, (picked) => this.logProb(pickRows(codes, this.positions, picked)), this.model.variables, key, { label: 'top-code prior', ...options });
  }

  get variables(): tf.Variable[] { return this.model.variables; }
  dispose(): void { this.model.dispose(); }
}
