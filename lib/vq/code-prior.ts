// An autoregressive prior over the VQ-VAE's codes, fitted after the autoencoder: a MADE whose input
// is the one-hot codes of all positions and whose output at position p is a softmax over the K codes
// that sees only positions before p. Sampling goes position by position (ancestral sampling).
import * as tf from '../core/tf';
import { ParameterError, checkInt } from '../core/errors';
import { Key } from '../core/random';
import { TrainResult } from '../core/train';
import { MaskedMlp, classLogProb, masksFromDegrees } from '../nn';
import { PriorFitOptions, fitCodeRows, pickRows } from './fit-code-prior';
import { checkCodeRange } from './check-codes';

export class CodePrior {
  private readonly net: MaskedMlp;

  constructor(readonly positions: number, readonly codebookSize: number, hidden: number[], key: Key) {
    checkInt('positions', positions, 2);
    checkInt('codebookSize', codebookSize, 1);
    const degrees = Array.from({ length: positions * codebookSize }, (_, i) => Math.floor(i / codebookSize) + 1);
    this.net = new MaskedMlp(masksFromDegrees(degrees, hidden, degrees), key, 0, 'code-prior');
  }

  private checkCodes(codes: Int32Array): number {
    if (codes.length % this.positions !== 0) {
      throw new ParameterError(`${codes.length} codes do not split into rows of ${this.positions} positions`, `pass [batch * ${this.positions}] code indices, row-major`);
    }
    checkCodeRange(codes, this.codebookSize);
    return codes.length / this.positions;
  }

  /** log p(codes) per row (nats): codes row-major [batch * positions] -> [batch]. */
  logProb(codes: Int32Array): tf.Tensor1D {
    const batch = this.checkCodes(codes);
    const { positions: M, codebookSize: K } = this;
    return tf.tidy(() => {
      const indices = tf.tensor2d(codes, [batch, M], 'int32');
      const oneHot = tf.reshape(tf.oneHot(indices, K).toFloat(), [batch, M * K]) as tf.Tensor2D;
      return tf.sum(classLogProb(tf.reshape(this.net.apply(oneHot), [batch, M, K]), indices), 1) as tf.Tensor1D;
    });
  }

  /** `n` code rows drawn position by position. */
  sample(key: Key, n: number): Int32Array {
    checkInt('n', n, 1);
    const { positions: M, codebookSize: K } = this;
    const codes = new Int32Array(n * M);
    const u = key.uniforms(n * M);
    for (let p = 0; p < M; p++) {
      const probs = tf.tidy(() => {
        const oneHot = tf.reshape(tf.oneHot(tf.tensor1d(codes, 'int32'), K).toFloat(), [n, M * K]) as tf.Tensor2D;
        return tf.softmax(tf.slice(tf.reshape(this.net.apply(oneHot), [n, M, K]), [0, p, 0], [n, 1, K])).dataSync();
      });
      for (let b = 0; b < n; b++) {
        let c = 0;
        let k = 0;
        for (; k < K - 1; k++) {
          c += probs[b * K + k];
          if (u[b * M + p] < c) break;
        }
        codes[b * M + p] = k;
      }
    }
    return codes;
  }

  /** Maximum likelihood on code rows with Adam; step i uses rows chosen by key.foldIn(i). */
  fit(codes: Int32Array, key: Key, options: PriorFitOptions): Promise<TrainResult> {
    const rows = this.checkCodes(codes);
    return fitCodeRows(rows, (picked) => this.logProb(pickRows(codes, this.positions, picked)), this.net.variables, key, options);
  }

  get variables(): tf.Variable[] { return this.net.variables; }
  dispose(): void { this.net.dispose(); }
}
