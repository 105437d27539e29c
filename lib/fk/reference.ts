// Reference energies computed independently of the learned drifts.
// Two particles (unit mass, omega = 1) in a d-dimensional harmonic trap with a pair potential U(r)
// separate into centre-of-mass and relative motion: H = H_cm + H_rel with E_cm = d / 2 and
//   H_rel = -grad_r^2 + r^2 / 4 + U(r),   r = r_1 - r_2  (reduced mass 1/2).
// The bosonic ground state has zero angular momentum, so only the radial equation is needed:
//   -(1 / rho^(d-1)) (rho^(d-1) f')' + (rho^2 / 4 + U(rho)) f = E f.
// It is discretised by finite volumes on rho_i = (i + 1/2) h (symmetric, second order), and the
// lowest eigenvalue of the tridiagonal matrix is found by Sturm-sequence bisection.
import { ParameterError, checkInt, checkNumber } from '../core/errors';

/** Lowest eigenvalue of the symmetric tridiagonal matrix (diagonal a, off-diagonal b), by bisection on Sturm counts. */
export function lowestTridiagonalEigenvalue(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const r = (i > 0 ? Math.abs(b[i - 1]) : 0) + (i < n - 1 ? Math.abs(b[i]) : 0);
    lo = Math.min(lo, a[i] - r);
    hi = Math.max(hi, a[i] + r);
  }
  const countBelow = (x: number) => {
    let count = 0;
    let q = a[0] - x;
    if (q < 0) count++;
    for (let i = 1; i < n; i++) {
      q = a[i] - x - (b[i - 1] * b[i - 1]) / (q === 0 ? 1e-300 : q);
      if (q < 0) count++;
    }
    return count;
  };
  for (let it = 0; it < 200 && hi - lo > 1e-13 * Math.max(1, Math.abs(lo)); it++) {
    const mid = 0.5 * (lo + hi);
    if (countBelow(mid) >= 1) hi = mid; else lo = mid;
  }
  return 0.5 * (lo + hi);
}

/** Ground-state energy of two trapped particles with pair potential U on a radial grid of `points` cells up to rho = `extent`. */
export function twoParticleGroundState(dim: number, pair: (r: number) => number, options: { points?: number; extent?: number } = {}): number {
  checkInt('dim', dim, 1);
  const points = options.points ?? 4000;
  const extent = options.extent ?? 12;
  checkInt('points', points, 10);
  checkNumber('extent', extent, (v) => v > 0, '> 0');
  const h = extent / points;
  const weight = (rho: number) => rho ** (dim - 1);
  const a = new Float64Array(points);
  const b = new Float64Array(points - 1);
  for (let i = 0; i < points; i++) {
    const rho = (i + 0.5) * h;
    const left = i === 0 ? 0 : weight(i * h); // no flux through rho = 0
    const right = weight((i + 1) * h);
    const w = weight(rho);
    // A f = E W f with A tridiagonal; scaling by W^-1/2 on both sides keeps it symmetric
    a[i] = ((left + right) / (h * h) + w * (rho * rho / 4 + pair(rho))) / w;
    if (i < points - 1) b[i] = -right / (h * h) / Math.sqrt(w * weight((i + 1.5) * h));
  }
  return dim / 2 + lowestTridiagonalEigenvalue(a, b);
}

/** The Gaussian pair interaction U(r) = g / (pi s^2) exp(-r^2 / s^2) of the trapped-boson problem. */
export function gaussianInteraction(g: number, s: number): (r: number) => number {
  checkNumber('g', g, () => true, 'a finite number');
  if (!(s > 0)) throw new ParameterError(`interaction width s = ${s} must be positive`, 'pass s > 0, e.g. 0.5');
  return (r) => (g / (Math.PI * s * s)) * Math.exp(-(r * r) / (s * s));
}

/** The two-boson reference with Richardson extrapolation over two grids (the discretisation error is O(h^2)). */
export function twoBosonEnergy(g: number, s: number, dim = 2): number {
  const u = gaussianInteraction(g, s);
  const coarse = twoParticleGroundState(dim, u, { points: 2000 });
  const fine = twoParticleGroundState(dim, u, { points: 4000 });
  return fine + (fine - coarse) / 3;
}

/**
 * Ground-state energies of N bosons in the 2-D trap at g = 6, s = 0.5, from the table distributed
 * with the QuaRL code of Barr, Gispen and Lamacraft (2020), whose first column is g / 2; computed by
 * Mujal et al. in a finite basis, so they are upper bounds.
 */
export const PUBLISHED_BOSON_ENERGIES_G6: Record<number, number> = { 3: 4.3475891, 4: 6.5481472 };

/** H2 at R = 1.4 bohr with clamped protons: Kołos and Wolniewicz (1968), in hartree. */
export const H2_ENERGY_R14 = -1.174476;
