// The decoder-only sanity check: read a sequence of digits, then write it sorted, one digit at a
// time, each predicted from everything before it. minGPT's demo of the same task sorts sequences of
// 6 digits from {0, 1, 2}.
import * as tf from '../core/tf';
import { checkInt } from '../core/errors';
import { Key, uniform } from '../core/random';

export interface SortBatch {
  /** [n, 2L − 1]: the sequence, then its sorted copy without the last digit. */
  tokens: tf.Tensor2D;
  /** [n, 2L − 1]: the next digit at every position. */
  targets: tf.Tensor2D;
  /** [n, 2L − 1]: 1 where the target is a digit of the sorted copy (the only ones scored). */
  weights: tf.Tensor2D;
  /** The unsorted sequences, for display. */
  sequences: number[][];
}

/** n random sequences of `length` digits in 0..symbols−1, laid out for next-digit prediction. */
export function sortBatch(key: Key, n: number, length = 6, symbols = 3): SortBatch {
  checkInt('n', n, 1);
  checkInt('length', length, 1);
  checkInt('symbols', symbols, 2);
  const u = uniform(key, [n, length]);
  const sequences = (u.arraySync() as number[][]).map((r) => r.map((v) => Math.min(symbols - 1, Math.floor(v * symbols))));
  u.dispose();
  const full = sequences.map((s) => [...s, ...[...s].sort((a, b) => a - b)]);
  const span = 2 * length - 1;
  return {
    tokens: tf.tensor2d(full.map((f) => f.slice(0, span)), [n, span], 'int32'),
    targets: tf.tensor2d(full.map((f) => f.slice(1)), [n, span], 'int32'),
    weights: tf.tensor2d(Array.from({ length: n }, () => Array.from({ length: span }, (_, t) => (t >= length - 1 ? 1 : 0))), [n, span]),
    sequences,
  };
}
