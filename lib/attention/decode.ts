// What every sequence-to-sequence model of the attention lecture offers (the Transformer and the
// recurrent baseline alike), and greedy decoding written once for all of them.
import * as tf from '../core/tf';
import { ParameterError, checkInt } from '../core/errors';

export interface SequenceToSequence {
  readonly targetVocab: number;
  /** Logits [batch, T, targetVocab] of each next target symbol, given the source and targetIn (shifted right). */
  apply(source: tf.Tensor2D, targetIn: tf.Tensor2D, sourceMask?: tf.Tensor): { logits: tf.Tensor3D };
  readonly variables: tf.Variable[];
  dispose(): void;
}

/** Greedy decoding: `length` symbols after `start`, each the most probable given those before. */
export function greedyDecode(model: SequenceToSequence, source: tf.Tensor2D, start: number, length: number, sourceMask?: tf.Tensor): tf.Tensor2D {
  checkInt('length', length, 1);
  if (!Number.isInteger(start) || start < 0 || start >= model.targetVocab) {
    throw new ParameterError(`start symbol ${start} is outside the target vocabulary`, `use a symbol in 0..${model.targetVocab - 1}`);
  }
  const rows = Array.from({ length: source.shape[0] }, () => [start]);
  for (let t = 0; t < length; t++) {
    const next = tf.tidy(() => {
      const out = model.apply(source, tf.tensor2d(rows, undefined, 'int32'), sourceMask);
      const last = tf.squeeze(tf.slice(out.logits, [0, t, 0], [-1, 1, -1]), [1]);
      return tf.argMax(last, -1);
    });
    const symbols = next.dataSync();
    next.dispose();
    rows.forEach((r, b) => r.push(symbols[b]));
  }
  return tf.tensor2d(rows.map((r) => r.slice(1)), undefined, 'int32');
}
