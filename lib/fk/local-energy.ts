// The continuous-time limit of the boundary-corrected Feynman-Kac cost. For v = grad log psi, Ito's
// formula turns l_T + log psi(r_0) - log psi(r_T) into the time integral of the local energy
//   E_L = V - (Delta log psi + |grad log psi|^2) / 2,
// and with r_0 drawn from psi^2 (the drift's stationary law) its mean is <E_L>, the variational energy,
// for every T. Euler-Maruyama steps break this identity where psi has a cusp (next to a proton), so for
// Coulomb systems we take the limit exactly: E_L from the Jet of log psi, and psi^2 sampled without
// bias by Metropolis-adjusted Langevin (MALA) steps of the same SDE dr = v dt + dW.
import * as tf from '../core/tf';
import { checkInt, checkNumber } from '../core/errors';
import { Key, normal, uniform } from '../core/random';
import { train } from '../core/train';
import { stopGradient } from '../core/ops';
import { meanAndStderr } from '../core/stats';
import { WaveFunction } from './ansatz';
import { jetGradient } from './jet';
import { Potential } from './potentials';
import { adam } from '../core/adam';

/** E_L(r) = V(r) - (Delta log psi + |grad log psi|^2) / 2 per walker, [n]. */
export function localEnergy(model: WaveFunction, potential: Potential, r: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const w = walkers(model, r);
    return walkerEnergy(w, potential);
  });
}

// derived in lecture 12 (notebooks/12-h2-molecule.ipynb)
/** E_L at walkers whose log psi, drift and Laplacian are already known (no model evaluation). */
export function walkerEnergy(w: Walkers, potential: Potential): tf.Tensor1D {
  return tf.tidy(() => tf.add(potential.energy(w.r), tf.mul(tf.add(w.laplacian, tf.sum(tf.square(w.drift), 1)), -0.5)) as tf.Tensor1D);
}

/**
 * Walkers with log psi, its gradient (the drift) and its Laplacian, so that a MALA step evaluates the model
 * once (at the proposal) and the local energy of the walkers costs no further evaluation.
 */
export type Walkers = {
  r: tf.Tensor2D;
  logPsi: tf.Tensor1D;
  drift: tf.Tensor2D;
  laplacian: tf.Tensor1D;
};

export function walkers(model: WaveFunction, r: tf.Tensor2D): Walkers {
  return tf.tidy(() => {
    const jet = model.logPsiJet(r);
    return { r: tf.clone(r), logPsi: tf.reshape(jet.value, [-1]) as tf.Tensor1D, drift: jetGradient(jet), laplacian: tf.reshape(jet.lap, [-1]) as tf.Tensor1D };
  });
}

export function disposeWalkers(w: Walkers): void {
  tf.dispose([w.r, w.logPsi, w.drift, w.laplacian]);
}

function selectWalkers(accept: tf.Tensor, yes: Walkers, no: Walkers): Walkers {
  const column = tf.expandDims(accept, 1);
  return {
    r: tf.where(column, yes.r, no.r) as tf.Tensor2D, logPsi: tf.where(accept, yes.logPsi, no.logPsi) as tf.Tensor1D,
    drift: tf.where(column, yes.drift, no.drift) as tf.Tensor2D, laplacian: tf.where(accept, yes.laplacian, no.laplacian) as tf.Tensor1D,
  };
}

/**
 * One Metropolis-adjusted Langevin step for the target psi^2: the Euler step r' = r + v(r) tau + sqrt(tau) xi
 * of dr = v dt + dW is accepted with probability min(1, psi^2(r') q(r | r') / (psi^2(r) q(r' | r))), so
 * psi^2 is exactly stationary whatever tau is. Returns the new walkers (the old ones stay with the caller)
 * and the fraction accepted.
 */
export function malaStep(key: Key, model: WaveFunction, w: Walkers, tau: number): { walkers: Walkers; acceptance: number } {
  checkNumber('MALA step tau', tau, (v) => v > 0, '> 0');
  const [kNoise, kAccept] = key.split(2);
  const out = tf.tidy(() => {
    const proposal = tf.add(tf.add(w.r, tf.mul(w.drift, tau)), tf.mul(normal(kNoise, w.r.shape), Math.sqrt(tau))) as tf.Tensor2D;
    const next = walkers(model, proposal);
    const logQ = (to: tf.Tensor2D, from: tf.Tensor2D, drift: tf.Tensor2D) => tf.div(tf.sum(tf.square(tf.sub(tf.sub(to, from), tf.mul(drift, tau))), 1), -2 * tau);
    const logRatio = tf.add(tf.mul(tf.sub(next.logPsi, w.logPsi), 2), tf.sub(logQ(w.r, proposal, next.drift), logQ(proposal, w.r, w.drift)));
    const accept = tf.less(tf.log(uniform(kAccept, [w.r.shape[0]])), logRatio);
    return { walkers: selectWalkers(accept, next, w), accepted: tf.mean(tf.cast(accept, 'float32')) };
  });
  const acceptance = out.accepted.dataSync()[0];
  out.accepted.dispose();
  return { walkers: out.walkers, acceptance };
}

/** `steps` MALA steps; returns the final walkers (the input ones are disposed only if `consume`) and the mean acceptance. */
export function malaSteps(key: Key, model: WaveFunction, w: Walkers, tau: number, steps: number, consume = false): { walkers: Walkers; acceptance: number } {
  checkInt('MALA steps', steps, 0);
  let current = w;
  let accepted = 0;
  for (let s = 0; s < steps; s++) {
    const next = malaStep(key.foldIn(s), model, current, tau);
    if (consume || current !== w) disposeWalkers(current);
    current = next.walkers;
    accepted += next.acceptance;
  }
  if (steps === 0 && !consume) current = tf.tidy(() => ({ r: tf.clone(w.r), logPsi: tf.clone(w.logPsi), drift: tf.clone(w.drift), laplacian: tf.clone(w.laplacian) }));
  return { walkers: current, acceptance: steps > 0 ? accepted / steps : NaN };
}

export interface LocalEnergyTrainOptions {
  walkers: number;
  iterations: number;
  /** MALA time step. */
  tau: number;
  /** MALA steps between optimizer steps (the walkers persist, so a few suffice). */
  stepsPerIteration?: number;
  /** MALA steps before training starts. */
  burnIn?: number;
  learningRate?: number;
  /** A starting population, or the standard deviation of Gaussian walkers around the origin. */
  initial?: number | tf.Tensor2D;
  label?: string;
  progress?: 'auto' | 'lines' | 'off';
}

/**
 * Minimises <E_L> over psi^2 with a persistent population of MALA walkers. The gradient is the score
 * term 2 Cov(E_L, grad_theta log psi) of trainDrift's loss with T -> 0; the pathwise term E[grad_theta E_L]
 * vanishes for exact psi^2 samples (H is Hermitian), so it is left out, which also spares backpropagating
 * through the Laplacian. Returns <E_L> and the acceptance of every iteration, and the final walkers' positions.
 */
export async function trainLocalEnergy(key: Key, model: WaveFunction, potential: Potential, options: LocalEnergyTrainOptions): Promise<{ energies: number[]; acceptance: number[]; population: tf.Tensor2D; seconds: number }> {
  checkInt('walkers', options.walkers, 1);
  checkNumber('MALA step tau', options.tau, (v) => v > 0, '> 0');
  const D = potential.particles * potential.dim;
  const [kInit, kBurn, kTrain, kSample] = key.split(4);
  const r0 = options.initial instanceof tf.Tensor ? tf.clone(options.initial) as tf.Tensor2D
    : tf.tidy(() => tf.mul(normal(kInit, [options.walkers, D]), (options.initial as number | undefined) ?? 1) as tf.Tensor2D);
  let state = malaSteps(kBurn, model, walkers(model, r0), options.tau, options.burnIn ?? 0, true).walkers;
  r0.dispose();
  let eL = walkerEnergy(state, potential);
  const acceptance: number[] = [];
  const optimizer = adam(options.learningRate ?? 3e-3);
  try {
    const result = await train(kTrain, () => tf.tidy(() => {
      const logPsi = model.logPsi(state.r);
      const centred = tf.sub(eL, tf.mean(eL));
      // value <E_L>, gradient 2 mean((E_L - <E_L>) grad log psi)
      return tf.add(tf.mean(eL), tf.mul(2, tf.mean(tf.mul(centred, tf.sub(logPsi, stopGradient(logPsi)))))) as tf.Scalar;
    }), {
      steps: options.iterations, optimizer, variables: model.variables, label: options.label ?? potential.name, progress: options.progress,
      // the parameters changed: refresh the walkers' log psi, drift and Laplacian, move them, and take E_L outside the tape
      onStep: (step) => {
        const refreshed = walkers(model, state.r);
        disposeWalkers(state);
        const moved = malaSteps(kSample.foldIn(step), model, refreshed, options.tau, options.stepsPerIteration ?? 5, true);
        state = moved.walkers;
        acceptance.push(moved.acceptance);
        eL.dispose();
        eL = walkerEnergy(state, potential);
      },
    });
    const population = tf.clone(state.r);
    return { energies: result.losses, acceptance, population, seconds: result.seconds };
  } finally {
    optimizer.dispose();
    disposeWalkers(state);
    eL.dispose();
  }
}

/**
 * <E_L> from `samples` MALA sweeps of the walkers after `burnIn` sweeps. Each walker's chain is averaged
 * first and the standard error is taken across walkers, which are independent, so the autocorrelation
 * along a chain cannot make the error bar too small.
 */
export function estimateLocalEnergy(key: Key, model: WaveFunction, potential: Potential, r0: tf.Tensor2D,
  options: { tau: number; burnIn: number; samples: number; thin?: number }): { mean: number; stderr: number; acceptance: number; perWalker: number[] } {
  checkInt('samples', options.samples, 1);
  const [kBurn, kRun] = key.split(2);
  let state = malaSteps(kBurn, model, walkers(model, r0), options.tau, options.burnIn, true).walkers;
  const sums = new Float64Array(r0.shape[0]);
  let accepted = 0;
  for (let s = 0; s < options.samples; s++) {
    const moved = malaSteps(kRun.foldIn(s), model, state, options.tau, options.thin ?? 1, true);
    state = moved.walkers;
    accepted += moved.acceptance;
    const e = walkerEnergy(state, potential);
    e.dataSync().forEach((v, i) => { sums[i] += v; });
    e.dispose();
  }
  disposeWalkers(state);
  const perWalker = Array.from(sums, (v) => v / options.samples);
  return { ...meanAndStderr(perWalker), acceptance: accepted / options.samples, perWalker };
}
