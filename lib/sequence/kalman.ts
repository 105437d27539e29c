// Exact inference in the linear-Gaussian state-space model: the Kalman filter gives p(z_t | x_1..t)
// and log p(x_1..T) as a sum of one-step predictive log-densities; the Rauch-Tung-Striebel smoother
// then gives p(z_t | x_1..T). The sequence models of the lecture are scored against these.
import { ShapeError } from '../core/errors';
import { Matrix, add, dot, identity, inverseSpd, logDetSpd, matmul, matvec, transpose } from '../linalg/matrix';
import { StateSpaceModel, checkStateSpaceModel } from './state-space';

export interface KalmanFilter {
  /** Mean and covariance of z_t given x_1..t-1 (for t = 1: the prior of z_1). */
  predictedMeans: number[][];
  predictedCovs: Matrix[];
  /** Mean and covariance of z_t given x_1..t. */
  filteredMeans: number[][];
  filteredCovs: Matrix[];
  /** log p(x_t | x_1..t-1) per step; their sum is log p(x_1..T). */
  stepLogLikelihoods: number[];
  logLikelihood: number;
}

/** The Kalman filter over one sequence x [T][d]. */
export function kalmanFilter(m: StateSpaceModel, x: number[][]): KalmanFilter {
  const { latent: k, observed: d } = checkStateSpaceModel(m);
  if (x.length < 1 || x.some((row) => row.length !== d)) {
    throw new ShapeError(`a sequence of ${x.length} steps with rows of length ${x[0]?.length} does not fit ${d}-dimensional observations`, `pass x as [steps][${d}]`);
  }
  const out: KalmanFilter = { predictedMeans: [], predictedCovs: [], filteredMeans: [], filteredCovs: [], stepLogLikelihoods: [], logLikelihood: 0 };
  const ct = transpose(m.C);
  const at = transpose(m.A);
  for (let t = 0; t < x.length; t++) {
    const mean = t === 0 ? m.mu0 : matvec(m.A, out.filteredMeans[t - 1]);
    const cov = t === 0 ? m.P0 : add(matmul(matmul(m.A, out.filteredCovs[t - 1]), at), m.Q);
    const s = add(matmul(matmul(m.C, cov), ct), m.R);
    const sInv = inverseSpd(s);
    const innovation = x[t].map((v, i) => v - dot(m.C[i], mean));
    const logLik = -0.5 * (d * Math.log(2 * Math.PI) + logDetSpd(s) + dot(innovation, matvec(sInv, innovation)));
    const gain = matmul(matmul(cov, ct), sInv);
    // Joseph form: (I - K C) P (I - K C)^T + K R K^T stays symmetric and positive definite
    const iKc = add(identity(k), matmul(gain, m.C), -1);
    out.predictedMeans.push(mean);
    out.predictedCovs.push(cov);
    out.filteredMeans.push(mean.map((v, i) => v + dot(gain[i], innovation)));
    out.filteredCovs.push(add(matmul(matmul(iKc, cov), transpose(iKc)), matmul(matmul(gain, m.R), transpose(gain))));
    out.stepLogLikelihoods.push(logLik);
    out.logLikelihood += logLik;
  }
  return out;
}

/** The Rauch-Tung-Striebel smoother: mean and covariance of z_t given the whole sequence. */
export function kalmanSmoother(m: StateSpaceModel, filter: KalmanFilter): { means: number[][]; covs: Matrix[] } {
  const steps = filter.filteredMeans.length;
  const means = filter.filteredMeans.map((v) => v.slice());
  const covs = filter.filteredCovs.map((c) => c.map((row) => row.slice()));
  const at = transpose(m.A);
  for (let t = steps - 2; t >= 0; t--) {
    const g = matmul(matmul(filter.filteredCovs[t], at), inverseSpd(filter.predictedCovs[t + 1]));
    const dm = means[t + 1].map((v, i) => v - filter.predictedMeans[t + 1][i]);
    means[t] = means[t].map((v, i) => v + dot(g[i], dm));
    covs[t] = add(covs[t], matmul(matmul(g, add(covs[t + 1], filter.predictedCovs[t + 1], -1)), transpose(g)));
  }
  return { means, covs };
}
