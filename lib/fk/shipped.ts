// The wave functions trained by scripts/train-fk.ts and shipped in data/fk/, loaded with the
// potential they were trained for: lectures 11, 12 and 13 all measure them.
import * as tf from '../core/tf';
import { DataError } from '../core/errors';
import { Key } from '../core/random';
import { loadWeights, readWeightsMeta } from '../nn';
import { WaveFunction, bosonJastrow, gradientDrift, h2Ansatz } from './ansatz';
import { Potential, h2Molecule, harmonicOscillator, trappedBosons } from './potentials';

export interface ShippedWaveFunction {
  model: WaveFunction;
  potential: Potential;
  /** The training record of weights.json (settings, measured energies). */
  meta: Record<string, any>;
}

/** The trained psi in `dir` (a folder of data/fk), with its potential; the caller disposes model.variables. */
export function loadShippedWaveFunction(dir: string): ShippedWaveFunction {
  const meta = readWeightsMeta(dir) as Record<string, any>;
  const key = Key.fromSeed(0); // overwritten by the stored weights
  let model: WaveFunction;
  let potential: Potential;
  let prefix = 'drift';
  if (meta.system === 'H2') {
    potential = h2Molecule(meta.R);
    model = h2Ansatz(h2Molecule(meta.R).protons, meta.hidden, key);
    prefix = 'psi';
  } else if (meta.system === 'harmonic oscillator') {
    potential = harmonicOscillator(meta.dim);
    model = gradientDrift(meta.dim, meta.hidden, key, meta.alpha0);
  } else if (Number.isInteger(meta.particles) && meta.g !== undefined) {
    potential = trappedBosons({ particles: meta.particles, dim: meta.dim, g: meta.g, s: meta.s });
    model = bosonJastrow(meta.particles, meta.dim, meta.hidden, key);
  } else {
    throw new DataError(`${dir} does not hold a wave function of lecture 11 or 12 (its record names no system)`, 'pass a folder of data/fk');
  }
  try {
    loadWeights(dir, model.variables.map((v, i) => [`${prefix}/${i}`, v] as [string, tf.Variable]));
  } catch (e) {
    tf.dispose(model.variables);
    throw e;
  }
  return { model, potential, meta };
}
