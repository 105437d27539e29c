// Feynman-Kac drift learning (Barr, Gispen and Lamacraft 2020). Paths of dr = v(r) dt + dW with
// keyed noise carry the cost
//   l_T = sum_k [ v(r_k) . dW_k + (|v(r_k)|^2 / 2 + V(r_k)) dt ],
// and log dP_v/dP_FK = l_T - E_0 T + log(phi_0(r_0) / phi_0(r_T)), so E[l_T] / T >= E_0 up to the
// boundary term, with equality only for v = grad log phi_0. Minimising E[l_T] learns the drift;
// l_T / T estimates the energy.
import * as tf from '../core/tf';
import { ParameterError, checkInt, checkNumber } from '../core/errors';
import { Key, normal } from '../core/random';
import { train } from '../core/train';
import { stopGradient } from '../core/ops';
import { meanAndStderr } from '../core/stats';
import { eulerMaruyama } from '../sde';
import { DriftModel } from './ansatz';
import { Potential } from './potentials';
import { adam } from '../core/adam';

export interface FkOptions {
  /** Time step, > 0. */
  dt: number;
  /** Steps per path; T = steps * dt. */
  steps: number;
}

function checkOptions(o: FkOptions): void {
  checkNumber('time step dt', o.dt, (v) => v > 0, '> 0');
  checkInt('steps', o.steps, 1);
}

// derived in lecture 11 (notebooks/11-feynman-kac.ipynb)
/** l_T for each path from r0 ([walkers, D]) and the endpoints r_T; differentiable in the drift's variables. */
export function fkPathCost(key: Key, r0: tf.Tensor2D, model: DriftModel, potential: Potential, options: FkOptions): { cost: tf.Tensor1D; rT: tf.Tensor2D } {
  checkOptions(options);
  const { x, total } = eulerMaruyama(key, r0, (r) => model.drift(r), { dt: options.dt, steps: options.steps },
    ({ x: r, drift: v, dW, dt }) => tf.add(tf.sum(tf.mul(v, dW), 1), tf.mul(tf.add(tf.mul(tf.sum(tf.square(v), 1), 0.5), potential.energy(r)), dt)) as tf.Tensor1D);
  return { cost: total, rT: x };
}

/**
 * l_T + log psi(r_0) - log psi(r_T): for v = grad log psi this removes the boundary term, so at the
 * exact ground state it equals E_0 T on every path (up to the O(dt) error of the discretisation).
 */
export function boundaryCorrected(cost: tf.Tensor1D, model: DriftModel, r0: tf.Tensor2D, rT: tf.Tensor2D): tf.Tensor1D {
  if (!model.logPsi) throw new ParameterError(`${model.name} has no log psi, so the boundary term cannot be corrected`, 'use a model with v = grad log psi (gradientDrift, bosonJastrow, h2Ansatz) or pass corrected: false');
  return tf.tidy(() => tf.sub(tf.add(cost, model.logPsi!(r0)), model.logPsi!(rT)) as tf.Tensor1D);
}

export interface FkTrainOptions extends FkOptions {
  walkers: number;
  iterations: number;
  learningRate?: number;
  /** Standard deviation of the initial walkers around the origin, or a starting population. */
  initial?: number | tf.Tensor2D;
  label?: string;
  progress?: 'auto' | 'lines' | 'off';
  /**
   * Minimise the boundary-corrected cost (default when the model has log psi). For v = grad log psi,
   * Ito's formula turns it into the time integral of the local energy -(Delta log psi + |v|^2) / 2 + V,
   * whose mean over a start r_0 ~ psi^2 (the stationary law of the drift) is a variational upper bound
   * for any T, so short paths suffice. The population's law depends on the parameters too, so the
   * gradient gets the score term 2 Cov(cost, grad log psi(r_0)) besides the pathwise one. The
   * uncorrected E[l_T] / T leaves out the cost of where a path ends, which biases the gradient unless T is long.
   */
  corrected?: boolean;
}

/**
 * Trains the drift by minimising E[l_T] / T. Each iteration starts its paths where the previous one's
 * ended (a persistent population), so that r_0 approaches the stationary law of the drift and the
 * boundary term averages out. Returns the energy estimate E[l_T] / T of every iteration and the final population.
 */
export async function trainDrift(key: Key, model: DriftModel, potential: Potential, options: FkTrainOptions): Promise<{ energies: number[]; population: tf.Tensor2D; seconds: number }> {
  checkOptions(options);
  checkInt('walkers', options.walkers, 1);
  const D = potential.particles * potential.dim;
  const [kInit, kTrain] = key.split(2);
  let population = options.initial instanceof tf.Tensor ? tf.clone(options.initial) as tf.Tensor2D
    : tf.tidy(() => tf.mul(normal(kInit, [options.walkers, D]), (options.initial as number | undefined) ?? 1) as tf.Tensor2D);
  const T = options.dt * options.steps;
  const corrected = options.corrected ?? model.logPsi !== undefined;
  const optimizer = adam(options.learningRate ?? 3e-3);
  try {
    const result = await train(kTrain, (k) => {
      const { cost, rT } = fkPathCost(k, population, model, potential, options);
      let loss: tf.Scalar;
      if (corrected) {
        const perPath = tf.div(boundaryCorrected(cost, model, population, rT), T);
        const logPsi0 = model.logPsi!(population);
        // value 0, gradient 2 mean((c - mean c) grad log psi(r_0)): the score of the start's law psi^2
        const score = tf.mul(2, tf.mean(tf.mul(stopGradient(tf.sub(perPath, tf.mean(perPath))), tf.sub(logPsi0, stopGradient(logPsi0)))));
        loss = tf.add(tf.mean(perPath), score) as tf.Scalar;
      } else {
        loss = tf.div(tf.mean(cost), T) as tf.Scalar;
      }
      population.dispose();
      population = tf.keep(tf.clone(rT)) as tf.Tensor2D;
      return loss;
    }, { steps: options.iterations, optimizer, variables: model.variables, label: options.label ?? potential.name, progress: options.progress });
    return { energies: result.losses, population, seconds: result.seconds };
  } finally {
    optimizer.dispose();
  }
}

/** The energy estimate from many paths: mean and standard error of l_T / T (or of the boundary-corrected cost). */
export function estimateEnergy(key: Key, model: DriftModel, potential: Potential, r0: tf.Tensor2D, options: FkOptions & { corrected?: boolean }): { mean: number; stderr: number; values: number[] } {
  const T = options.dt * options.steps;
  const values = tf.tidy(() => {
    const { cost, rT } = fkPathCost(key, r0, model, potential, options);
    const c = options.corrected ? boundaryCorrected(cost, model, r0, rT) : cost;
    return Array.from(tf.div(c, T).dataSync());
  });
  return { ...meanAndStderr(values), values };
}

/**
 * Energies at several time steps, each from its own population: walkers drawn by `start`,
 * equilibrated under the drift (`warmSteps` Euler-Maruyama steps of 0.02), then one corrected
 * estimate over paths of length T. Separate populations keep the estimates independent, so a line
 * fitted through them (for dt -> 0) may treat their standard errors as independent.
 */
export function energiesAtTimeSteps(key: Key, model: DriftModel, potential: Potential, start: (key: Key) => tf.Tensor2D,
  dts: number[], T: number, warmSteps = 100): { dt: number; mean: number; stderr: number; values: number[] }[] {
  checkNumber('path length T', T, (v) => v > 0, '> 0');
  return dts.map((dt, i) => {
    const k = key.foldIn(i);
    const r0 = start(k.foldIn(0));
    const warm = eulerMaruyama(k.foldIn(1), r0, (r) => model.drift(r), { dt: 0.02, steps: warmSteps });
    const energy = estimateEnergy(k.foldIn(2), model, potential, warm.x, { dt, steps: Math.round(T / dt), corrected: true });
    tf.dispose([r0, warm.x, warm.total]);
    return { dt, ...energy };
  });
}
