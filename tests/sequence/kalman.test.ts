// The state-space model and exact inference in it: the Kalman filter's likelihood and the smoother's
// posteriors against the stacked Gaussian of a short sequence (lib/sequence/joint.ts), the direct route.
import { describe, expect, it } from 'vitest';
import { Key } from '../../lib/core/random';
import {
  modelAutocovariance, sequenceAutocovariance,
  StateSpaceModel, checkStateSpaceModel, dampedRotation, kalmanFilter, kalmanSmoother, rotatingLatentModel, sampleStateSpace, stackedGaussian,
  stackedLogLikelihood, stackedPosterior,
} from '../../lib/sequence';

const model = rotatingLatentModel({ angles: [0.4], decay: 0.9, observed: 3, noise: 0.5 }, Key.fromSeed(1));

describe('the linear-Gaussian state-space model', () => {
  it('the filter\'s log-likelihood is the joint Gaussian\'s, and the smoother gives its posterior', () => {
    // a model with a non-trivial start and correlated noise, so no term is zero by symmetry
    const m: StateSpaceModel = { ...model, mu0: [0.5, -1], P0: [[2, 0.3], [0.3, 1]], R: [[0.3, 0.1, 0], [0.1, 0.4, 0], [0, 0, 0.2]] };
    const { x } = sampleStateSpace(m, 4, 1, Key.fromSeed(2));
    const f = kalmanFilter(m, x[0]);
    const j = stackedGaussian(m, 4);
    expect(f.logLikelihood).toBeCloseTo(stackedLogLikelihood(j, x[0]), 9);
    expect(f.stepLogLikelihoods.reduce((a, b) => a + b, 0)).toBeCloseTo(f.logLikelihood, 12);
    // the prefix likelihoods are the filter's partial sums
    expect(f.stepLogLikelihoods[0] + f.stepLogLikelihoods[1]).toBeCloseTo(stackedLogLikelihood(stackedGaussian(m, 2), x[0].slice(0, 2)), 9);
    const { mean, cov } = stackedPosterior(j, x[0]);
    const s = kalmanSmoother(m, f);
    for (let t = 0; t < 4; t++) for (let i = 0; i < 2; i++) {
      expect(s.means[t][i]).toBeCloseTo(mean[2 * t + i], 9);
      for (let q = 0; q < 2; q++) expect(s.covs[t][i][q]).toBeCloseTo(cov[2 * t + i][2 * t + q], 9);
    }
    // at the last step filtering and smoothing agree
    expect(f.filteredMeans[3]).toEqual(s.means[3]);
  });

  it('samples a stationary latent of unit variance that rotates by its angle', () => {
    const { z } = sampleStateSpace(model, 6, 4000, Key.fromSeed(3));
    for (const t of [0, 5]) {
      const v = z.reduce((acc, seq) => acc + seq[t][0] ** 2, 0) / z.length;
      expect(v).toBeGreaterThan(0.9);
      expect(v).toBeLessThan(1.1);
    }
    // E[z_t+1 z_t^T] = A, since the latent has unit covariance
    const lag = z.reduce((acc, seq) => acc + seq[3][1] * seq[2][0], 0) / z.length;
    expect(lag).toBeCloseTo(model.A[1][0], 1);
    expect(sampleStateSpace(model, 6, 2, Key.fromSeed(3)).x).toEqual(sampleStateSpace(model, 6, 2, Key.fromSeed(3)).x);
  });

  it('names a model or a sequence that does not fit', () => {
    expect(() => dampedRotation(1, [0.1])).toThrow(/decay = 1.*\(0, 1\)/);
    expect(() => checkStateSpaceModel({ ...model, Q: [[1]] })).toThrow(/Q does not fit a 2-dimensional latent/);
    expect(() => checkStateSpaceModel({ ...model, C: [[1, 2, 3]] })).toThrow(/pass C as \[1, 2\]/);
    expect(() => kalmanFilter(model, [[1, 2]])).toThrow(/rows of length 2 does not fit 3-dimensional observations/);
  });
});

describe('autocovariance', () => {
  it('of sampled sequences matches the model\'s, and names sequences too short for the lags', () => {
    const m = rotatingLatentModel({ angles: [0.6], decay: 0.9, observed: 4, noise: 0.01 }, Key.fromSeed(1));
    const { x } = sampleStateSpace(m, 8, 4000, Key.fromSeed(2));
    const exact = modelAutocovariance(m, 5);
    const empirical = sequenceAutocovariance(x, 5);
    // 4,000 sequences: the lag curves agree to a few hundredths (the noise adds 1e-4 at lag 0)
    exact.forEach((v, k) => expect(Math.abs(empirical[k] - v)).toBeLessThan(0.03));
    // a damped rotation: the curve falls and changes sign within a half turn (pi / 0.6 = 5.2 steps)
    expect(exact[0]).toBeGreaterThan(exact[1]);
    expect(Math.min(...exact)).toBeLessThan(0);
    expect(() => sequenceAutocovariance(x.map((s) => s.slice(0, 3)), 5)).toThrow(/lags up to 5/);
  });
});
