import { describe, expect, it } from 'vitest';
import { Key, normal, permutation, threefry2x32, uniform } from '../../lib/core/random';
import { ParameterError } from '../../lib/core/errors';
import * as tf from '../../lib/core/tf';
import { expectNoLeak } from '../helpers';

/** Uniform on [0, 1): mean within 5 standard errors of 1/2, variance within 0.002 of 1/12, range inside [0, 1). */
function expectStandardUniform(u: ArrayLike<number>): void {
  const values = Array.from(u);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / values.length));
  expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002);
  expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
  expect(Math.max(...values)).toBeLessThan(1);
}

describe('threefry2x32', () => {
  it('matches the Random123 known-answer vectors', () => {
    // Known-answer tests of Threefry-2x32-20 published with Random123 (kat_vectors)
    expect(threefry2x32(0, 0, 0, 0)).toEqual([0x6b200159, 0x99ba4efe]);
    expect(threefry2x32(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff)).toEqual([0x1cb996fc, 0xbb002be7]);
    expect(threefry2x32(0x13198a2e, 0x03707344, 0x243f6a88, 0x85a308d3)).toEqual([0xc4923a9c, 0x483df7a0]);
  });
});

describe('Key', () => {
  it('is deterministic: the same seed gives the same keys and draws', () => {
    const a = Key.fromSeed(42).split(3);
    const b = Key.fromSeed(42).split(3);
    expect(a.map(String)).toEqual(b.map(String));
    expect(Array.from(a[0].uniforms(5))).toEqual(Array.from(b[0].uniforms(5)));
  });

  it('gives distinct keys from split, foldIn and different seeds', () => {
    const k = Key.fromSeed(0);
    const all = [...k.split(4), k.foldIn(0), k.foldIn(1), Key.fromSeed(1), k].map(String);
    expect(new Set(all).size).toBe(all.length);
  });

  it('gives positive tfjs seeds', () => {
    for (let i = 0; i < 1000; i++) {
      const s = Key.fromSeed(i).seed();
      expect(Number.isInteger(s) && s > 0 && s < 2 ** 31).toBe(true);
    }
  });

  it('draws uniforms with the right mean and variance (n = 100000, 5 standard errors)', () => {
    for (const seed of [1, 2, 3]) {
      const u = Key.fromSeed(seed).uniforms(100_000);
      expectStandardUniform(u);
    }
  });

  it('streams uniforms: repeatable per key, independent across keys, right moments, lag-1 uncorrelated', () => {
    expect(Array.from(Key.fromSeed(4).streamUniforms(7))).toEqual(Array.from(Key.fromSeed(4).streamUniforms(7)));
    for (const seed of [1, 2, 3]) {
      const u = Key.fromSeed(seed).streamUniforms(100_000);
      const v = Key.fromSeed(seed).foldIn(1).streamUniforms(100_000);
      expectStandardUniform(u);
      // correlations are about N(0, 1 / n): 5 standard errors is 0.016
      const corr = (a: ArrayLike<number>, b: ArrayLike<number>, lag: number) => {
        let s = 0;
        for (let i = 0; i + lag < a.length; i++) s += (a[i] - 0.5) * (b[i + lag] - 0.5);
        return (s / (a.length - lag)) * 12;
      };
      expect(Math.abs(corr(u, u, 1))).toBeLessThan(0.016);
      expect(Math.abs(corr(u, v, 0))).toBeLessThan(0.016);
    }
    const fromWords = Key.fromWords(...(Key.fromSeed(5).words as [number, number]));
    expect(Array.from(fromWords.uniforms(3))).toEqual(Array.from(Key.fromSeed(5).uniforms(3)));
    expect(() => Key.fromWords(-1, 0)).toThrow(/not 32-bit unsigned/);
  });

  it('rejects bad seeds and counts with a clear error', () => {
    expect(() => Key.fromSeed(1.5)).toThrow(ParameterError);
    expect(() => Key.fromSeed(0).split(0)).toThrow(/n = 0/);
    expect(() => Key.fromSeed(0).foldIn(-1)).toThrow(/data = -1/);
  });
});

describe('keyed tensor draws', () => {
  it('repeat for the same key and differ for different keys', async () => {
    await expectNoLeak(() => {
      const k = Key.fromSeed(7);
      const a = normal(k, [100]);
      const b = normal(k, [100]);
      const c = normal(k.foldIn(1), [100]);
      expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
      expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
      const u = uniform(k, [1000], 2, 3);
      const lo = tf.min(u);
      expect(lo.dataSync()[0]).toBeGreaterThanOrEqual(2);
      tf.dispose([a, b, c, u, lo]);
    }, 0);
  });

  it('permutation is a permutation and is uniform over positions', () => {
    const n = 10;
    const counts = Array.from({ length: n }, () => new Array(n).fill(0));
    const reps = 5000;
    for (let r = 0; r < reps; r++) {
      const p = permutation(Key.fromSeed(3).foldIn(r), n);
      expect([...p].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
      p.forEach((v, i) => counts[i][v]++);
    }
    // each (position, value) cell ~ Binomial(5000, 0.1): sd ~ 21
    counts.flat().forEach((c) => expect(Math.abs(c - reps / n)).toBeLessThan(5 * Math.sqrt(reps * 0.09)));
  });
});

describe('Key.normals', () => {
  it('has mean 0, variance 1 and normal tails (n = 200000)', () => {
    const z = Key.fromSeed(8).normals(200_001);
    expect(z.length).toBe(200_001);
    const n = z.length;
    const mean = z.reduce((a, b) => a + b, 0) / n;
    const variance = z.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(variance - 1)).toBeLessThan(0.015);
    // P(|z| > 2) = 0.0455
    const tail = z.filter((v) => Math.abs(v) > 2).length / n;
    expect(Math.abs(tail - 0.0455)).toBeLessThan(0.003);
  });
});
