// The decoder-only sanity check: read a sequence of digits, then write it sorted, one digit at a
// time, each predicted from everything before it. A quarter of all sequences is held out from
// training (chosen by a hash of the sequence), so that the test asks for sorting never seen.
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

/**
 * minGPT's sort demo (karpathy/minGPT, demo.ipynb): 'gpt-nano', 3 layers of width 48 with 3 heads,
 * 0.09 M weights, 2,000 steps of Adam at 5e-4 on batches of 64; 5,000 of 5,000 held-out sequences
 * sorted. (Its training data also over-samples sequences with many repeats; ours does not.)
 */
export const MINGPT_SORT = { layers: 3, width: 48, heads: 3, parameters: 0.09e6, steps: 2000, learningRate: 5e-4, batch: 64, correct: 5000, of: 5000 } as const;

/** Whether a sequence belongs to the held-out quarter: a multiplicative hash of its digits. */
export function isHeldOut(sequence: number[], symbols: number): boolean {
  const id = sequence.reduce((acc, d) => acc * symbols + d, 0);
  return Math.imul(id + 1, 2654435761) >>> 30 === 0; // the top two bits: one sequence in four
}

/** n random sequences of `length` digits in 0..symbols−1 from one split, laid out for next-digit prediction. */
export function sortBatch(key: Key, n: number, length = 6, symbols = 3, split: 'train' | 'test' = 'train'): SortBatch {
  checkInt('n', n, 1);
  checkInt('length', length, 1);
  checkInt('symbols', symbols, 2);
  const sequences: number[][] = [];
  for (let round = 0; sequences.length < n; round++) {
    const u = uniform(key.foldIn(round), [n, length]);
    const drawn = (u.arraySync() as number[][]).map((r) => r.map((v) => Math.min(symbols - 1, Math.floor(v * symbols))));
    u.dispose();
    for (const s of drawn) if (sequences.length < n && isHeldOut(s, symbols) === (split === 'test')) sequences.push(s);
  }
  const full = sequences.map((s) => [...s, ...[...s].sort((a, b) => a - b)]);
  const span = 2 * length - 1;
  return {
    tokens: tf.tensor2d(full.map((f) => f.slice(0, span)), [n, span], 'int32'),
    targets: tf.tensor2d(full.map((f) => f.slice(1)), [n, span], 'int32'),
    weights: tf.tensor2d(Array.from({ length: n }, () => Array.from({ length: span }, (_, t) => (t >= length - 1 ? 1 : 0))), [n, span]),
    sequences,
  };
}
