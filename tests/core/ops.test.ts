// pipe: element-wise steps with each intermediate disposed as soon as the next exists.
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { pipe } from '../../lib/core/ops';

describe('pipe', () => {
  it('computes the composition, keeps its input, and leaves only the result', () => {
    const x = tf.tensor1d([0.25, 0.5, 0.75]);
    const before = tf.memory().numTensors;
    let alive = 0;
    const y = pipe(x, tf.square, (t) => { alive = tf.memory().numTensors - before; return tf.sub(1, t); }, tf.sqrt);
    expect(alive).toBe(1); // only the square exists when the second step starts
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(Array.from(y.dataSync())).toEqual(Array.from(tf.tidy(() => tf.sqrt(tf.sub(1, tf.square(x)))).dataSync()));
    expect(x.isDisposed).toBe(false);
    const same = pipe(x); // no steps: a copy that the caller may dispose
    expect(same).not.toBe(x);
    tf.dispose([x, y, same]);
  });
});
