// Potentials for the Feynman-Kac lecture, on batches of configurations r: [batch, particles * dim]
// (particle i occupies columns i*dim .. i*dim + dim - 1). Units: hbar = m = omega = 1 for the trap,
// hartree atomic units for H2.
import * as tf from '../core/tf';
import { ParameterError, checkInt, checkNumber, checkShape } from '../core/errors';

export interface Potential {
  name: string;
  particles: number;
  dim: number;
  /** V(r) per configuration, [batch]. */
  energy(r: tf.Tensor2D): tf.Tensor1D;
}

/** Positions of particle i, [batch, dim]. */
export function particle(r: tf.Tensor2D, i: number, dim: number): tf.Tensor2D {
  return tf.slice(r, [0, i * dim], [-1, dim]);
}

/** All unordered pairs i < j. */
export function pairs(n: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out.push([i, j]);
  return out;
}

/**
 * The matrix M, [particles * dim, pairs * dim], for which r M holds every pair's separation r_i - r_j
 * (pairs i < j in `pairs` order, `dim` columns each), times `scale`. One product instead of two slices
 * and a difference per pair: a model of N particles then tapes a few operations whatever N is, and
 * (r M) M^T maps pair forces back onto the particles, + on i and - on j.
 */
export function pairDifferenceMatrix(particles: number, dim: number, scale = 1): tf.Tensor2D {
  const all = pairs(particles);
  const columns = all.length * dim;
  const m = new Float32Array(particles * dim * columns);
  all.forEach(([i, j], p) => {
    for (let c = 0; c < dim; c++) {
      m[(i * dim + c) * columns + p * dim + c] = scale;
      m[(j * dim + c) * columns + p * dim + c] = -scale;
    }
  });
  return tf.tensor2d(m, [particles * dim, columns]);
}

/** Every pair's separation r_i - r_j, [batch, pairs * dim], and squared distance, [batch, pairs]. */
export function pairSeparations(r: tf.Tensor2D, particles: number, dim: number): { separations: tf.Tensor2D; squared: tf.Tensor2D } {
  checkShape('configurations', r.shape, [-1, particles * dim]);
  const n = r.shape[0];
  if (particles < 2) return { separations: tf.zeros([n, 0]), squared: tf.zeros([n, 0]) }; // no product with an empty matrix
  return tf.tidy(() => {
    const separations = tf.matMul(r, pairDifferenceMatrix(particles, dim)) as tf.Tensor2D;
    const squared = tf.sum(tf.reshape(tf.square(separations), [n, -1, dim]), 2) as tf.Tensor2D;
    return { separations, squared };
  });
}

function checked(p: Potential): Potential {
  return {
    ...p,
    energy: (r) => {
      checkShape(`${p.name} configurations`, r.shape, [-1, p.particles * p.dim]);
      return p.energy(r);
    },
  };
}

/** V = |r|^2 / 2 in `dim` dimensions: E_0 = dim / 2, ground state exp(-|r|^2 / 2), optimal drift -r. */
export function harmonicOscillator(dim: number): Potential {
  checkInt('dim', dim, 1);
  return checked({ name: `harmonic oscillator (${dim}-D)`, particles: 1, dim, energy: (r) => tf.tidy(() => tf.mul(tf.sum(tf.square(r), 1), 0.5) as tf.Tensor1D) });
}

/**
 * N bosons in a harmonic trap with the Gaussian pair interaction U(r) = g / (pi s^2) exp(-r^2 / s^2),
 * summed over pairs i < j (no self-terms).
 */
export function trappedBosons(options: { particles: number; dim?: number; g: number; s: number }): Potential {
  const { particles, dim = 2, g, s } = options;
  checkInt('particles (N)', particles, 1);
  checkInt('dim', dim, 1);
  checkNumber('g', g, () => true, 'a finite number');
  if (!(s > 0)) throw new ParameterError(`interaction width s = ${s} must be positive`, 'pass s > 0, e.g. 0.5');
  const strength = g / (Math.PI * s * s);
  return checked({
    name: `${particles} bosons, g = ${g}, s = ${s}`, particles, dim,
    energy: (r) => tf.tidy(() => {
      const trap = tf.mul(tf.sum(tf.square(r), 1), 0.5);
      if (particles < 2) return trap as tf.Tensor1D;
      const { squared } = pairSeparations(r, particles, dim);
      return tf.add(trap, tf.mul(tf.sum(tf.exp(tf.mul(squared, -1 / (s * s))), 1), strength)) as tf.Tensor1D;
    }),
  });
}

/**
 * Coulomb distances are floored at this value. A Euler-Maruyama step lands within 1e-4 bohr of a
 * nucleus or of the other electron with probability of order 1e-12, so the floor never changes an
 * estimate; it only keeps a float32 division finite. The learned drift handles the cusps.
 */
export const COULOMB_FLOOR = 1e-4;

/**
 * H2 with clamped protons at (0, 0, +-R/2) (Born-Oppenheimer), two electrons: r = [x1 y1 z1 x2 y2 z2].
 * V = -sum_{i, A} 1 / |r_i - R_A| + 1 / |r_1 - r_2| + 1 / R (the proton repulsion is included, so
 * E_0(R = 1.4) = -1.174476 hartree).
 */
export function h2Molecule(R: number): Potential & { protons: [number, number, number][] } {
  if (!(Number.isFinite(R) && R > 0)) throw new ParameterError(`bond length R = ${R} must be positive`, 'pass R > 0 in bohr, e.g. 1.4');
  const protons: [number, number, number][] = [[0, 0, R / 2], [0, 0, -R / 2]];
  const inverseDistance = (d2: tf.Tensor) => tf.rsqrt(tf.maximum(d2, COULOMB_FLOOR * COULOMB_FLOOR));
  const base = checked({
    name: `H2, R = ${R}`, particles: 2, dim: 3,
    energy: (r) => tf.tidy(() => {
      let v: tf.Tensor = tf.fill([r.shape[0]], 1 / R);
      for (let i = 0; i < 2; i++) {
        for (const p of protons) {
          const d2 = tf.sum(tf.square(tf.sub(particle(r, i, 3), tf.tensor1d(p))), 1);
          v = tf.sub(v, inverseDistance(d2));
        }
      }
      return tf.add(v, inverseDistance(tf.reshape(pairSeparations(r, 2, 3).squared, [-1]))) as tf.Tensor1D;
    }),
  });
  return { ...base, protons };
}
