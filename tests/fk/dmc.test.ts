// Diffusion Monte Carlo: exact energies from imperfect guiding functions, a steady population,
// reproducible runs, no leaks, named errors.
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key, normal } from '../../lib/core/random';
import {
  diffusionMonteCarlo, dmcAtTimeSteps, estimateLocalEnergy, gradientDrift, harmonicOscillator, loadShippedWaveFunction, readDmcRecord, twoBosonEnergy,
} from '../../lib/fk';
import { eulerMaruyama } from '../../lib/sde';

describe('diffusion Monte Carlo', () => {
  it('projects a poor guiding function onto the oscillator ground state, with a steady population and no leaks', async () => {
    const oscillator = harmonicOscillator(1);
    // an untrained network on a Gaussian of the wrong width: its variational energy is far above 1/2
    const model = gradientDrift(1, [8], Key.fromSeed(1), 0.6);
    const r0 = normal(Key.fromSeed(2), [1000, 1]) as tf.Tensor2D;
    const variational = estimateLocalEnergy(Key.fromSeed(3), model, oscillator, r0, { tau: 0.5, burnIn: 50, samples: 50 });
    expect(variational.mean - 0.5).toBeGreaterThan(0.2);
    const before = tf.memory().numTensors;
    const options = { tau: 0.02, walkers: 1000, equilibration: 100, steps: 1000, progress: 'off' as const };
    const run = await diffusionMonteCarlo(Key.fromSeed(4), model, oscillator, r0, options);
    expect(tf.memory().numTensors - before, 'only the returned population').toBe(1);
    expect(Math.abs(run.mean - 0.5)).toBeLessThan(4 * run.stderr + 0.005);
    expect(run.stderr).toBeLessThan(0.01);
    expect(Math.min(...run.populations)).toBeGreaterThan(800);
    expect(Math.max(...run.populations)).toBeLessThan(1200);
    // the same key gives the same run
    const again = await diffusionMonteCarlo(Key.fromSeed(4), model, oscillator, r0, { ...options, steps: 50 });
    expect(again.energies).toEqual(run.energies.slice(0, 50));
    tf.dispose([run.population, again.population, r0, ...model.variables]);
  }, 60_000);

  it('agrees with the finite-difference ground state of two bosons (g = 6) from the shipped guiding function', async () => {
    const { model, potential, meta } = loadShippedWaveFunction('data/fk/bosons-N2-g6');
    const warm = eulerMaruyama(Key.fromSeed(5), normal(Key.fromSeed(6), [1000, 4]) as tf.Tensor2D, (r) => model.drift(r), { dt: 0.02, steps: 100 });
    const run = await diffusionMonteCarlo(Key.fromSeed(7), model, potential, warm.x, { tau: 0.02, walkers: 1000, equilibration: 50, steps: 400, progress: 'off' });
    const exact = twoBosonEnergy(meta.g, meta.s);
    expect(Math.abs(run.mean - exact)).toBeLessThan(4 * run.stderr + 5e-4);
    tf.dispose([warm.x, warm.total, run.population, ...model.variables]);
  }, 60_000);

  it('refuses a non-positive time step or population and walkers of the wrong dimension, by name', async () => {
    const model = gradientDrift(1, [4], Key.fromSeed(1));
    const oscillator = harmonicOscillator(1);
    const r0 = tf.zeros([10, 1]) as tf.Tensor2D;
    const base = { tau: 0.01, walkers: 10, equilibration: 0, steps: 10, progress: 'off' as const };
    await expect(diffusionMonteCarlo(Key.fromSeed(1), model, oscillator, r0, { ...base, tau: 0 })).rejects.toThrow(/tau = 0/);
    await expect(diffusionMonteCarlo(Key.fromSeed(1), model, oscillator, r0, { ...base, walkers: 0 })).rejects.toThrow(/walkers = 0/);
    const wrong = tf.zeros([10, 2]) as tf.Tensor2D;
    await expect(diffusionMonteCarlo(Key.fromSeed(1), model, oscillator, wrong, base)).rejects.toThrow(/needs \[n, 1\]/);
    tf.dispose([r0, wrong, ...model.variables]);
  });

  it('extrapolates over time steps from independent runs, and refuses a single time step', async () => {
    const model = gradientDrift(1, [4], Key.fromSeed(2), 0.9);
    const oscillator = harmonicOscillator(1);
    const options = { walkers: 100, time: 60, equilibrationTime: 1, malaTau: 0.5, progress: 'off' as const };
    const before = tf.memory().numTensors;
    const { rows, limit } = await dmcAtTimeSteps(Key.fromSeed(3), model, oscillator, [0.04, 0.02], options);
    expect(tf.memory().numTensors).toBe(before);
    expect(rows.map((r) => r.tau)).toEqual([0.04, 0.02]);
    expect(Math.abs(limit.intercept - 0.5)).toBeLessThan(4 * limit.interceptStderr + 0.01);
    await expect(dmcAtTimeSteps(Key.fromSeed(3), model, oscillator, [0.02], options)).rejects.toThrow(/at least two time steps/);
    tf.dispose(model.variables);
  }, 30_000);

  it('the shipped wave functions and the DMC record load, and foreign folders are named', () => {
    expect(() => loadShippedWaveFunction('data/vae-mnist')).toThrow(/names no system/);
    expect(() => readDmcRecord('data/dmc/missing.json')).toThrow(/npm run dmc/);
    const record = readDmcRecord('data/dmc/results.json');
    expect(record.results.length).toBeGreaterThan(0);
    const { model, potential } = loadShippedWaveFunction('data/fk/h2-R1.4');
    expect(potential.name).toBe('H2, R = 1.4');
    tf.dispose(model.variables);
  });
});
