// The state-space model as one big Gaussian: the latents z_1..T and observations x_1..T stacked
// into vectors, with their means and covariances written out. It is the slow, direct route (its
// matrices grow with T), kept for short sequences: to check the Kalman recursions, and to give the
// exact posterior p(z_1..T | x) against which a recognition model's KL is measured.
import { Matrix, add, inverseSpd, logDetSpd, matmul, matvec, trace, transpose, zeros } from '../linalg/matrix';
import { StateSpaceModel, checkStateSpaceModel } from './state-space';

export interface StackedGaussian {
  zMean: number[];
  xMean: number[];
  /** Cov(z, z) [Tk, Tk], Cov(z, x) [Tk, Td], Cov(x, x) [Td, Td]. */
  zz: Matrix;
  zx: Matrix;
  xx: Matrix;
}

export function stackedGaussian(m: StateSpaceModel, steps: number): StackedGaussian {
  const { latent: k, observed: d } = checkStateSpaceModel(m);
  const means: number[][] = [m.mu0];
  const covs: Matrix[] = [m.P0];
  for (let t = 1; t < steps; t++) {
    means.push(matvec(m.A, means[t - 1]));
    covs.push(add(matmul(matmul(m.A, covs[t - 1]), transpose(m.A)), m.Q));
  }
  // Cov(z_s, z_t) = Sigma_s (A^T)^(t - s) for s <= t
  const cross = (s: number, t: number): Matrix => {
    if (s > t) return transpose(cross(t, s));
    let c = covs[s];
    for (let i = s; i < t; i++) c = matmul(c, transpose(m.A));
    return c;
  };
  const g: StackedGaussian = { zMean: means.flat(), xMean: means.flatMap((z) => matvec(m.C, z)), zz: zeros(steps * k, steps * k), zx: zeros(steps * k, steps * d), xx: zeros(steps * d, steps * d) };
  for (let s = 0; s < steps; s++) for (let t = 0; t < steps; t++) {
    const c = cross(s, t);
    const cx = matmul(c, transpose(m.C));
    const xx = add(matmul(m.C, cx), s === t ? m.R : zeros(d, d));
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) g.zz[s * k + i][t * k + j] = c[i][j];
    for (let i = 0; i < k; i++) for (let j = 0; j < d; j++) g.zx[s * k + i][t * d + j] = cx[i][j];
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) g.xx[s * d + i][t * d + j] = xx[i][j];
  }
  return g;
}

/** log p(x_1..T) from the stacked Gaussian. */
export function stackedLogLikelihood(g: StackedGaussian, x: number[][]): number {
  const r = x.flat().map((v, i) => v - g.xMean[i]);
  const solved = matvec(inverseSpd(g.xx), r);
  return -0.5 * (r.length * Math.log(2 * Math.PI) + logDetSpd(g.xx) + r.reduce((s, v, i) => s + v * solved[i], 0));
}

/** The exact posterior of the stacked latents given x: mean [Tk] and covariance [Tk, Tk]. */
export function stackedPosterior(g: StackedGaussian, x: number[][]): { mean: number[]; cov: Matrix } {
  const r = x.flat().map((v, i) => v - g.xMean[i]);
  const gain = matmul(g.zx, inverseSpd(g.xx));
  return { mean: g.zMean.map((v, i) => v + gain[i].reduce((s, w, c) => s + w * r[c], 0)), cov: add(g.zz, matmul(gain, transpose(g.zx)), -1) };
}

/** KL(N(m1, S1) || N(m2, S2)) for full covariances. */
export function gaussianKl(m1: number[], s1: Matrix, m2: number[], s2: Matrix): number {
  const inv2 = inverseSpd(s2);
  const dm = m1.map((v, i) => v - m2[i]);
  const scaled = matvec(inv2, dm);
  return 0.5 * (trace(matmul(inv2, s1)) + dm.reduce((s, v, i) => s + v * scaled[i], 0) - m1.length + logDetSpd(s2) - logDetSpd(s1));
}
