// Drift models for Feynman-Kac learning. The optimal drift is grad log phi_0, so the symmetric models
// parameterise log psi and return its gradient in closed form (ScalarMlp gives the inner derivatives):
// a boson model symmetric under any relabelling of the particles, and an H2 model symmetric under
// exchanging the two electrons (the singlet's spatial part) and under swapping the two protons, which
// also gives its Laplacian (a Jet) for the exact local energy.
import * as tf from '../core/tf';
import { Key } from '../core/random';
import { ScalarMlp } from './scalar-mlp';
import { ParameterError } from '../core/errors';
import { pairDifferenceMatrix, pairSeparations, pairs } from './potentials';
import { Jet, concatJets, coordinatesJet, distanceJet, jetGradient, logSumExpJet, mapJet, selectColumns, stackJets, sumJet, sumStacked } from './jet';
import { variableFrom } from '../core/ops';

export interface DriftModel {
  name: string;
  /** v(r), [batch, D]. */
  drift(r: tf.Tensor2D): tf.Tensor2D;
  /** log psi(r) up to a constant, [batch], when v = grad log psi (used by the boundary-corrected estimator). */
  logPsi?(r: tf.Tensor2D): tf.Tensor1D;
  variables: tf.Variable[];
}

/** A drift model v = grad log psi whose log psi also comes as a Jet, so that its local energy is exact. */
export interface WaveFunction extends DriftModel {
  logPsi(r: tf.Tensor2D): tf.Tensor1D;
  logPsiJet(r: tf.Tensor2D): Jet;
}

/**
 * log psi = -(alpha / 2) |r|^2 + MLP(r), so v = grad log psi (forward-mode); no symmetry. The Gaussian
 * envelope (alpha learned, starting at `alpha0`) keeps psi normalisable, so walkers cannot drift away.
 */
export function gradientDrift(D: number, hidden: number[], key: Key, alpha0 = 0.5): WaveFunction {
  const net = new ScalarMlp(D, hidden, key, 1);
  const logAlpha = variableFrom(() => tf.scalar(Math.log(alpha0)));
  return {
    name: 'gradient MLP', variables: [logAlpha, ...net.variables],
    logPsi: (r) => tf.tidy(() => tf.sub(net.value(r), tf.mul(tf.sum(tf.square(r), 1), tf.mul(tf.exp(logAlpha), 0.5))) as tf.Tensor1D),
    drift: (r) => tf.tidy(() => tf.sub(net.gradient(r), tf.mul(r, tf.exp(logAlpha))) as tf.Tensor2D),
    logPsiJet: (r) => tf.tidy(() => sumJet(concatJets([gaussianEnvelopeJet(r, tf.exp(logAlpha)), net.jet(coordinatesJet(r))]))),
  };
}

/** -(alpha / 2) |r|^2 as one field. */
function gaussianEnvelopeJet(r: tf.Tensor2D, alpha: tf.Scalar): Jet {
  return tf.tidy(() => sumJet(mapJet(coordinatesJet(r), (x) => tf.mul(tf.square(x), tf.mul(alpha, -0.5)), (x) => tf.mul(x, tf.neg(alpha)), () => tf.neg(alpha))));
}

/**
 * log psi = -(alpha / 2) sum_i |r_i|^2 + sum_{i<j} u(|r_i - r_j|^2), u linear plus a tanh MLP. Bosons: any
 * permutation of the particles permutes the pair terms among themselves, so psi is symmetric.
 */
export function bosonJastrow(particles: number, dim: number, hidden: number[], key: Key): WaveFunction {
  const u = new ScalarMlp(1, hidden, key);
  // u(rho) = c rho + MLP(rho): the linear part lets u grow at large separation, where tanh units saturate
  const slope = variableFrom(() => tf.scalar(0));
  const logAlpha = variableFrom(() => tf.scalar(0));
  const allPairs = pairs(particles);
  const P = allPairs.length;
  return {
    name: 'boson Jastrow', variables: [logAlpha, slope, ...u.variables],
    logPsi: (r) => tf.tidy(() => {
      const envelope = tf.mul(tf.sum(tf.square(r), 1), tf.mul(tf.exp(logAlpha), -0.5)) as tf.Tensor1D;
      if (P === 0) return envelope;
      const rho = tf.reshape(pairSeparations(r, particles, dim).squared, [-1, 1]) as tf.Tensor2D; // [n P, 1]
      const pairValues = tf.add(u.value(rho), tf.mul(slope, tf.reshape(rho, [-1])));
      return tf.add(envelope, tf.sum(tf.reshape(pairValues, [-1, P]), 1)) as tf.Tensor1D;
    }),
    drift: (r) => tf.tidy(() => {
      const confinement = tf.mul(r, tf.neg(tf.exp(logAlpha))) as tf.Tensor2D;
      if (P === 0) return confinement;
      const n = r.shape[0];
      const { separations, squared } = pairSeparations(r, particles, dim);
      const slopes = tf.add(u.gradient(tf.reshape(squared, [-1, 1]) as tf.Tensor2D), slope); // u'(rho), [n P, 1]
      // d u / d r_i = 2 u'(rho) (r_i - r_j) and d u / d r_j its negative: each pair's force, mapped back by 2 M^T
      const forces = tf.reshape(tf.mul(tf.reshape(separations, [n, P, dim]), tf.reshape(slopes, [n, P, 1])), [n, P * dim]);
      return tf.add(confinement, tf.matMul(forces, pairDifferenceMatrix(particles, dim, 2), false, true)) as tf.Tensor2D;
    }),
    logPsiJet: (r) => tf.tidy(() => {
      const envelope = gaussianEnvelopeJet(r, tf.exp(logAlpha));
      if (allPairs.length === 0) return envelope;
      const rho = stackJets(allPairs.map(([i, j]) => distanceJet(r, i, { particle: j }, dim, true)));
      const linear = mapJet(rho, (x) => tf.mul(x, slope), () => slope, () => tf.scalar(0));
      const pairSum = sumStacked(sumJet(concatJets([u.jet(rho), linear])), allPairs.length);
      return sumJet(concatJets([envelope, pairSum]));
    }),
  };
}

/**
 * The orbital exponent a that satisfies the electron-proton cusp of e^{-a r_A} + e^{-a r_B}: on proton A,
 * d log phi / d r_A = -a / (1 + e^{-a R}) must be -1, so a = 1 + e^{-a R} (a fixed point, found by iteration).
 */
export function cuspExponent(R: number): number {
  let a = 1;
  for (let i = 0; i < 200; i++) a = 1 + Math.exp(-a * R);
  return a;
}

// relabellings of the H2 features [r1A, r1B, r2A, r2B, r12]: identity, proton swap, electron exchange, both
const H2_SYMMETRIES = [[0, 1, 2, 3, 4], [1, 0, 3, 2, 4], [2, 3, 0, 1, 4], [3, 2, 1, 0, 4]];

/**
 * H2 (electrons r_1, r_2; protons A, B):
 *   log psi = sum_i log(e^{-a r_iA} + e^{-a r_iB}) - c sum_{i,A} sqrt(1 + r_iA^2) + r_12 / (2 (1 + b r_12))
 *             + sum_{g in G} u(g . phi),   phi = log(1 + [r_1A^2, r_1B^2, r_2A^2, r_2B^2, r_12^2]).
 * The molecular orbital's exponent a is fixed by the proton cusp (cuspExponent) and the Jastrow factor has
 * the electron-electron cusp 1/2; every other term is smooth at the cusps, so the local energy stays finite
 * there. c adjusts the decay far out, and the network u of all five squared distances, summed over the
 * group G of proton swaps and electron exchanges, makes psi symmetric under both and lets it learn
 * correlation (for example, fewer configurations with both electrons on one proton).
 */
export function h2Ansatz(protons: [number, number, number][], hidden: number[], key: Key): WaveFunction {
  const R = Math.hypot(...protons[0].map((x, i) => x - protons[1][i]));
  if (!(R > 0)) throw new ParameterError('the two protons coincide', 'pass protons R > 0 apart, e.g. h2Molecule(1.4).protons');
  const a = cuspExponent(R);
  const net = new ScalarMlp(5, hidden, key);
  const logB = variableFrom(() => tf.scalar(0));
  const decay = variableFrom(() => tf.scalar(0));
  const targets = [{ point: protons[0] }, { point: protons[1] }];
  const distances = (r: tf.Tensor2D, squared: boolean) =>
    [...[0, 1].flatMap((i) => targets.map((t) => distanceJet(r, i, t, 3, squared))), distanceJet(r, 0, { particle: 1 }, 3, squared)];
  const permuteColumns = (x: tf.Tensor2D, perm: number[]) => tf.concat(perm.map((c) => tf.slice(x, [0, c], [-1, 1])), 1) as tf.Tensor2D;
  const logPsiJet = (r: tf.Tensor2D): Jet => tf.tidy(() => {
    const b = tf.exp(logB);
    const [d1A, d1B, d2A, d2B, d12] = distances(r, false);
    const squaredJets = distances(r, true);
    const orbital = (dA: Jet, dB: Jet) => logSumExpJet(mapJet(concatJets([dA, dB]), (x) => tf.mul(x, -a), () => tf.scalar(-a), () => tf.scalar(0)));
    const decayTerm = mapJet(concatJets(squaredJets.slice(0, 4)), (x) => tf.mul(tf.sqrt(tf.add(x, 1)), tf.neg(decay)),
      (x) => tf.div(tf.neg(decay), tf.mul(2, tf.sqrt(tf.add(x, 1)))), (x) => tf.div(decay, tf.mul(4, tf.pow(tf.add(x, 1), 1.5))));
    const jastrow = mapJet(d12, (x) => tf.div(x, tf.mul(2, tf.add(1, tf.mul(b, x)))),
      (x) => tf.div(0.5, tf.square(tf.add(1, tf.mul(b, x)))), (x) => tf.div(tf.neg(b), tf.pow(tf.add(1, tf.mul(b, x)), 3)));
    const phi = mapJet(concatJets(squaredJets), (x) => tf.log1p(x), (x) => tf.reciprocal(tf.add(x, 1)), (x) => tf.neg(tf.reciprocal(tf.square(tf.add(x, 1)))));
    const relabelled = stackJets(H2_SYMMETRIES.map((perm) => selectColumns(phi, perm)));
    const correlation = sumStacked(net.jet(relabelled), H2_SYMMETRIES.length);
    return sumJet(concatJets([orbital(d1A, d1B), orbital(d2A, d2B), sumJet(decayTerm), jastrow, correlation]));
  });
  return {
    name: 'H2 ansatz', variables: [logB, decay, ...net.variables], logPsiJet,
    // the value alone (for the training loss), without the gradient and Laplacian
    logPsi: (r) => tf.tidy(() => {
      const b = tf.exp(logB);
      const [d1A, d1B, d2A, d2B, d12] = distances(r, false).map((j) => j.value);
      const squared = tf.concat(distances(r, true).map((j) => j.value), 1) as tf.Tensor2D;
      const orbital = (dA: tf.Tensor2D, dB: tf.Tensor2D) => tf.logSumExp(tf.mul(tf.concat([dA, dB], 1), -a), 1, true);
      const decayTerm = tf.mul(tf.sum(tf.sqrt(tf.add(tf.slice(squared, [0, 0], [-1, 4]), 1)), 1, true), tf.neg(decay));
      const jastrow = tf.div(d12, tf.mul(2, tf.add(1, tf.mul(b, d12))));
      const phi = tf.log1p(squared) as tf.Tensor2D;
      const correlation = H2_SYMMETRIES.map((perm) => net.value(permuteColumns(phi, perm))).reduce((s, v) => tf.add(s, v));
      return tf.reshape(tf.add(tf.add(tf.add(orbital(d1A, d1B), orbital(d2A, d2B)), tf.add(decayTerm, jastrow)), tf.reshape(correlation, [-1, 1])), [-1]) as tf.Tensor1D;
    }),
    drift: (r) => tf.tidy(() => jetGradient(logPsiJet(r))),
  };
}
