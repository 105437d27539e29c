// A cell run again frees the models it replaces: tensors stay flat over re-runs.
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { replacing } from '../../lib/core/cell-state';

describe('replacing', () => {
  it('disposes the previous value under the same name, and only that one', () => {
    const other = replacing('other cell', () => tf.ones([2]), (t) => t.dispose());
    const held = tf.memory().numTensors;
    for (let run = 0; run < 3; run++) replacing('this cell', () => [tf.zeros([3]), tf.zeros([4])], (ts) => tf.dispose(ts));
    expect(tf.memory().numTensors).toBe(held + 2);
    expect(other.isDisposed).toBe(false);
    const last = replacing('this cell', () => [tf.zeros([1])], (ts) => tf.dispose(ts));
    expect(tf.memory().numTensors).toBe(held + 1);
    tf.dispose([other, ...last]);
  });
});
