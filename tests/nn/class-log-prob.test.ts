import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key, normal } from '../../lib/core/random';
import { ShapeError } from '../../lib/core/errors';
import { classLogProb } from '../../lib/nn';
import { expectClose, expectNoLeak, thrownMessage, values } from '../helpers';

/** log softmax(row)[c] in float64, from the definition. */
function reference(logits: number[], K: number, classes: number[]): number[] {
  return classes.map((c, r) => {
    const row = logits.slice(r * K, (r + 1) * K);
    const max = Math.max(...row);
    return row[c] - max - Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
  });
}

describe('classLogProb', () => {
  it('is log softmax(logits) at each row\'s class, for any leading shape, and its gradient is onehot - softmax', async () => {
    const K = 7;
    const logits = tf.mul(normal(Key.fromSeed(3), [2, 3, K]), 4);
    const classes = tf.tensor2d([[0, 6, 3], [2, 2, 5]], [2, 3], 'int32');
    const out = await expectNoLeak(() => classLogProb(logits, classes), 1);
    expect(out.shape).toEqual([2, 3]);
    const flat = [0, 6, 3, 2, 2, 5];
    expectClose(values(out), reference(values(logits), K, flat), 1e-5);
    // d/dlogits of sum(classLogProb) is onehot(class) - softmax(logits), row by row
    const grad = tf.grad((l: tf.Tensor) => tf.sum(classLogProb(l, classes)))(logits);
    const p = values(tf.softmax(logits));
    expectClose(values(grad), p.map((v, i) => (i % K === flat[Math.floor(i / K)] ? 1 : 0) - v), 1e-5);
    tf.dispose([logits, classes, out, grad]);
  });

  it('names a class tensor that does not match the logits', () => {
    const logits = tf.zeros([4, 3]);
    for (const classes of [tf.tensor1d([0, 1, 2], 'int32'), tf.tensor1d([0, 1, 2, 0], 'float32'), tf.tensor2d([[0], [1], [2], [0]], [4, 1], 'int32')]) {
      expect(() => classLogProb(logits, classes)).toThrow(ShapeError);
      expect(thrownMessage(() => classLogProb(logits, classes))).toMatch(/against logits \[4, 3\].*int32 class index per row of logits, shape \[4\]/s);
      classes.dispose();
    }
    logits.dispose();
  });
});
