// The Bernoulli log-likelihood summed over rows as one taped operation
// (lib/distributions/bernoulli-rows.ts): values and the gradients of both inputs equal those of the
// same sums in tfjs operations and autodiff, for widths that do and do not fill whole SIMD vectors
// and at the MNIST size; logits far into the tails stay finite and exact; the Bernoulli
// distribution and the sigmoid belief net go through it; no tensors are left behind; data and
// logits of different shapes get a named error.
import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import * as tf from '../../lib/core/tf';
import { Key, normal, uniform } from '../../lib/core/random';
import { ShapeError } from '../../lib/core/errors';
import { Bernoulli, bernoulliRowLogProb, bernoulliRowLogProbPlain } from '../../lib/distributions';
import { bernoulliLogProb as sbnLogProb } from '../../lib/helmholtz/sbn';
import { ourCallsOf } from '../../lib/engine/wasm-kernels';
import { ENGINE, expectClose, expectNoLeak, expectThrowsWithoutLeak, values } from '../helpers';

/** The sums and the gradients of a weighted total of them with respect to x and the logits. */
function evaluate(f: typeof bernoulliRowLogProb, x: tf.Tensor2D, logits: tf.Tensor2D, weights: tf.Tensor1D): number[][] {
  return tf.tidy(() => {
    const value = f(x, logits);
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a as tf.Tensor2D, b as tf.Tensor2D), weights)))([x, logits]);
    return [value, ...grads].map(values);
  });
}

function inputs(seed: number, rows: number, width: number, scale = 3) {
  const k = Key.fromSeed(seed).split(3);
  return tf.tidy(() => [
    tf.cast(tf.less(uniform(k[0], [rows, width]), 0.4), 'float32'),
    tf.mul(normal(k[1], [rows, width]), scale),
    normal(k[2], [rows]),
  ]) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
}

describe('the Bernoulli log-likelihood of rows as one operation', () => {
  it('gives the sums and gradients of tfjs operations, whole vectors or not', () => {
    const calls = ourCallsOf('bernoulliForward', 'bernoulliBackward');
    fc.assert(fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 13 }), fc.integer({ min: 0, max: 1000 }), (rows, width, seed) => {
      const [x, logits, w] = inputs(seed, rows, width);
      const ours = evaluate(bernoulliRowLogProb, x, logits, w);
      const plain = evaluate(bernoulliRowLogProbPlain, x, logits, w);
      ours.forEach((v, i) => expectClose(v, plain[i], 1e-5, 1e-5));
      tf.dispose([x, logits, w]);
    }), { numRuns: 60, seed: 7 });
    // forward twice per case (value, then under the gradient), backward once
    if (ENGINE) expect(ourCallsOf('bernoulliForward', 'bernoulliBackward') - calls).toBe(180);
  });

  it('agrees at the MNIST size (500 x 784) to float32 accuracy of the sums', () => {
    const [x, logits, w] = inputs(11, 500, 784);
    const ours = evaluate(bernoulliRowLogProb, x, logits, w);
    const plain = evaluate(bernoulliRowLogProbPlain, x, logits, w);
    expectClose(ours[0], plain[0], 1e-5, 1e-3); // sums of 784 terms of size ~3, added in another order
    expectClose(ours[1], plain[1], 1e-6, 1e-5);
    expectClose(ours[2], plain[2], 1e-6, 1e-5);
    tf.dispose([x, logits, w]);
  });

  it('stays finite and exact far into the tails', () => {
    const logits = tf.tensor2d([[-200, -60, -20, 20, 60, 200], [0, -1e-8, 1e-8, 88, -88, 104]]);
    const x = tf.tensor2d([[0, 1, 0, 1, 0, 1], [1, 0, 1, 0, 1, 0]]);
    const w = tf.ones([2]) as tf.Tensor1D;
    const [value, dx, dl] = evaluate(bernoulliRowLogProb, x, logits, w);
    // by hand: x l - softplus(l) is -softplus(-l) for x = 1 and -softplus(l) for x = 0
    const sp = (v: number) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
    const xs = values(x);
    const expected = [0, 1].map((i) => values(logits).slice(6 * i, 6 * i + 6)
      .reduce((s, l, j) => s - (xs[6 * i + j] === 1 ? sp(-l) : sp(l)), 0));
    expectClose(value, expected, 1e-6, 1e-6);
    expect([...dx, ...dl].every(Number.isFinite)).toBe(true);
    expectClose(dl, values(tf.tidy(() => tf.sub(x, tf.sigmoid(logits)))), 1e-7, 1e-6);
    tf.dispose([logits, x, w]);
  });

  it('is what the Bernoulli distribution and the sigmoid belief net compute, without leaking tensors', async () => {
    const [x, logits] = inputs(5, 7, 30);
    const calls = ourCallsOf('bernoulliForward');
    await expectNoLeak(() => {
      const d = new Bernoulli(logits, { eventRank: 1, validate: false });
      expectClose(tf.tidy(() => values(d.logProb(x))), tf.tidy(() => values(bernoulliRowLogProbPlain(x, logits))), 1e-5, 1e-5);
      const [dl] = tf.tidy(() => tf.grads((l: tf.Tensor) => tf.sum(bernoulliRowLogProb(x, l as tf.Tensor2D)))([logits]).map(values));
      expect(dl.length).toBe(7 * 30);
    });
    // the belief net's conditionals (same shapes) go through it; its top layer's logits broadcast and do not
    const top = tf.zeros([30]);
    await expectNoLeak(() => {
      expectClose(tf.tidy(() => values(sbnLogProb(x, logits))), tf.tidy(() => values(bernoulliRowLogProbPlain(x, logits))), 1e-5, 1e-5);
      expectClose(tf.tidy(() => values(sbnLogProb(x, top))), Array(7).fill(-30 * Math.log(2)), 1e-5, 1e-5);
    });
    if (ENGINE) expect(ourCallsOf('bernoulliForward') - calls).toBe(3);
    tf.dispose([x, logits, top]);
  });

  it('names data and logits of different shapes', () => {
    const [x, logits] = [tf.zeros([2, 5]), tf.zeros([2, 4])] as tf.Tensor2D[];
    expectThrowsWithoutLeak(() => bernoulliRowLogProb(x, logits), ShapeError);
    expect(() => bernoulliRowLogProb(x, logits)).toThrow(/data/);
    tf.dispose([x, logits]);
  });
});
