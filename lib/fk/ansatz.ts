// Drift models for Feynman-Kac learning. The optimal drift is grad log phi_0, so the symmetric models
// parameterise log psi and return its gradient in closed form (ScalarMlp gives the inner derivatives):
// a boson model symmetric under any relabelling of the particles, and an H2 model symmetric under
// exchanging the two electrons (the singlet's spatial part) and under swapping the two protons.
import * as tf from '../core/tf';
import { Key } from '../core/random';
import { ScalarMlp } from './scalar-mlp';
import { pairs, particle } from './potentials';

export interface DriftModel {
  name: string;
  /** v(r), [batch, D]. */
  drift(r: tf.Tensor2D): tf.Tensor2D;
  /** log psi(r) up to a constant, [batch], when v = grad log psi (used by the boundary-corrected estimator). */
  logPsi?(r: tf.Tensor2D): tf.Tensor1D;
  variables: tf.Variable[];
}

/**
 * log psi = -(alpha / 2) |r|^2 + MLP(r), so v = grad log psi (forward-mode); no symmetry. The Gaussian
 * envelope (alpha learned, starting at `alpha0`) keeps psi normalisable, so walkers cannot drift away.
 */
export function gradientDrift(D: number, hidden: number[], key: Key, alpha0 = 0.5): DriftModel {
  const net = new ScalarMlp(D, hidden, key, 1);
  const logAlpha = tf.variable(tf.scalar(Math.log(alpha0)));
  return {
    name: 'gradient MLP', variables: [logAlpha, ...net.variables],
    logPsi: (r) => tf.tidy(() => tf.sub(net.valueAndGradient(r).value, tf.mul(tf.sum(tf.square(r), 1), tf.mul(tf.exp(logAlpha), 0.5))) as tf.Tensor1D),
    drift: (r) => tf.tidy(() => tf.sub(net.valueAndGradient(r).gradient, tf.mul(r, tf.exp(logAlpha))) as tf.Tensor2D),
  };
}

/**
 * log psi = -(alpha / 2) sum_i |r_i|^2 + sum_{i<j} u(|r_i - r_j|^2), u linear plus a tanh MLP. Bosons: any
 * permutation of the particles permutes the pair terms among themselves, so psi is symmetric.
 */
export function bosonJastrow(particles: number, dim: number, hidden: number[], key: Key): DriftModel {
  const u = new ScalarMlp(1, hidden, key);
  // u(rho) = c rho + MLP(rho): the linear part lets u grow at large separation, where tanh units saturate
  const slope = tf.variable(tf.scalar(0));
  const logAlpha = tf.variable(tf.scalar(0));
  const allPairs = pairs(particles);
  const pairTerms = (r: tf.Tensor2D) => {
    const diffs = allPairs.map(([i, j]) => tf.sub(particle(r, i, dim), particle(r, j, dim)));
    const rho = tf.concat(diffs.map((d) => tf.sum(tf.square(d), 1, true)), 0) as tf.Tensor2D; // [P n, 1]
    const { value, gradient } = u.valueAndGradient(rho);
    return { diffs, value: tf.add(value, tf.mul(slope, tf.reshape(rho, [-1]))) as tf.Tensor1D, gradient: tf.add(gradient, slope) as tf.Tensor2D };
  };
  return {
    name: 'boson Jastrow', variables: [logAlpha, slope, ...u.variables],
    logPsi: (r) => tf.tidy(() => {
      let lp = tf.mul(tf.sum(tf.square(r), 1), tf.mul(tf.exp(logAlpha), -0.5));
      if (allPairs.length > 0) lp = tf.add(lp, tf.sum(tf.reshape(pairTerms(r).value, [allPairs.length, -1]), 0));
      return lp as tf.Tensor1D;
    }),
    drift: (r) => tf.tidy(() => {
      const n = r.shape[0];
      const perParticle: tf.Tensor[] = Array.from({ length: particles }, (_, i) => tf.mul(particle(r, i, dim), tf.neg(tf.exp(logAlpha))));
      if (allPairs.length > 0) {
        const { diffs, gradient } = pairTerms(r);
        allPairs.forEach(([i, j], p) => {
          const force = tf.mul(tf.mul(tf.slice(gradient, [p * n, 0], [n, 1]), 2), diffs[p]); // d u / d r_i = 2 u'(rho) (r_i - r_j)
          perParticle[i] = tf.add(perParticle[i], force);
          perParticle[j] = tf.sub(perParticle[j], force);
        });
      }
      return tf.concat(perParticle, 1) as tf.Tensor2D;
    }),
  };
}

/**
 * H2 (electrons r_1, r_2; protons A, B on the z axis):
 *   log psi = sum_i [ log(e^{-a r_iA} + e^{-a r_iB}) + w(r_iA + r_iB, (r_iA - r_iB)^2) ]
 *             + r_12 / (2 (1 + b r_12)) + u(r_12^2),
 * a molecular orbital with a learned exponent a, a one-body correction w in elliptic coordinates, and a
 * Jastrow factor with the electron-electron cusp 1/2 plus a learned correction u.
 */
export function h2Ansatz(protons: [number, number, number][], hidden: number[], key: Key): DriftModel {
  const [kw, ku] = key.split(2);
  const w = new ScalarMlp(2, hidden, kw);
  const u = new ScalarMlp(1, hidden, ku);
  const logA = tf.variable(tf.scalar(Math.log(1.2)));
  const logB = tf.variable(tf.scalar(0));
  const [pA, pB] = protons.map((p) => tf.keep(tf.tensor1d(p)));
  const electron = (r: tf.Tensor2D, i: number) => {
    const x = particle(r, i, 3);
    const dA = tf.sub(x, pA);
    const dB = tf.sub(x, pB);
    const rA = tf.sqrt(tf.add(tf.sum(tf.square(dA), 1, true), 1e-12));
    const rB = tf.sqrt(tf.add(tf.sum(tf.square(dB), 1, true), 1e-12));
    return { unitA: tf.div(dA, rA), unitB: tf.div(dB, rB), rA, rB };
  };
  const parts = (r: tf.Tensor2D) => {
    const a = tf.exp(logA);
    const b = tf.exp(logB);
    const e = [electron(r, 0), electron(r, 1)];
    const n = r.shape[0];
    const features = tf.concat(e.map(({ rA, rB }) => tf.concat([tf.add(rA, rB), tf.square(tf.sub(rA, rB))], 1)), 0) as tf.Tensor2D; // [2n, 2]
    const oneBody = w.valueAndGradient(features);
    const r12Vec = tf.sub(particle(r, 0, 3), particle(r, 1, 3));
    const r12sq = tf.sum(tf.square(r12Vec), 1, true);
    const r12 = tf.sqrt(tf.add(r12sq, 1e-12));
    const twoBody = u.valueAndGradient(r12sq as tf.Tensor2D);
    return { a, b, e, n, oneBody, r12Vec, r12, twoBody };
  };
  return {
    name: 'H2 ansatz', variables: [logA, logB, ...w.variables, ...u.variables],
    logPsi: (r) => tf.tidy(() => {
      const { a, b, e, oneBody, r12, twoBody, n } = parts(r);
      let lp: tf.Tensor = tf.add(tf.div(r12, tf.mul(2, tf.add(1, tf.mul(b, r12)))), tf.reshape(twoBody.value, [-1, 1]));
      e.forEach(({ rA, rB }, i) => {
        const orbital = tf.logSumExp(tf.concat([tf.mul(rA, tf.neg(a)), tf.mul(rB, tf.neg(a))], 1), 1, true);
        lp = tf.add(lp, tf.add(orbital, tf.reshape(tf.slice(oneBody.value, [i * n], [n]), [-1, 1])));
      });
      return tf.reshape(lp, [-1]) as tf.Tensor1D;
    }),
    drift: (r) => tf.tidy(() => {
      const { a, b, e, oneBody, r12Vec, r12, twoBody, n } = parts(r);
      // d/dr_1 of the Jastrow: (1 / (2 (1 + b r)^2)) (r_1 - r_2) / r + 2 u'(r^2) (r_1 - r_2)
      const jastrowSlope = tf.div(0.5, tf.square(tf.add(1, tf.mul(b, r12))));
      const ee = tf.add(tf.mul(tf.div(jastrowSlope, r12), r12Vec), tf.mul(tf.mul(twoBody.gradient, 2), r12Vec));
      const perElectron = e.map(({ unitA, unitB, rA, rB }, i) => {
        // orbital: -a (wA unitA + wB unitB) with softmax weights of -a rA, -a rB
        const weights = tf.softmax(tf.concat([tf.mul(rA, tf.neg(a)), tf.mul(rB, tf.neg(a))], 1));
        const [wA, wB] = tf.split(weights, 2, 1);
        const orbital = tf.mul(tf.neg(a), tf.add(tf.mul(wA, unitA), tf.mul(wB, unitB)));
        const g = tf.slice(oneBody.gradient, [i * n, 0], [n, 2]);
        const [ds, dt] = tf.split(g, 2, 1);
        // s = rA + rB, t = (rA - rB)^2: grad s = unitA + unitB, grad t = 2 (rA - rB)(unitA - unitB)
        const correction = tf.add(tf.mul(ds, tf.add(unitA, unitB)), tf.mul(tf.mul(dt, tf.mul(2, tf.sub(rA, rB))), tf.sub(unitA, unitB)));
        return tf.add(orbital, correction);
      });
      return tf.concat([tf.add(perElectron[0], ee), tf.sub(perElectron[1], ee)], 1) as tf.Tensor2D;
    }),
  };
}
