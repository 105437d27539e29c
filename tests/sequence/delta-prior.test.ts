// The AR(1) prior of the delta-VAE: its KL from a time-independent posterior in closed form, checked
// against the Gaussian KL of the full covariances, and the committed rate as that KL's minimum.
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key } from '../../lib/core/random';
import { ar1Kl, committedRate, gaussianKl } from '../../lib/sequence';

describe('the delta-VAE AR(1) prior', () => {
  const steps = 5;
  const alpha = 0.8;
  const prior = Array.from({ length: steps }, (_, s) => Array.from({ length: steps }, (_, t) => alpha ** Math.abs(s - t)));

  it('ar1Kl equals the KL between the full Gaussians', () => {
    const u = Key.fromSeed(1).normals(2 * steps);
    const mean = Array.from({ length: steps }, (_, t) => 0.5 * u[t]);
    const logStd = Array.from({ length: steps }, (_, t) => 0.3 * u[steps + t]);
    const direct = gaussianKl(mean, prior.map((row, i) => row.map((_, j) => (i === j ? Math.exp(2 * logStd[i]) : 0))), new Array(steps).fill(0), prior);
    const closed = tf.tidy(() => ar1Kl(tf.tensor3d([mean.map((m) => [m])]), tf.tensor3d([logStd.map((l) => [l])]), alpha).dataSync()[0]);
    expect(closed).toBeCloseTo(direct, 4);
  });

  it('no time-independent posterior goes below the committed rate, and the best one meets it', () => {
    const precisionDiag = Array.from({ length: steps }, (_, t) => (t === 0 || t === steps - 1 ? 1 : 1 + alpha ** 2) / (1 - alpha ** 2));
    const best = precisionDiag.map((l) => [0.5 * Math.log(1 / l)]);
    const kl = (logStd: number[][], mean: number[][]) => tf.tidy(() => ar1Kl(tf.tensor3d([mean]), tf.tensor3d([logStd]), alpha).dataSync()[0]);
    const zeros = best.map(() => [0]);
    expect(kl(best, zeros)).toBeCloseTo(committedRate(steps, alpha), 4);
    const u = Key.fromSeed(2).normals(2 * steps);
    for (let r = 0; r < 5; r++) {
      const other = best.map(([l], t) => [l + 0.2 * u[(t + r) % (2 * steps)]]);
      expect(kl(other, zeros)).toBeGreaterThan(committedRate(steps, alpha));
    }
    expect(committedRate(2, alpha)).toBeCloseTo(-0.5 * Math.log(1 - alpha ** 2), 12);
    expect(committedRate(steps, 0)).toBe(0);
    expect(() => committedRate(steps, 1)).toThrow(/alpha = 1/);
  });
});
