// Scaled dot-product attention: every query position takes a weighted average of the value vectors,
// weighted by softmax(q·k / √d) over the key positions a mask allows. The weights are returned too,
// so that a lecture can draw who looks at whom.
import * as tf from '../core/tf';
import { ShapeError, checkInt, fmtShape } from '../core/errors';

/** Added to the scores of masked positions: exp of it is 0 in float32, and it stays finite. */
const MASKED_SCORE = -1e9;

export interface Attended {
  /** [..., queries, d_v] */
  output: tf.Tensor;
  /** [..., queries, keys]: each row sums to 1 over the allowed keys. */
  weights: tf.Tensor;
}

/**
 * q [..., Tq, d], k [..., Tk, d], v [..., Tk, d_v], with the same leading axes (batch, heads).
 * mask: 1 where query i may look at key j, 0 where not, broadcastable to [..., Tq, Tk]. A query row
 * with every key masked gets equal weights on all keys (softmax of equal scores): give every query
 * at least one key.
 */
export function scaledDotProductAttention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, mask?: tf.Tensor): Attended {
  const d = q.shape[q.rank - 1];
  if (q.rank < 2 || k.rank !== q.rank || v.rank !== q.rank || k.shape[k.rank - 1] !== d || v.shape[v.rank - 2] !== k.shape[k.rank - 2]) {
    throw new ShapeError(`attention needs q [..., Tq, d], k [..., Tk, d], v [..., Tk, dv]; got ${fmtShape(q.shape)}, ${fmtShape(k.shape)}, ${fmtShape(v.shape)}`,
      'give queries and keys the same width, and keys and values the same length');
  }
  return tf.tidy(() => {
    let scores = tf.div(tf.matMul(q, k, false, true), Math.sqrt(d));
    if (mask) scores = tf.add(scores, tf.mul(tf.sub(1, mask), MASKED_SCORE));
    const weights = tf.softmax(scores);
    return { output: tf.matMul(weights, v), weights };
  });
}

/** [T, T]: 1 on and below the diagonal, so position t sees positions 0..t only (a decoder's mask). */
export function causalMask(length: number): tf.Tensor2D {
  checkInt('length', length, 1);
  // written row by row: tf.linalg.bandPart would run about nine kernels on every forward pass
  const values = new Float32Array(length * length);
  for (let i = 0; i < length; i++) values.fill(1, i * length, i * length + i + 1);
  return tf.tensor2d(values, [length, length]);
}

/** [batch, 1, 1, T]: 1 on each sequence's first `lengths[b]` positions, 0 on its padding. */
export function paddingMask(lengths: number[], length: number): tf.Tensor4D {
  checkInt('length', length, 1);
  lengths.forEach((n, b) => {
    if (!Number.isInteger(n) || n < 1 || n > length) {
      throw new ShapeError(`lengths[${b}] = ${n} is not a length in 1..${length}`, 'give every sequence at least one real position, and no more than the padded length');
    }
  });
  const values = new Float32Array(lengths.length * length);
  lengths.forEach((n, b) => values.fill(1, b * length, b * length + n));
  return tf.tensor4d(values, [lengths.length, 1, 1, length]);
}
