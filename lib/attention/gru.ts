// The recurrent baseline of the attention lecture: a GRU encoder-decoder (Cho et al. 2014). The
// encoder reads the source one symbol at a time into a state vector; the decoder starts from that
// state and writes the target. Everything the decoder learns about the source passes through one
// vector, step after step: the long path that attention shortens.
import * as tf from '../core/tf';
import { ShapeError, checkInt } from '../core/errors';
import { Key } from '../core/random';
import { Dense } from '../nn/dense';
import { SequenceToSequence } from './decode';
import { TokenEmbedding } from './embedding';

/** One gated recurrent unit layer: h' = (1 − z) ⊙ n + z ⊙ h. */
export class GruCell {
  /** Input → update, reset and candidate pre-activations, [in, 3 × width]. */
  readonly input: Dense;
  /** State → the same three, [width, 3 × width]. */
  readonly recurrent: Dense;

  constructor(readonly inputSize: number, readonly width: number, key: Key, readonly name = 'gru') {
    checkInt('width', width, 1);
    const [ki, kr] = key.split(2);
    this.input = new Dense(inputSize, 3 * width, 'linear', ki, `${name}/input`);
    this.recurrent = new Dense(width, 3 * width, 'linear', kr, `${name}/recurrent`);
  }

  /** x [batch, in], h [batch, width] → the next state. */
  step(x: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const [xz, xr, xn] = tf.split(this.input.apply(x), 3, 1);
      const [hz, hr, hn] = tf.split(this.recurrent.apply(h), 3, 1);
      const z = tf.sigmoid(tf.add(xz, hz));
      const r = tf.sigmoid(tf.add(xr, hr));
      const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
      return tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h)) as tf.Tensor2D;
    });
  }

  /**
   * Runs over x [batch, T, in] from h0; where keep[b, t] = 0 (padding) the state is carried over
   * unchanged. Returns every state [batch, T, width] and the last.
   */
  run(x: tf.Tensor3D, h0: tf.Tensor2D, keep?: tf.Tensor2D): { states: tf.Tensor3D; last: tf.Tensor2D } {
    return tf.tidy(() => {
      const [b, t] = x.shape;
      const steps = tf.unstack(x, 1) as tf.Tensor2D[];
      const mask = keep ? (tf.unstack(tf.reshape(keep, [b, t, 1]), 1) as tf.Tensor2D[]) : [];
      const states: tf.Tensor2D[] = [];
      let h = h0;
      steps.forEach((xt, i) => {
        const next = this.step(xt, h);
        h = keep ? (tf.add(tf.mul(mask[i], next), tf.mul(tf.sub(1, mask[i]), h)) as tf.Tensor2D) : next;
        states.push(h);
      });
      return { states: tf.stack(states, 1) as tf.Tensor3D, last: h };
    });
  }

  get variables(): tf.Variable[] {
    return [...this.input.variables, ...this.recurrent.variables];
  }

  namedVariables(): [string, tf.Variable][] {
    return [...this.input.namedVariables(), ...this.recurrent.namedVariables()];
  }

  dispose(): void {
    this.input.dispose();
    this.recurrent.dispose();
  }
}

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
