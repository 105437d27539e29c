// The linear-Gaussian state-space model, the sequence model whose likelihood is exact:
//   z_1 ~ N(mu0, P0),  z_t = A z_{t-1} + w_t, w_t ~ N(0, Q),  x_t = C z_t + v_t, v_t ~ N(0, R).
// The lecture's data come from a latent that rotates and decays (a damped oscillator in each pair of
// coordinates), seen through a random linear map in more dimensions, with noise.
import { ShapeError, checkInt, checkNumber } from '../core/errors';
import { Key } from '../core/random';
import { Matrix, cholesky, identity, matvec, scale, zeros } from '../linalg/matrix';

export interface StateSpaceModel {
  /** Transition [k, k]. */
  A: Matrix;
  /** Transition noise covariance [k, k]. */
  Q: Matrix;
  /** Emission [d, k]. */
  C: Matrix;
  /** Observation noise covariance [d, d]. */
  R: Matrix;
  /** Mean [k] and covariance [k, k] of the first latent state. */
  mu0: number[];
  P0: Matrix;
}

const isSquare = (m: Matrix, n: number) => m.length === n && m.every((row) => row.length === n);

/** Throws a ShapeError naming the first matrix whose shape does not fit the others. */
export function checkStateSpaceModel(m: StateSpaceModel): { latent: number; observed: number } {
  const k = m.mu0.length;
  const d = m.C.length;
  const fail = (what: string, want: string) => {
    throw new ShapeError(`the state-space model's ${what} does not fit a ${k}-dimensional latent and ${d}-dimensional observations`, `pass ${what} as ${want}`);
  };
  if (k < 1 || d < 1) fail('mu0 or C', 'non-empty arrays');
  if (!isSquare(m.A, k)) fail('A', `[${k}, ${k}]`);
  if (!isSquare(m.Q, k)) fail('Q', `[${k}, ${k}]`);
  if (!isSquare(m.P0, k)) fail('P0', `[${k}, ${k}]`);
  if (!m.C.every((row) => row.length === k)) fail('C', `[${d}, ${k}]`);
  if (!isSquare(m.R, d)) fail('R', `[${d}, ${d}]`);
  return { latent: k, observed: d };
}

/**
 * Block-diagonal transition of pairs of coordinates, each rotated by its angle (radians per step)
 * and shrunk by `decay`: eigenvalues decay * exp(+-i angle).
 */
export function dampedRotation(decay: number, angles: number[]): Matrix {
  checkNumber('decay', decay, (v) => v > 0 && v < 1, 'in (0, 1), so that the latent is stationary');
  const a = zeros(2 * angles.length, 2 * angles.length);
  angles.forEach((angle, i) => {
    const [c, s] = [decay * Math.cos(angle), decay * Math.sin(angle)];
    a[2 * i][2 * i] = c;
    a[2 * i][2 * i + 1] = -s;
    a[2 * i + 1][2 * i] = s;
    a[2 * i + 1][2 * i + 1] = c;
  });
  return a;
}

export interface RotatingLatentOptions {
  /** Rotation angles, one per pair of latent coordinates (radians per step). */
  angles: number[];
  /** Shrink per step, in (0, 1). */
  decay: number;
  /** Observed dimensions. */
  observed: number;
  /** Standard deviation of the observation noise. */
  noise: number;
}

/**
 * The lecture's model: a damped rotation with transition noise Q = (1 - decay^2) I, so the
 * stationary latent has unit variance (and starts there: mu0 = 0, P0 = I), and an emission C with
 * N(0, 1/k) entries drawn from `key`.
 */
export function rotatingLatentModel(o: RotatingLatentOptions, key: Key): StateSpaceModel {
  checkInt('observed', o.observed, 1);
  checkNumber('noise', o.noise, (v) => v > 0, 'positive');
  if (o.angles.length < 1) throw new ShapeError('a rotating latent needs at least one angle', 'pass angles such as [0.3]');
  const A = dampedRotation(o.decay, o.angles);
  const k = A.length;
  const u = key.normals(o.observed * k);
  const C = Array.from({ length: o.observed }, (_, i) => Array.from({ length: k }, (_, j) => u[i * k + j] / Math.sqrt(k)));
  return { A, Q: scale(identity(k), 1 - o.decay ** 2), C, R: scale(identity(o.observed), o.noise ** 2), mu0: new Array(k).fill(0), P0: identity(k) };
}

/** A draw from N(mean, cov) using the unit normals `eps`. */
function gaussianDraw(mean: number[], lower: Matrix, eps: ArrayLike<number>, offset: number): number[] {
  return mean.map((m, i) => m + lower[i].reduce((s, l, j) => s + l * eps[offset + j], 0));
}

/** `count` sequences of length `steps`: latents z [count][steps][k] and observations x [count][steps][d]. */
export function sampleStateSpace(m: StateSpaceModel, steps: number, count: number, key: Key): { z: number[][][]; x: number[][][] } {
  const { latent: k, observed: d } = checkStateSpaceModel(m);
  checkInt('steps', steps, 1);
  checkInt('count', count, 1);
  const [lq, lr, lp] = [cholesky(m.Q), cholesky(m.R), cholesky(m.P0)];
  const z: number[][][] = [];
  const x: number[][][] = [];
  for (let n = 0; n < count; n++) {
    const eps = key.foldIn(n).normals(steps * (k + d));
    const zs: number[][] = [];
    const xs: number[][] = [];
    for (let t = 0; t < steps; t++) {
      const o = t * (k + d);
      zs.push(t === 0 ? gaussianDraw(m.mu0, lp, eps, o) : gaussianDraw(matvec(m.A, zs[t - 1]), lq, eps, o));
      xs.push(gaussianDraw(matvec(m.C, zs[t]), lr, eps, o + k));
    }
    z.push(zs);
    x.push(xs);
  }
  return { z, x };
}
