// The linear-Gaussian latent variable model (probabilistic PCA), where every term of
// log p(x) = ELBO(q) + KL(q(z) || p(z|x)) has a closed form:
//   z ~ N(0, I_k),  x | z ~ N(W z + b, s2 I_d),  so  x ~ N(b, W W^T + s2 I_d).
import { ShapeError, checkNumber, checkShape } from '../core/errors';
import { Matrix, add, cholesky, dot, identity, inverseSpd, logDetSpd, matmul, matvec, scale, solveSpd, trace, transpose } from '../linalg/matrix';

export interface LinearGaussianModel {
  /** [d, k] loading matrix. */
  W: Matrix;
  /** [d] offset. */
  b: number[];
  /** Observation noise variance. */
  noiseVariance: number;
}

/** A Gaussian q(z) = N(mean, cov) over the k latent variables. */
export interface GaussianQ {
  mean: number[];
  cov: Matrix;
}

const LOG_2PI = Math.log(2 * Math.PI);

function check(model: LinearGaussianModel, x: number[]): void {
  const d = model.W.length;
  checkShape('b', [model.b.length], [d]);
  checkShape('x', [x.length], [d]);
  checkNumber('noiseVariance', model.noiseVariance, (v) => v > 0, 'positive');
}

/** Exact log p(x) = log N(x; b, W W^T + s2 I). */
export function logMarginal(model: LinearGaussianModel, x: number[]): number {
  check(model, x);
  const d = x.length;
  const c = add(matmul(model.W, transpose(model.W)), scale(identity(d), model.noiseVariance));
  const r = x.map((v, i) => v - model.b[i]);
  return -0.5 * (d * LOG_2PI + logDetSpd(c) + dot(r, solveSpd(c, r)));
}

/** The exact posterior p(z|x) = N(M^-1 W^T (x - b) / s2, M^-1) with M = I + W^T W / s2. */
export function exactPosterior(model: LinearGaussianModel, x: number[]): GaussianQ {
  check(model, x);
  const k = model.W[0].length;
  const wt = transpose(model.W);
  const m = add(identity(k), scale(matmul(wt, model.W), 1 / model.noiseVariance));
  const cov = inverseSpd(m);
  const r = x.map((v, i) => v - model.b[i]);
  return { mean: matvec(cov, matvec(wt, r).map((v) => v / model.noiseVariance)), cov };
}

/** Closed-form ELBO(q) = E_q[log p(x|z)] - KL(q || N(0, I)). */
export function exactElbo(model: LinearGaussianModel, x: number[], q: GaussianQ): number {
  check(model, x);
  const d = x.length;
  const k = model.W[0].length;
  checkShape('q.mean', [q.mean.length], [k], `the latent space has ${k} dimensions`);
  if (q.cov.length !== k || q.cov.some((row) => row.length !== k)) {
    throw new ShapeError(`q.cov has rows of lengths [${q.cov.map((r) => r.length)}], not a ${k} x ${k} matrix`, `pass a ${k} x ${k} covariance`);
  }
  const resid = x.map((v, i) => v - model.b[i] - dot(model.W[i], q.mean));
  const wtw = matmul(transpose(model.W), model.W);
  const expectedLogLik = -0.5 * d * (LOG_2PI + Math.log(model.noiseVariance))
    - (dot(resid, resid) + trace(matmul(wtw, q.cov))) / (2 * model.noiseVariance);
  const klPrior = 0.5 * (trace(q.cov) + dot(q.mean, q.mean) - k - logDetSpd(q.cov));
  return expectedLogLik - klPrior;
}

/** KL(N(m1, S1) || N(m2, S2)) between two Gaussians of the same dimension. */
export function gaussianKl(p: GaussianQ, q: GaussianQ): number {
  const k = p.mean.length;
  const qInv = inverseSpd(q.cov);
  const diff = q.mean.map((v, i) => v - p.mean[i]);
  return 0.5 * (trace(matmul(qInv, p.cov)) + dot(diff, matvec(qInv, diff)) - k + logDetSpd(q.cov) - logDetSpd(p.cov));
}

/** Draws z ~ q from standard normal noise eps (length k): z = mean + L eps. */
export function sampleQ(q: GaussianQ, eps: number[]): number[] {
  const l = cholesky(q.cov);
  return q.mean.map((m, i) => m + dot(l[i], eps));
}

/** log p(x, z) = log N(x; W z + b, s2 I) + log N(z; 0, I). */
export function logJoint(model: LinearGaussianModel, x: number[], z: number[]): number {
  const d = x.length;
  const k = z.length;
  const r = x.map((v, i) => v - model.b[i] - dot(model.W[i], z));
  return -0.5 * (d * (LOG_2PI + Math.log(model.noiseVariance)) + dot(r, r) / model.noiseVariance) - 0.5 * (k * LOG_2PI + dot(z, z));
}

/** log q(z) for a Gaussian q. */
export function logQ(q: GaussianQ, z: number[]): number {
  const diff = z.map((v, i) => v - q.mean[i]);
  return -0.5 * (z.length * LOG_2PI + logDetSpd(q.cov) + dot(diff, solveSpd(q.cov, diff)));
}
