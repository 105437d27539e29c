// Attention's parts against their definitions: scaled dot-product attention against a direct loop,
// masks that stop information exactly (the causal mask's gradient from the future is 0), layer
// normalisation, position encodings, the fast path against the plain one, and named errors.
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key, normal } from '../../lib/core/random';
import { ParameterError, ShapeError } from '../../lib/core/errors';
import { LayerNorm, LearnedPositions, MultiHeadAttention, causalMask, paddingMask, scaledDotProductAttention, sinusoidalPositions } from '../../lib/attention';
import { expectClose, expectNoLeak } from '../helpers';

/** out[b][i] = Σ_j w_ij v_j with w_ij ∝ exp(q_i·k_j / √d) over the allowed j: plain loops. */
function loopAttention(q: number[][][], k: number[][][], v: number[][][], allowed: (b: number, i: number, j: number) => boolean): number[][][] {
  return q.map((qb, b) => qb.map((qi, i) => {
    const scores = k[b].map((kj, j) => (allowed(b, i, j) ? qi.reduce((s, x, c) => s + x * kj[c], 0) / Math.sqrt(qi.length) : -Infinity));
    const top = Math.max(...scores);
    const w = scores.map((s) => Math.exp(s - top));
    const total = w.reduce((s, x) => s + x, 0);
    return v[b][0].map((_, c) => v[b].reduce((s, vj, j) => s + (w[j] / total) * vj[c], 0));
  }));
}

describe('scaled dot-product attention', () => {
  it('matches the direct loop, with and without a causal mask', async () => {
    const key = Key.fromSeed(1);
    const [q, k, v] = [normal(key.foldIn(1), [2, 4, 3]), normal(key.foldIn(2), [2, 5, 3]), normal(key.foldIn(3), [2, 5, 2])];
    const [qa, ka, va] = [q, k, v].map((t) => t.arraySync() as number[][][]);
    const plain = await expectNoLeak(() => scaledDotProductAttention(q, k, v), 2); // output and weights
    expectClose(plain.output.dataSync(), loopAttention(qa, ka, va, () => true).flat(2), 1e-5);
    const square = normal(key.foldIn(4), [2, 5, 3]);
    const sa = square.arraySync() as number[][][];
    const mask = causalMask(5);
    expect(mask.arraySync()).toEqual([0, 1, 2, 3, 4].map((i) => [0, 1, 2, 3, 4].map((j) => (j <= i ? 1 : 0))));
    const masked = scaledDotProductAttention(square, square, v, mask);
    expectClose(masked.output.dataSync(), loopAttention(sa, sa, va, (_b, i, j) => j <= i).flat(2), 1e-5);
    const w = masked.weights.arraySync() as number[][][];
    w.forEach((wb) => wb.forEach((row, i) => {
      expect(row.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 5);
      row.forEach((x, j) => { if (j > i) expect(x).toBe(0); });
    }));
    tf.dispose([q, k, v, square, mask, plain.output, plain.weights, masked.output, masked.weights]);
  });

  it('padding keys get no weight, whatever they hold', () => {
    const key = Key.fromSeed(2);
    const q = normal(key.foldIn(1), [2, 3, 4]);
    const k = normal(key.foldIn(2), [2, 4, 4]);
    const v = normal(key.foldIn(3), [2, 4, 4]);
    const mask = tf.squeeze(paddingMask([2, 4], 4), [1]); // [2, 1, 4] for unheaded inputs
    // sequence 0 has 2 real positions: fill its padding values with junk
    const vJunk = tf.concat([tf.concat([tf.slice(v, [0, 0, 0], [1, 2, 4]), tf.fill([1, 2, 4], 1e3)], 1), tf.slice(v, [1, 0, 0], [1, 4, 4])], 0);
    const a = scaledDotProductAttention(q, k, v, mask);
    const b = scaledDotProductAttention(q, k, vJunk, mask);
    expectClose(b.output.dataSync(), a.output.dataSync(), 1e-5);
    tf.dispose([q, k, v, mask, vJunk, a.output, a.weights, b.output, b.weights]);
  });
});

describe('multi-head attention', () => {
  it('with a causal mask, no gradient flows from a later input to an earlier output', () => {
    const mha = new MultiHeadAttention(8, 2, Key.fromSeed(3));
    const x = normal(Key.fromSeed(4), [2, 6, 8]) as tf.Tensor3D;
    const mask = causalMask(6);
    for (const t of [0, 2, 5]) {
      const g = tf.grad((input: tf.Tensor) => tf.sum(tf.slice(mha.apply(input as tf.Tensor3D, input as tf.Tensor3D, mask).output, [0, t, 0], [-1, 1, -1])))(x);
      const rows = g.arraySync() as number[][][];
      rows.forEach((rb) => rb.forEach((row, s) => {
        if (s > t) row.forEach((value) => expect(value).toBe(0));
        else expect(Math.max(...row.map(Math.abs))).toBeGreaterThan(0);
      }));
      g.dispose();
    }
    tf.dispose([x, mask]);
    mha.dispose();
  });

  it('the fast path gives the plain path\'s outputs and gradients, leak-free', async () => {
    const mha = new MultiHeadAttention(8, 4, Key.fromSeed(5));
    const x = normal(Key.fromSeed(6), [3, 5, 8]) as tf.Tensor3D;
    const run = () => tf.variableGrads(() => tf.mean(tf.square(mha.apply(x).output)) as tf.Scalar, mha.variables);
    const fast = await expectNoLeak(run, 1 + mha.variables.length); // the loss and one gradient each
    mha.layers.forEach((d) => (d.fastGradient = false));
    const plain = run();
    expect(fast.value.dataSync()[0]).toBeCloseTo(plain.value.dataSync()[0], 5);
    for (const name of Object.keys(plain.grads)) expectClose(fast.grads[name].dataSync(), plain.grads[name].dataSync(), 1e-5, 1e-4);
    tf.dispose([x, fast.value, plain.value, ...Object.values(fast.grads), ...Object.values(plain.grads)]);
    mha.dispose();
  });

  it('refuses heads that do not divide the width, and inputs of the wrong width', () => {
    expect(() => new MultiHeadAttention(10, 3, Key.fromSeed(7))).toThrow(ParameterError);
    const mha = new MultiHeadAttention(8, 2, Key.fromSeed(7));
    const x = tf.zeros([1, 3, 6]) as tf.Tensor3D;
    expect(() => mha.apply(x)).toThrow(ShapeError);
    x.dispose();
    mha.dispose();
  });
});

describe('layer normalisation and positions', () => {
  it('layer norm gives each position mean 0 and variance 1 before its gain and bias', () => {
    const norm = new LayerNorm(6);
    const x = tf.add(tf.mul(normal(Key.fromSeed(8), [4, 6]), 3), 5);
    const y = norm.apply(x);
    const { mean, variance } = tf.moments(y, -1);
    expectClose(mean.dataSync(), [0, 0, 0, 0], 1e-5);
    expectClose(variance.dataSync(), [1, 1, 1, 1], 1e-3);
    expect(() => norm.apply(tf.zeros([2, 5]))).toThrow(ShapeError);
    tf.dispose([x, y, mean, variance]);
    norm.dispose();
  });

  it('sinusoidal encodings: sin and cos of t over the geometric wavelengths', () => {
    const p = sinusoidalPositions(3, 4).arraySync();
    expectClose(p[0], [0, 1, 0, 1], 1e-7);
    expectClose(p[2], [Math.sin(2), Math.cos(2), Math.sin(2 / 100), Math.cos(2 / 100)], 1e-6);
  });

  it('a learned table refuses sequences longer than itself', () => {
    const table = new LearnedPositions(4, 3, Key.fromSeed(9));
    const rows = table.apply(4);
    expect(rows.shape).toEqual([4, 3]);
    expect(() => table.apply(5)).toThrow(/longer than the position table/);
    rows.dispose();
    table.dispose();
  });

  it('padding masks refuse empty or overlong sequences', () => {
    expect(() => paddingMask([0, 2], 3)).toThrow(ShapeError);
    expect(() => paddingMask([4], 3)).toThrow(ShapeError);
    const m = paddingMask([1, 3], 3);
    expect(Array.from(m.dataSync())).toEqual([1, 0, 0, 1, 1, 1]);
    m.dispose();
  });
});
