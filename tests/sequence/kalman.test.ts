// The state-space model and exact inference in it: the Kalman filter's likelihood and the smoother's
// posteriors against the joint Gaussian of a short sequence, computed directly.
import { describe, expect, it } from 'vitest';
import { Key } from '../../lib/core/random';
import { Matrix, add, inverseSpd, logDetSpd, matmul, matvec, transpose, zeros } from '../../lib/linalg/matrix';
import {
  StateSpaceModel, checkStateSpaceModel, dampedRotation, kalmanFilter, kalmanSmoother, rotatingLatentModel, sampleStateSpace,
} from '../../lib/sequence';

/** Mean and covariance of the stacked latents z_1..T and observations x_1..T. */
function jointGaussian(m: StateSpaceModel, steps: number) {
  const k = m.mu0.length;
  const d = m.C.length;
  const zMeans: number[][] = [m.mu0];
  const zCovs: Matrix[] = [m.P0];
  for (let t = 1; t < steps; t++) {
    zMeans.push(matvec(m.A, zMeans[t - 1]));
    zCovs.push(add(matmul(matmul(m.A, zCovs[t - 1]), transpose(m.A)), m.Q));
  }
  // Cov(z_s, z_t) = Sigma_s (A^T)^(t-s) for s <= t
  const crossZ = (s: number, t: number): Matrix => {
    if (s > t) return transpose(crossZ(t, s));
    let c = zCovs[s];
    for (let i = s; i < t; i++) c = matmul(c, transpose(m.A));
    return c;
  };
  const zz = zeros(steps * k, steps * k);
  const zx = zeros(steps * k, steps * d);
  const xx = zeros(steps * d, steps * d);
  for (let s = 0; s < steps; s++) for (let t = 0; t < steps; t++) {
    const c = crossZ(s, t);
    const cx = matmul(c, transpose(m.C));
    const xxBlock = add(matmul(m.C, cx), s === t ? m.R : zeros(d, d));
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) zz[s * k + i][t * k + j] = c[i][j];
    for (let i = 0; i < k; i++) for (let j = 0; j < d; j++) zx[s * k + i][t * d + j] = cx[i][j];
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) xx[s * d + i][t * d + j] = xxBlock[i][j];
  }
  return { zMean: zMeans.flat(), xMean: zMeans.flatMap((z) => matvec(m.C, z)), zz, zx, xx };
}

function directLogLikelihood(m: StateSpaceModel, x: number[][]): number {
  const j = jointGaussian(m, x.length);
  const r = x.flat().map((v, i) => v - j.xMean[i]);
  const solved = matvec(inverseSpd(j.xx), r);
  return -0.5 * (r.length * Math.log(2 * Math.PI) + logDetSpd(j.xx) + r.reduce((s, v, i) => s + v * solved[i], 0));
}

const model = rotatingLatentModel({ angles: [0.4], decay: 0.9, observed: 3, noise: 0.5 }, Key.fromSeed(1));

describe('the linear-Gaussian state-space model', () => {
  it('the filter\'s log-likelihood is the joint Gaussian\'s, and the smoother gives its posterior', () => {
    // a model with a non-trivial start and correlated noise, so no term is zero by symmetry
    const m: StateSpaceModel = { ...model, mu0: [0.5, -1], P0: [[2, 0.3], [0.3, 1]], R: [[0.3, 0.1, 0], [0.1, 0.4, 0], [0, 0, 0.2]] };
    const { x } = sampleStateSpace(m, 4, 1, Key.fromSeed(2));
    const f = kalmanFilter(m, x[0]);
    expect(f.logLikelihood).toBeCloseTo(directLogLikelihood(m, x[0]), 9);
    expect(f.stepLogLikelihoods.reduce((a, b) => a + b, 0)).toBeCloseTo(f.logLikelihood, 12);
    // the prefix likelihoods are the filter's partial sums
    expect(f.stepLogLikelihoods[0] + f.stepLogLikelihoods[1]).toBeCloseTo(directLogLikelihood(m, x[0].slice(0, 2)), 9);
    const j = jointGaussian(m, 4);
    const r = x[0].flat().map((v, i) => v - j.xMean[i]);
    const gain = matmul(j.zx, inverseSpd(j.xx));
    const mean = j.zMean.map((v, i) => v + gain[i].reduce((s, g, c) => s + g * r[c], 0));
    const cov = add(j.zz, matmul(gain, transpose(j.zx)), -1);
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
