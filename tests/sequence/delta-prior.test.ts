// The AR(1) prior of the delta-VAE: its KL from a time-independent posterior in closed form, checked
// against the Gaussian KL of the full covariances, and the committed rate as that KL's minimum.
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key, normal } from '../../lib/core/random';
import { DeltaSequenceVae, ar1Kl, committedRate, gaussianKl, sequenceElbo, sequenceIwae } from '../../lib/sequence';

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

describe('the delta sequence VAE', () => {
  it('its per-step KLs add up to the closed form, never below the committed rate; alpha = 0 lets the KL reach zero', () => {
    const base = { data: 3, latent: 2, width: 8, hidden: [8], likelihood: 'gaussian' as const };
    const x = tf.tidy(() => tf.mul(normal(Key.fromSeed(1), [16, 7, 3]), 0.5) as tf.Tensor3D);
    for (const alpha of [0, 0.5, 0.9]) {
      const vae = new DeltaSequenceVae({ ...base, alpha }, Key.fromSeed(2));
      const { mean, logStd } = vae.posterior(x);
      const summed = tf.tidy(() => Array.from(tf.sum(vae.stepKls(mean, logStd), 1).dataSync()));
      const closed = tf.tidy(() => Array.from(ar1Kl(mean, logStd, alpha).dataSync()));
      summed.forEach((v, i) => expect(v).toBeCloseTo(closed[i], 3));
      summed.forEach((v) => expect(v).toBeGreaterThanOrEqual(2 * committedRate(7, alpha) - 1e-4));
      // the terms and the bound run, and nothing leaks
      const before = tf.memory().numTensors;
      tf.dispose([sequenceElbo(vae, x, Key.fromSeed(3)), sequenceIwae(vae, x, 4, Key.fromSeed(3)), vae.imagine(2, 5, Key.fromSeed(4))]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([mean, logStd]);
      vae.dispose();
    }
    // the posterior that is the N(0, I) prior pays nothing at alpha = 0
    const zeros = tf.zeros([1, 7, 2]) as tf.Tensor3D;
    const vae = new DeltaSequenceVae({ ...base, alpha: 0 }, Key.fromSeed(2));
    expect(tf.tidy(() => tf.sum(vae.stepKls(zeros, zeros)).dataSync()[0])).toBeCloseTo(0, 6);
    expect(() => new DeltaSequenceVae({ ...base, alpha: 1 }, Key.fromSeed(2))).toThrow(/alpha = 1/);
    vae.dispose();
    tf.dispose([x, zeros]);
  });
});
