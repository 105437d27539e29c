// Diffusion Monte Carlo with importance sampling: the Feynman-Kac weights of lecture 11, sampled by
// a population of walkers that branch and die instead of being learned away. With the guiding
// function psi, walkers move by the drift-diffusion dr = grad log psi dt + dW (a Metropolis step
// against psi^2 removes most of the time-step error) and carry the weight
//   exp(-tau_eff [(E_L(r) + E_L(r')) / 2 - E_T])
// for the step; a walker whose weight is b is replaced by floor(b + u) copies, u ~ U[0, 1). The
// population's density tends to psi * phi_0, so the weighted mean of E_L (the mixed estimator) tends
// to the ground-state energy E_0 exactly, up to the time step, for a nodeless (bosonic) ground
// state: psi only guides the walkers and lowers the variance, it does not bias the answer.
import * as fs from 'fs';
import * as tf from '../core/tf';
import { DataError, ParameterError, ShapeError, checkInt, checkNumber } from '../core/errors';
import { Key, normal } from '../core/random';
import { progressBar } from '../core/progress';
import { blockedStderr, fitLine } from '../core/stats';
import { WaveFunction } from './ansatz';
import { Walkers, disposeWalkers, malaStep, malaSteps, walkerEnergy, walkers } from './local-energy';
import { Potential } from './potentials';

export interface DmcOptions {
  /** Imaginary-time step. */
  tau: number;
  /** The population the trial-energy feedback holds the walkers near. */
  walkers: number;
  /** Steps before measuring: the projection onto the ground state. */
  equilibration: number;
  /** Steps measured. */
  steps: number;
  /** How fast the trial energy pulls the population back to its target, per unit imaginary time. */
  feedback?: number;
  label?: string;
  progress?: 'auto' | 'lines' | 'off';
}

export interface DmcResult {
  /** The mixed estimate of each measured step. */
  energies: number[];
  /** The population after every step, equilibration included. */
  populations: number[];
  /** E_0 from the measured steps, with its blocked standard error (the steps are correlated). */
  mean: number;
  stderr: number;
  /** Whether the blocked error reached a plateau (if not, it is an underestimate). */
  converged: boolean;
  /** Fraction of proposed moves accepted. */
  acceptance: number;
  /** The final walkers' positions (the caller disposes them). */
  population: tf.Tensor2D;
  seconds: number;
}

/** The population may not grow beyond this multiple of its target: a sign the time step is too long. */
export const MAX_POPULATION_GROWTH = 4;

interface Population {
  w: Walkers;
  /** Local energies of the walkers, in the order of w. */
  eL: Float64Array;
}

// derived in lecture 13 (notebooks/13-diffusion-monte-carlo.ipynb)
/**
 * One step: drift-diffusion with a Metropolis test against psi^2, the branching weight of each walker
 * from its local energies before and after, the mixed estimate, then floor(b + u) copies per walker.
 */
export function dmcStep(key: Key, model: WaveFunction, potential: Potential, pop: Population, tau: number, trialEnergy: number,
  tauEffective: number): { pop: Population; energy: number; acceptance: number } {
  const [kMove, kBranch] = key.split(2);
  const n = pop.eL.length;
  // lecture 12's move: an Euler step of dr = grad log psi dt + dW, accepted or not against psi^2
  const moved = malaStep(kMove, model, pop.w, tau);
  const energies = walkerEnergy(moved.walkers, potential);
  const eL = Float64Array.from(energies.dataSync());
  energies.dispose();
  // branching weights, the mixed estimate, and the copies
  const u = kBranch.uniforms(n);
  const copiesOf: number[] = [];
  let weightSum = 0;
  let weighted = 0;
  for (let i = 0; i < n; i++) {
    const b = Math.exp(-tauEffective * (0.5 * (pop.eL[i] + eL[i]) - trialEnergy));
    if (!Number.isFinite(b)) {
      disposeWalkers(moved.walkers);
      throw new ParameterError(`walker ${i} got the branching weight ${b} (local energy ${eL[i]})`, 'lower the time step, or check the guiding function near singularities');
    }
    weightSum += b;
    weighted += b * eL[i];
    for (let c = Math.floor(b + u[i]); c > 0; c--) copiesOf.push(i);
  }
  if (copiesOf.length === 0) {
    disposeWalkers(moved.walkers);
    throw new ParameterError('every walker died in one step', 'lower the time step or raise the population');
  }
  const index = tf.tensor1d(copiesOf, 'int32');
  const w = tf.tidy(() => ({
    r: tf.gather(moved.walkers.r, index), logPsi: tf.gather(moved.walkers.logPsi, index),
    drift: tf.gather(moved.walkers.drift, index), laplacian: tf.gather(moved.walkers.laplacian, index),
  }) as Walkers);
  index.dispose();
  disposeWalkers(moved.walkers);
  return { pop: { w, eL: Float64Array.from(copiesOf, (i) => eL[i]) }, energy: weighted / weightSum, acceptance: moved.acceptance };
}

/**
 * Runs DMC from the positions r0 (ideally drawn from psi^2: the walkers then start close to their
 * equilibrium): `equilibration` steps, then `steps` measured ones. The effective time step is tau
 * times the acceptance so far (rejected moves diffuse less); the trial energy follows the running
 * estimate, corrected by -feedback * log(population / target) to hold the population steady.
 */
export async function diffusionMonteCarlo(key: Key, model: WaveFunction, potential: Potential, r0: tf.Tensor2D, options: DmcOptions): Promise<DmcResult> {
  checkNumber('tau', options.tau, (v) => v > 0, '> 0');
  checkInt('walkers', options.walkers, 1);
  checkInt('equilibration', options.equilibration, 0);
  checkInt('steps', options.steps, 2);
  const feedback = options.feedback ?? 1;
  checkNumber('feedback', feedback, (v) => v >= 0, '>= 0');
  const D = potential.particles * potential.dim;
  if (r0.rank !== 2 || r0.shape[1] !== D) throw new ShapeError(`r0 has shape [${r0.shape}], the potential needs [n, ${D}]`, `pass ${D} coordinates per walker`);
  const { tau } = options;
  const total = options.equilibration + options.steps;
  const bar = progressBar(options.label ?? `DMC, tau = ${tau}`, total, options.progress ?? 'auto');
  const start = Date.now();
  const w0 = walkers(model, r0);
  const e0 = walkerEnergy(w0, potential);
  let pop: Population = { w: w0, eL: Float64Array.from(e0.dataSync()) };
  e0.dispose();
  let trialEnergy = pop.eL.reduce((a, b) => a + b, 0) / pop.eL.length;
  const energies: number[] = [];
  const populations: number[] = [];
  let estimate = trialEnergy;
  let accepted = 0;
  try {
    for (let step = 0; step < total; step++) {
      const acceptance = step === 0 ? 1 : accepted / step;
      const next = dmcStep(key.foldIn(step), model, potential, pop, tau, trialEnergy, tau * acceptance);
      disposeWalkers(pop.w);
      pop = next.pop;
      accepted += next.acceptance;
      const n = pop.eL.length;
      populations.push(n);
      if (n > MAX_POPULATION_GROWTH * options.walkers) {
        throw new ParameterError(`the population grew to ${n} walkers (target ${options.walkers})`, 'lower the time step, or strengthen the feedback');
      }
      if (step >= options.equilibration) energies.push(next.energy);
      // the running estimate: a moving average while equilibrating, the measured mean afterwards
      estimate = energies.length > 0 ? energies.reduce((a, b) => a + b, 0) / energies.length : 0.9 * estimate + 0.1 * next.energy;
      trialEnergy = estimate - feedback * Math.log(n / options.walkers);
      if (step % 10 === 9 || step === total - 1) await bar.update(step + 1, { E: estimate, walkers: n });
    }
    await bar.finish({ E: estimate });
    const summary = blockedStderr(energies, Math.min(32, Math.floor(energies.length / 2)));
    return {
      energies, populations, mean: summary.mean, stderr: summary.stderr, converged: summary.converged,
      acceptance: accepted / total, population: tf.clone(pop.w.r), seconds: (Date.now() - start) / 1000,
    };
  } finally {
    disposeWalkers(pop.w);
  }
}

export interface DmcTimeStepRow {
  tau: number;
  mean: number;
  stderr: number;
  converged: boolean;
  acceptance: number;
  steps: number;
  seconds: number;
}

/**
 * DMC at several time steps, each run from its own population (equilibrated toward psi^2 by
 * `mala` Metropolis-adjusted Langevin sweeps of step `malaTau`), for `time` units of imaginary time
 * after `equilibrationTime`, and the weighted straight line through the energies: its intercept is
 * E_0 at tau -> 0. Independent runs make the points' errors independent, as the fit assumes.
 */
export async function dmcAtTimeSteps(key: Key, model: WaveFunction, potential: Potential, taus: number[],
  options: { walkers: number; time: number; equilibrationTime: number; malaTau: number; mala?: number; progress?: 'auto' | 'lines' | 'off' }): Promise<{ rows: DmcTimeStepRow[]; limit: { intercept: number; interceptStderr: number; slope: number } }> {
  if (taus.length < 2) throw new ParameterError(`an extrapolation needs at least two time steps, got ${taus.length}`, 'pass two or more time steps');
  checkNumber('time', options.time, (v) => v > 0, '> 0');
  checkNumber('equilibrationTime', options.equilibrationTime, (v) => v >= 0, '>= 0');
  const D = potential.particles * potential.dim;
  const rows: DmcTimeStepRow[] = [];
  for (const [i, tau] of taus.entries()) {
    const k = key.foldIn(i);
    const r0 = normal(k.foldIn(0), [options.walkers, D]) as tf.Tensor2D;
    const warm = malaSteps(k.foldIn(1), model, walkers(model, r0), options.malaTau, options.mala ?? 100, true).walkers;
    r0.dispose();
    try {
      const run = await diffusionMonteCarlo(k.foldIn(2), model, potential, warm.r, {
        tau, walkers: options.walkers, equilibration: Math.round(options.equilibrationTime / tau), steps: Math.round(options.time / tau),
        label: `${potential.name}, tau = ${tau}`, progress: options.progress,
      });
      run.population.dispose();
      rows.push({ tau, mean: run.mean, stderr: run.stderr, converged: run.converged, acceptance: run.acceptance, steps: run.energies.length, seconds: run.seconds });
    } finally {
      disposeWalkers(warm);
    }
  }
  const limit = fitLine(rows.map((r) => r.tau), rows.map((r) => r.mean), rows.map((r) => r.stderr));
  return { rows, limit };
}

/** One system's long runs as scripts/run-dmc.ts records them. */
export interface DmcRecordEntry {
  system: string;
  potential: string;
  variational: { mean: number; stderr: number };
  rows: DmcTimeStepRow[];
  limit: { intercept: number; interceptStderr: number; slope: number };
  reference?: { value: number; source: string };
}

/** The record written by scripts/run-dmc.ts (data/dmc/results.json): settings, command and results. */
export function readDmcRecord(file: string): { command: string; walkers: number; time: number; results: DmcRecordEntry[] } {
  if (!fs.existsSync(file)) throw new DataError(`${file} does not exist`, 'produce it with npm run dmc (about 30 minutes), or check the path');
  const record = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!Array.isArray(record.results)) throw new DataError(`${file} is not a record of scripts/run-dmc.ts (it has no results)`, 'produce it again with npm run dmc');
  return record;
}
