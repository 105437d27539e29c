import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key, LogMeanExp, blockedStderr, blockingCurve, meanAndStderr, sigmoid } from '../../lib/core';
import { Normal, isotropicNormalLogProb } from '../../lib/distributions';
import { expectClose, values } from '../helpers';

describe('shared numeric helpers', () => {
  it('meanAndStderr uses the n - 1 sample variance', () => {
    const r = meanAndStderr([1, 2, 3, 6]); // mean 3, sample variance 14 / 3
    expect(r.mean).toBe(3);
    expect(r.stderr).toBeCloseTo(Math.sqrt(14 / 3 / 4), 12);
    expect(sigmoid(0)).toBe(0.5);
  });

  it('isotropicNormalLogProb equals the Normal distribution with a scalar scale', () => {
    const x = tf.tensor2d([[0.3, -1.2, 2], [1, 0, -0.5]]);
    const mean = tf.tensor2d([[0, 1, 1], [0.5, 0.5, 0.5]]);
    const reference = new Normal(mean, tf.fill([2, 3], Math.sqrt(0.7)), { eventRank: 1 }).logProb(x);
    expectClose(values(isotropicNormalLogProb(x, mean, 0.7)), values(reference), 1e-5, 1e-5);
  });
});

describe('means, trailing means and line fits', async () => {
  const { mean, median, standardDeviation, trailingMean, blockMeans, fitLine } = await import('../../lib/core/stats');

  it('mean, median and standard deviation of small arrays, and a clear error on an empty one', () => {
    expect(mean([1, 2, 6])).toBe(3);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(standardDeviation([1, 2, 3, 6])).toBeCloseTo(Math.sqrt(14 / 3), 12);
    expect(() => mean([])).toThrow(/needs at least 1 value, got 0/);
    expect(() => standardDeviation([1])).toThrow(/needs at least 2 values/);
  });

  it('trailingMean averages each value with the ones before it, fewer at the start', () => {
    expect(trailingMean([2, 4, 6, 8], 2)).toEqual([2, 3, 5, 7]);
    expect(trailingMean([1, 2, 3], 5)).toEqual([1, 1.5, 2]);
    expect(() => trailingMean([1], 0)).toThrow(/window = 0/);
  });

  it('blockMeans averages consecutive blocks and drops a short last one', () => {
    expect(blockMeans([1, 3, 5, 7, 9], 2)).toEqual([2, 6]);
    expect(blockMeans([1, 2], 3)).toEqual([]);
    expect(() => blockMeans([1], 1.5)).toThrow(/block size = 1.5/);
  });

  it('fitLine recovers an exact line, and its weighted intercept error matches the closed form', () => {
    const fit = fitLine([0, 1, 2, 3], [1, 3, 5, 7]);
    expect(fit.slope).toBeCloseTo(2, 12);
    expect(fit.intercept).toBeCloseTo(1, 12);
    // two points with errors s: the intercept is their extrapolation, of variance s^2 (x1^2 + x2^2) / (x2 - x1)^2
    const two = fitLine([1, 2], [3, 5], [0.1, 0.1]);
    expect(two.intercept).toBeCloseTo(1, 12);
    expect(two.interceptStderr).toBeCloseTo(0.1 * Math.sqrt(5), 12);
    expect(() => fitLine([1, 1], [2, 3])).toThrow(/all equal/);
  });
});

describe('blockedStderr', () => {
  it('finds the error of the mean of a correlated AR(1) series, which the naive error underestimates', () => {
    const rho = 0.9;
    const n = 2 ** 15;
    // Var(mean) = sigma_x^2 / n * (1 + rho) / (1 - rho), sigma_x^2 = 1 / (1 - rho^2)
    const exact = Math.sqrt(((1 / (1 - rho * rho)) * (1 + rho)) / (1 - rho) / n);
    const ratios = [];
    let converged = 0;
    for (let seed = 11; seed < 21; seed++) {
      const eps = Key.fromSeed(seed).normals(n);
      const x = new Float64Array(n);
      for (let i = 1; i < n; i++) x[i] = rho * x[i - 1] + eps[i];
      const blocked = blockedStderr(x);
      ratios.push(blocked.stderr / exact);
      if (blocked.converged) converged++;
      expect(meanAndStderr(x).stderr / exact).toBeLessThan(0.3);
    }
    // each estimate from 32 to 64 blocks has a relative error of about 10%
    for (const r of ratios) expect(Math.abs(r - 1)).toBeLessThan(0.3);
    expect(converged).toBeGreaterThanOrEqual(7);
    // a random walk has no finite correlation time: the error never reaches a plateau
    const walk = Key.fromSeed(3).normals(4096).reduce((acc: number[], e, i) => (acc.push((acc[i - 1] ?? 0) + e), acc), []);
    expect(blockedStderr(walk).converged).toBe(false);
    expect(() => blockedStderr([1, 2, 3])).toThrow(/at least 64 values/);
  });

  it('blockingCurve halves the blocks at each level, starts at the naive error and flattens past the correlation time', () => {
    const rho = 0.8;
    const n = 2 ** 14;
    const eps = Key.fromSeed(5).normals(n);
    const x = new Float64Array(n);
    for (let i = 1; i < n; i++) x[i] = rho * x[i - 1] + eps[i];
    const curve = blockingCurve(x, 16);
    expect(curve.map((l) => l.blockSize)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]);
    expect(curve.map((l) => l.blocks)).toEqual(curve.map((l) => n / l.blockSize));
    expect(curve[0].stderr).toBeCloseTo(meanAndStderr(x).stderr, 12);
    // the integrated correlation time is (1 + rho) / (1 - rho) = 9 steps: blocks of 64 and more are on the plateau (checked while 64 blocks or more remain: a 9% error each)
    const exact = Math.sqrt(((1 / (1 - rho * rho)) * (1 + rho)) / (1 - rho) / n);
    for (const level of curve.filter((l) => l.blockSize >= 64 && l.blocks >= 64)) expect(Math.abs(level.stderr / exact - 1)).toBeLessThan(0.3);
    expect(curve[1].stderr / exact).toBeLessThan(0.6); // blocks of 2: about 0.45 of it
    expect(blockedStderr(x, 16).stderr).toBe(Math.max(...curve.map((l) => l.stderr)));
    expect(() => blockingCurve([1])).toThrow(/at least 2 values/);
  });

  it('LogMeanExp fed in chunks gives the log-mean-exp of all the weights, even far beyond exp\'s range', () => {
    const rows = 3;
    const w = Array.from(Key.fromSeed(4).normals(rows * 40), (v, i) => 30 * v + (i % rows === 2 ? -800 : i % rows === 1 ? 700 : 0));
    const direct = Array.from({ length: rows }, (_, r) => {
      const col = w.filter((_, i) => i % rows === r);
      const m = Math.max(...col);
      return m + Math.log(col.reduce((s, v) => s + Math.exp(v - m), 0) / col.length);
    });
    const chunked = new LogMeanExp(rows);
    [0, 7, 8, 30, 40].reduce((from, to) => (chunked.add(w.slice(from * rows, to * rows)), to));
    Array.from(chunked.value()).forEach((v, r) => expect(v).toBeCloseTo(direct[r], 9));
    expect(() => chunked.add([1, 2])).toThrow(/do not split into 3 rows/);
  });
});
