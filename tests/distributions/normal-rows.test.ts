// A diagonal Gaussian's log-density and the KL divergence of two as one taped operation each
// (lib/distributions/normal-rows.ts): values and the gradients of every input equal those of the
// same formulas in tfjs operations and autodiff, for event widths that do and do not fill whole
// SIMD vectors, with draws in leading axes sharing one loc and scale, and for event ranks 0 to 2;
// the kernel's log matches Math.log over float32's whole positive range (subnormals, zero and
// infinity included); the Normal distribution, its KL and the VAE's bounds go through them; no
// tensors are left behind; mismatched shapes get a named error.
import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import * as tf from '../../lib/core/tf';
import { Key, normal } from '../../lib/core/random';
import { ShapeError } from '../../lib/core/errors';
import { Normal, kl } from '../../lib/distributions';
import { normalKl, normalKlPlain, normalLogProb, normalLogProbPlain } from '../../lib/distributions/normal-rows';
import { ourCallsOf } from '../../lib/engine/wasm-kernels';
import { ENGINE, expectClose, expectNoLeak, expectThrowsWithoutLeak, values } from '../helpers';

/** The value of f and the gradients of a weighted total of it with respect to every input. */
function evaluate(f: (...a: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], weights: tf.Tensor): number[][] {
  return tf.tidy(() => {
    const value = f(...inputs);
    const grads = tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(f(...a), weights)))(inputs);
    return [value, ...grads].map(values);
  });
}

/** A loc, a positive scale (0.05 to about 7) and draws with `lead` leading axes, and weights for the result. */
function gaussian(seed: number, shape: number[], lead: number[], eventRank: number) {
  const k = Key.fromSeed(seed).split(4);
  return tf.tidy(() => {
    const loc = tf.mul(normal(k[0], shape), 2);
    const scale = tf.add(tf.exp(normal(k[1], shape)), 0.05);
    const x = tf.add(tf.mul(normal(k[2], [...lead, ...shape]), 3), loc);
    const weights = normal(k[3], [...lead, ...shape].slice(0, lead.length + shape.length - eventRank));
    return { x, loc, scale, weights };
  });
}

describe('a Gaussian log-density of rows as one operation', () => {
  it('gives the values and gradients of tfjs operations, whole vectors or not, with draws sharing a row', () => {
    const calls = ourCallsOf('normalForward', 'normalBackward');
    fc.assert(fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 13 }), fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 0, max: 1000 }), (rows, width, draws, seed) => {
        const { x, loc, scale, weights } = gaussian(seed, [rows, width], draws > 1 ? [draws] : [], 1);
        const ours = evaluate((a, b, c) => normalLogProb(a, b, c, 1), [x, loc, scale], weights);
        const plain = evaluate((a, b, c) => normalLogProbPlain(a, b, c, 1), [x, loc, scale], weights);
        ours.forEach((v, i) => expectClose(v, plain[i], 1e-4, 1e-4));
        tf.dispose([x, loc, scale, weights]);
      }), { numRuns: 60, seed: 7 });
    // forward twice per case (value, then under the gradient), backward once
    if (ENGINE) expect(ourCallsOf('normalForward', 'normalBackward') - calls).toBe(180);
  });

  it('sums over any number of event axes, none included', () => {
    for (const [shape, lead, eventRank] of [[[3, 4, 5], [2], 2], [[3, 4], [], 0], [[6], [4], 1], [[2, 3], [2, 2], 0]] as [number[], number[], number][]) {
      const { x, loc, scale, weights } = gaussian(11, shape, lead, eventRank);
      const ours = evaluate((a, b, c) => normalLogProb(a, b, c, eventRank), [x, loc, scale], weights);
      const plain = evaluate((a, b, c) => normalLogProbPlain(a, b, c, eventRank), [x, loc, scale], weights);
      expect(tf.tidy(() => normalLogProb(x, loc, scale, eventRank).shape)).toEqual([...lead, ...shape].slice(0, lead.length + shape.length - eventRank));
      ours.forEach((v, i) => expectClose(v, plain[i], 1e-4, 1e-4));
      tf.dispose([x, loc, scale, weights]);
    }
  });

  it('takes the log of scales across float32\'s range as Math.log does, zero and infinity included', () => {
    // with x = loc the density is -log scale - log(2 pi) / 2: the kernel's log alone
    const scales = [1.4e-45, 1e-40, 1.1754942e-38, 1.17549435e-38, 1e-30, 1e-7, 0.3, 0.70710677, 0.7071068, 1, 1 + 1.2e-7,
      1.4142135, 1.4142137, 2, 3.3, 1234.5, 1e20, 3.4e38, 0, Infinity];
    const scale = tf.tensor2d(scales, [scales.length, 1]);
    const loc = tf.zeros([scales.length, 1]);
    const got = tf.tidy(() => values(normalLogProb(loc, loc, scale, 1)));
    const plain = tf.tidy(() => values(normalLogProbPlain(loc, loc, scale, 1)));
    const f32 = Float32Array.from(scales);
    got.forEach((v, i) => {
      const expected = -Math.log(f32[i]) - 0.5 * Math.log(2 * Math.PI);
      // a zero scale gives 0 / 0 in u, NaN in both; an infinite one -infinity in both
      if (!Number.isFinite(expected)) expect(v).toBe(plain[i]);
      else expect(Math.abs(v - expected), `scale ${f32[i]}`).toBeLessThanOrEqual(4 * 2 ** -23 * Math.max(1, Math.abs(expected)));
    });
    // a negative scale has no density: NaN, as tf.log gives
    const negative = tf.tensor2d([[-1]]);
    expect(tf.tidy(() => values(normalLogProb(tf.zeros([1, 1]), tf.zeros([1, 1]), negative, 1)))[0]).toBeNaN();
    tf.dispose([scale, loc, negative]);
  });

  it('is what Normal.logProb computes, for the VAE\'s bound too, without leaking tensors', async () => {
    const { x, loc, scale } = gaussian(3, [7, 20], [5], 1);
    const calls = ourCallsOf('normalForward', 'normalBackward');
    await expectNoLeak(() => {
      const d = new Normal(loc, scale, { eventRank: 1 });
      expectClose(tf.tidy(() => values(d.logProb(x))), tf.tidy(() => values(normalLogProbPlain(x, loc, scale, 1))), 1e-4, 1e-5);
      // a gradient asked of x alone (the prior's case) computes the others and leaves none behind
      const [dx] = tf.tidy(() => tf.grads((a: tf.Tensor) => tf.sum(d.logProb(a)))([x]).map(values));
      expect(dx.length).toBe(5 * 7 * 20);
    });
    if (ENGINE) expect(ourCallsOf('normalForward', 'normalBackward') - calls).toBe(3);
    tf.dispose([x, loc, scale]);
  });

  it('names mismatched shapes', () => {
    const [x, loc, scale, short] = [tf.zeros([2, 5]), tf.zeros([2, 5]), tf.ones([2, 5]), tf.ones([2, 4])];
    expectThrowsWithoutLeak(() => normalLogProb(x, loc, short, 1), ShapeError);
    expect(() => normalLogProb(short, loc, scale, 1)).toThrow(/leading axes/);
    expect(() => normalKl(loc, scale, loc, short, 1)).toThrow(/one shape/);
    tf.dispose([x, loc, scale, short]);
  });
});

describe('the KL divergence of two diagonal Gaussians as one operation', () => {
  it('gives the values and gradients of tfjs operations, whole vectors or not', () => {
    const calls = ourCallsOf('normalKlForward', 'normalKlBackward');
    fc.assert(fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 13 }), fc.integer({ min: 0, max: 1000 }), (rows, width, seed) => {
      const p = gaussian(seed, [rows, width], [], 1);
      const q = gaussian(seed + 5000, [rows, width], [], 1);
      const args = [p.loc, p.scale, q.loc, q.scale];
      const ours = evaluate((a, b, c, d) => normalKl(a, b, c, d, 1), args, p.weights);
      const plain = evaluate((a, b, c, d) => normalKlPlain(a, b, c, d, 1), args, p.weights);
      ours.forEach((v, i) => expectClose(v, plain[i], 1e-4, 1e-4));
      tf.dispose([...Object.values(p), ...Object.values(q)]);
    }), { numRuns: 60, seed: 8 });
    if (ENGINE) expect(ourCallsOf('normalKlForward', 'normalKlBackward') - calls).toBe(180);
  });

  it('is zero for a distribution against itself and is what kl() gives for Normals, without leaking tensors', async () => {
    const { loc, scale } = gaussian(4, [6, 10], [], 1);
    await expectNoLeak(() => {
      const p = new Normal(loc, scale, { eventRank: 1 });
      expectClose(tf.tidy(() => values(kl(p, p))), Array(6).fill(0), 1e-5, 0);
      const prior = Normal.standard([6, 10], 1);
      expectClose(tf.tidy(() => values(kl(p, prior))), tf.tidy(() => values(normalKlPlain(loc, scale, prior.loc, prior.scale, 1))), 1e-4, 1e-5);
      tf.dispose([prior.loc, prior.scale]);
    });
    tf.dispose([loc, scale]);
  });
});
