import { describe, expect, it } from 'vitest';
import { Key } from '../../lib/core/random';
import { LinearGaussianModel, exactElbo, exactPosterior, gaussianKl, logJoint, logMarginal, logQ, sampleQ, matrix } from '../../lib/models';

function randomModel(seed: number, d = 4, k = 2): { model: LinearGaussianModel; x: number[] } {
  const u = Key.fromSeed(seed).uniforms(d * k + 2 * d);
  const W = Array.from({ length: d }, (_, i) => Array.from({ length: k }, (_, j) => 2 * u[i * k + j] - 1));
  const b = Array.from({ length: d }, (_, i) => u[d * k + i] - 0.5);
  const x = Array.from({ length: d }, (_, i) => 3 * (u[d * k + d + i] - 0.5));
  return { model: { W, b, noiseVariance: 0.3 }, x };
}

function randomQ(seed: number, k = 2) {
  const u = Key.fromSeed(seed).uniforms(k + k * k);
  const a = Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => u[k + i * k + j] - 0.5));
  const cov = matrix.add(matrix.matmul(a, matrix.transpose(a)), matrix.scale(matrix.identity(k), 0.05));
  return { mean: u.slice(0, k).map((v) => 2 * v - 1), cov };
}

describe('linear-Gaussian model', () => {
  it('log p(x) = ELBO(q) + KL(q || p(z|x)) for arbitrary q, to 1e-10', () => {
    for (let s = 0; s < 5; s++) {
      const { model, x } = randomModel(s);
      const post = exactPosterior(model, x);
      for (let t = 0; t < 4; t++) {
        const q = randomQ(100 * s + t);
        expect(Math.abs(logMarginal(model, x) - (exactElbo(model, x, q) + gaussianKl(q, post)))).toBeLessThan(1e-10);
        expect(exactElbo(model, x, q)).toBeLessThan(logMarginal(model, x));
      }
      expect(exactElbo(model, x, post)).toBeCloseTo(logMarginal(model, x), 10);
    }
  });

  it('the closed-form ELBO agrees with a Monte Carlo average of log p(x,z) - log q(z)', () => {
    const { model, x } = randomModel(7);
    const q = randomQ(8);
    const n = 20000;
    const u = Key.fromSeed(9);
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      // Box-Muller on keyed uniforms
      const [u1, u2] = u.foldIn(i).uniforms(2);
      const r = Math.sqrt(-2 * Math.log(1 - u1));
      const z = sampleQ(q, [r * Math.cos(2 * Math.PI * u2), r * Math.sin(2 * Math.PI * u2)]);
      const w = logJoint(model, x, z) - logQ(q, z);
      sum += w; sumSq += w * w;
    }
    const mean = sum / n;
    const se = Math.sqrt((sumSq / n - mean * mean) / n);
    expect(Math.abs(mean - exactElbo(model, x, q))).toBeLessThan(4 * se);
  });

  it('the posterior mean solves the normal equations (Bayesian linear regression check)', () => {
    const { model, x } = randomModel(3);
    const post = exactPosterior(model, x);
    // gradient of log p(x, z) vanishes at the posterior mean
    const h = 1e-5;
    for (let j = 0; j < post.mean.length; j++) {
      const up = post.mean.slice(); up[j] += h;
      const dn = post.mean.slice(); dn[j] -= h;
      expect(Math.abs((logJoint(model, x, up) - logJoint(model, x, dn)) / (2 * h))).toBeLessThan(1e-5);
    }
  });

  it('rejects bad inputs by name', () => {
    const { model, x } = randomModel(1);
    expect(() => logMarginal({ ...model, noiseVariance: 0 }, x)).toThrow(/noiseVariance = 0/);
    expect(() => logMarginal(model, x.slice(1))).toThrow(/x has shape \[3\]/);
    expect(() => exactElbo(model, x, { mean: [0, 0], cov: [[1, 2], [2, 1]] })).toThrow(/not positive definite/);
  });
});

describe('principalComponents', () => {
  it('recovers the axes and variances of an axis-aligned Gaussian cloud', () => {
    const u = Key.fromSeed(1).uniforms(2 * 20000);
    const rows = Array.from({ length: 10000 }, (_, i) => {
      const r = Math.sqrt(-2 * Math.log(1 - u[2 * i]));
      const a = r * Math.cos(2 * Math.PI * u[2 * i + 1]);
      const b = r * Math.sin(2 * Math.PI * u[2 * i + 1]);
      return [0.5 * b + 1, 3 * a - 2, 0.1 * a * 0];
    });
    const pc = matrix.principalComponents(rows, 2);
    expect(Math.abs(pc.directions[0][1])).toBeGreaterThan(0.999);
    expect(Math.abs(pc.directions[1][0])).toBeGreaterThan(0.999);
    expect(pc.variances[0]).toBeGreaterThan(9 * 0.95);
    expect(pc.variances[0]).toBeLessThan(9 * 1.05);
    expect(pc.variances[1]).toBeGreaterThan(0.25 * 0.95);
    expect(pc.mean[0]).toBeCloseTo(1, 1);
    expect(() => matrix.principalComponents(rows, 4)).toThrow(/k = 4/);
  });
});
