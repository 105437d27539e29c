// The recurrent baseline of the attention lecture: a GRU encoder-decoder (Cho et al. 2014). The
// encoder reads the source one symbol at a time into a state vector; the decoder starts from that
// state and writes the target. Everything the decoder learns about the source passes through one
// vector, step after step: the long path that attention shortens.
import * as tf from '../core/tf';
import { ShapeError } from '../core/errors';
import { Key } from '../core/random';
import { Dense } from '../nn/dense';
import { GruCell } from '../nn/gru-cell';
import { SequenceToSequence } from './decode';
import { TokenEmbedding } from './embedding';

export { GruCell };

/** A GRU encoder-decoder: embeddings of `width`, one GRU layer each way, a readout to the target vocabulary. */
export class GruSeq2Seq implements SequenceToSequence {
  readonly sourceEmbedding: TokenEmbedding;
  readonly targetEmbedding: TokenEmbedding;
  readonly encoder: GruCell;
  readonly decoder: GruCell;
  readonly readout: Dense;

  constructor(readonly width: number, readonly sourceVocab: number, readonly targetVocab: number, key: Key, name = 'gru-seq2seq') {
    const k = key.split(5);
    this.sourceEmbedding = new TokenEmbedding(sourceVocab, width, k[0], `${name}/source-embedding`);
    this.targetEmbedding = new TokenEmbedding(targetVocab, width, k[1], `${name}/target-embedding`);
    this.encoder = new GruCell(width, width, k[2], `${name}/encoder`);
    this.decoder = new GruCell(width, width, k[3], `${name}/decoder`);
    this.readout = new Dense(width, targetVocab, 'linear', k[4], `${name}/readout`);
  }

  /** sourceMask as from paddingMask ([batch, 1, 1, S]): the encoder skips padded positions. */
  apply(source: tf.Tensor2D, targetIn: tf.Tensor2D, sourceMask?: tf.Tensor): { logits: tf.Tensor3D } {
    if (sourceMask && sourceMask.size !== source.size) {
      throw new ShapeError(`a source mask of ${sourceMask.size} entries for ${source.size} source symbols`, 'pass paddingMask(lengths, S) for this batch');
    }
    return tf.tidy(() => {
      const [b, s] = source.shape;
      const keep = sourceMask ? (tf.reshape(sourceMask, [b, s]) as tf.Tensor2D) : undefined;
      const encoded = this.encoder.run(this.sourceEmbedding.apply(source), tf.zeros([b, this.width]), keep);
      const decoded = this.decoder.run(this.targetEmbedding.apply(targetIn), encoded.last);
      const t = targetIn.shape[1];
      const logits = this.readout.apply(tf.reshape(decoded.states, [b * t, this.width]) as tf.Tensor2D);
      return { logits: tf.reshape(logits, [b, t, this.targetVocab]) as tf.Tensor3D };
    });
  }

  get variables(): tf.Variable[] {
    return [...this.sourceEmbedding.variables, ...this.targetEmbedding.variables, ...this.encoder.variables, ...this.decoder.variables, ...this.readout.variables];
  }

  dispose(): void {
    [this.sourceEmbedding, this.targetEmbedding, this.encoder, this.decoder, this.readout].forEach((m) => m.dispose());
  }
}
