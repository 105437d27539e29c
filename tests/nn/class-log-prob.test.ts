// log softmax at a named class (lib/nn/class-log-prob.ts): the definition, the fused kernels against
// the plain twin (values and gradients, any leading shape, widths with and without a vector tail),
// one kernel of ours each way, no tensors left behind, and named errors for classes that do not fit.
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key, normal } from '../../lib/core/random';
import { ParameterError, ShapeError } from '../../lib/core/errors';
import { classLogProb, classLogProbPlain } from '../../lib/nn';
import { ENGINE, expectClose, expectNoLeak, thrownMessage, values, withKernelNames } from '../helpers';

/** log softmax(row)[c] in float64, from the definition. */
function reference(logits: number[], K: number, classes: number[]): number[] {
  return classes.map((c, r) => {
    const row = logits.slice(r * K, (r + 1) * K);
    const max = Math.max(...row);
    return row[c] - max - Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
  });
}

/** Logits [...lead, K] scaled by `spread` and classes drawn from a seed. */
function draw(seed: number, lead: number[], K: number, spread: number) {
  const [kl, kc] = Key.fromSeed(seed).split(2);
  const logits = tf.mul(normal(kl, [...lead, K]), spread);
  const n = lead.reduce((a, b) => a * b, 1);
  const u = kc.uniforms(n);
  const flat = Array.from(u, (v) => Math.min(K - 1, Math.floor(v * K)));
  return { logits, classes: tf.tensor(flat, lead, 'int32'), flat };
}

describe('classLogProb', () => {
  // [lead shape, K]: widths below, at and past a vector of four, and a code book's 128
  const CASES: [number[], number][] = [[[5], 2], [[3], 3], [[2, 3], 7], [[4], 8], [[6, 2], 13], [[17], 128], [[], 10]];

  it.each(CASES)('is log softmax at the class, for leading shape %j and %i classes, and matches its plain twin with its gradient', async (lead, K) => {
    for (const spread of [1, 30]) {
      const { logits, classes, flat } = draw(lead.length + K, lead, K, spread);
      const weights = tf.add(normal(Key.fromSeed(9), lead), 2); // a different weight per row
      const loss = (f: typeof classLogProb) => (l: tf.Tensor) => tf.sum(tf.mul(f(l, classes), weights));
      const out = await expectNoLeak(() => classLogProb(logits, classes), 1);
      expect(out.shape).toEqual(lead);
      const expected = reference(values(logits), K, flat);
      expectClose(values(out), expected, 2e-5 * spread, 1e-5);
      expectClose(values(out), values(classLogProbPlain(logits, classes)), 2e-5 * spread, 1e-5);
      const [fast, plain] = [classLogProb, classLogProbPlain].map((f) => tf.grad(loss(f))(logits));
      expectClose(values(fast), values(plain), 1e-5, 1e-4);
      // each row's gradient sums to zero: the class's +w less w times the softmax's total of one
      const rowSums = values(tf.sum(fast, -1));
      expectClose(rowSums, rowSums.map(() => 0), 1e-5);
      tf.dispose([logits, classes, weights, out, fast, plain]);
    }
  });

  it.runIf(ENGINE)('runs one kernel of ours each way where tfjs ran a logSoftmax, a one-hot, a product and a sum', () => {
    const { logits, classes } = draw(1, [6], 9, 1);
    const step = (f: typeof classLogProb) => () => {
      const g = tf.grad((l: tf.Tensor) => tf.sum(f(l, classes)))(logits);
      g.dispose();
    };
    const fast = withKernelNames(step(classLogProb)).names;
    const plain = withKernelNames(step(classLogProbPlain)).names;
    expect(fast.filter((k) => k !== tf.Sum && k !== tf.Tile && k !== tf.Reshape && k !== tf.Fill)).toEqual([]);
    expect(plain.length).toBeGreaterThan(fast.length + 10);
    tf.dispose([logits, classes]);
  });

  it('names classes that do not fit the logits', () => {
    const logits = tf.zeros([4, 3]);
    for (const f of [classLogProb, classLogProbPlain]) {
      for (const classes of [tf.tensor1d([0, 1, 2], 'int32'), tf.tensor1d([0, 1, 2, 0], 'float32'), tf.tensor2d([[0], [1], [2], [0]], [4, 1], 'int32')]) {
        expect(() => f(logits, classes)).toThrow(ShapeError);
        expect(thrownMessage(() => f(logits, classes))).toMatch(/against logits \[4, 3\].*int32 class index per row of logits, shape \[4\]/s);
        classes.dispose();
      }
      const outside = tf.tensor1d([0, 3, 1, 2], 'int32');
      expect(() => f(logits, outside)).toThrow(ParameterError);
      expect(thrownMessage(() => f(logits, outside))).toMatch(/class 3 \(entry 1\) is outside 0\.\.2/);
      outside.dispose();
    }
    logits.dispose();
  });
});
