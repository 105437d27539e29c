// pipe: element-wise steps with each intermediate disposed as soon as the next exists. logSumExp:
// tf.logSumExp's values and, taped as one operation, the gradient of tfjs's own autodiff, along any
// axis, kept or not, with -infinity entries, without leaking tensors.
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { logSumExp, pipe } from '../../lib/core/ops';
import { Key, normal } from '../../lib/core/random';
import { expectClose, expectNoLeak, values } from '../helpers';

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

describe('logSumExp as one taped operation', () => {
  it('gives tf.logSumExp\'s values and gradients along any axis, kept or not', async () => {
    const x = tf.mul(normal(Key.fromSeed(3), [5, 7, 3]), 4);
    const w = normal(Key.fromSeed(4), [5, 7, 3]);
    await expectNoLeak(() => {
      for (const axis of [0, 1, 2, -1]) {
        for (const keepDims of [false, true]) {
          const run = (f: (t: tf.Tensor) => tf.Tensor) => tf.tidy(() => {
            const total = (t: tf.Tensor) => tf.sum(tf.sin(f(tf.mul(t, w))));
            return [values(f(x)), values(tf.grad(total)(x))];
          });
          const [ours, dOurs] = run((t) => logSumExp(t, axis, keepDims));
          const [theirs, dTheirs] = run((t) => tf.logSumExp(t, axis, keepDims));
          expect(ours).toEqual(theirs);
          expectClose(dOurs, dTheirs, 1e-6, 1e-5);
        }
      }
    });
    tf.dispose([x, w]);
  });

  it('keeps -infinity entries out of the sum and out of the gradient', () => {
    const x = tf.tensor2d([[0, 1], [Math.log(3), 2], [-Infinity, 3]]);
    const [value, grad] = tf.tidy(() => [values(logSumExp(x, 0)), values(tf.grad((t: tf.Tensor) => tf.sum(logSumExp(t, 0).slice(0, 1)))(x))]);
    expect(value[0]).toBeCloseTo(Math.log(4), 6);
    expect(value[1]).toBeCloseTo(Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)), 5);
    expectClose(grad.filter((_, i) => i % 2 === 0), [0.25, 0.75, 0], 1e-6, 0);
    tf.dispose(x);
  });
});
