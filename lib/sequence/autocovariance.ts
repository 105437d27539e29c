// How a sequence's values at times t and t + k move together, averaged over time and dimensions: the
// signature of a process's dynamics (a damped rotation shows as a damped oscillation over k). The
// exact curve of a state-space model's noise-free part C z_t, and the empirical curve of a set of
// sequences, so that sequences a model imagines can be held against the truth.
import { ShapeError } from '../core/errors';
import { Matrix, identity, matmul, trace, transpose } from '../linalg/matrix';
import { StateSpaceModel, checkStateSpaceModel } from './state-space';

/**
 * tr(C A^k P C^T) / d for k = 0..maxLag: the lag-k autocovariance of C z_t per observed dimension,
 * for a latent that starts (and so stays) at its stationary covariance P = P0.
 */
export function modelAutocovariance(m: StateSpaceModel, maxLag: number): number[] {
  const { latent, observed } = checkStateSpaceModel(m);
  const out: number[] = [];
  let power: Matrix = identity(latent);
  for (let k = 0; k <= maxLag; k++) {
    out.push(trace(matmul(matmul(matmul(m.C, power), m.P0), transpose(m.C))) / observed);
    power = matmul(m.A, power);
  }
  return out;
}

/** The empirical lag-k autocovariance of sequences x [N][T][d] for k = 0..maxLag, each dimension centred on its mean. */
export function sequenceAutocovariance(x: number[][][], maxLag: number): number[] {
  const steps = x[0]?.length ?? 0;
  const d = x[0]?.[0]?.length ?? 0;
  if (steps <= maxLag || x.some((s) => s.length !== steps || s.some((row) => row.length !== d))) {
    throw new ShapeError(`sequences of ${steps} steps (all of one length and width) are needed for lags up to ${maxLag}`, `pass equal-length sequences longer than ${maxLag} steps`);
  }
  const mean = new Array(d).fill(0);
  x.forEach((s) => s.forEach((row) => row.forEach((v, j) => (mean[j] += v / (x.length * steps)))));
  return Array.from({ length: maxLag + 1 }, (_, k) => {
    let sum = 0;
    x.forEach((s) => { for (let t = 0; t + k < steps; t++) for (let j = 0; j < d; j++) sum += (s[t][j] - mean[j]) * (s[t + k][j] - mean[j]); });
    return sum / (x.length * (steps - k) * d);
  });
}
