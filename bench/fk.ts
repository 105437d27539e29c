// Benchmark: Feynman-Kac training iterations, tfjs against the same model and loss in PyTorch
// (bench/fk_torch.py), in one run. Two trapped bosons: paths of Euler-Maruyama steps, the boundary-corrected
// cost, backpropagation and Adam; reports SDE steps per second (walkers x steps / s). H2: the local-energy
// iteration (Adam on the covariance gradient, then a refresh and 5 MALA steps, each needing log psi, its
// gradient and its Laplacian: a forward-mode Jet here, autograd in PyTorch); reports walker moves per second.
// Rounds of ours and PyTorch's alternate (bench/rounds); the table gives medians.
// Usage: node dist/bench/fk.js [--iterations 10] [--rounds 5] [--warmup 2] [--torch-threads 1,2]
import { initBackend } from '../lib/core/backend';
import * as tf from '../lib/core/tf';
import { Key } from '../lib/core/random';
import { DriftModel, bosonJastrow, h2Ansatz, h2Molecule, trainDrift, trainLocalEnergy, trappedBosons, Potential, WaveFunction } from '../lib/fk';
import { parseArgs } from '../scripts/args';
import { DEFAULT_TORCH_SETTINGS, ThreadSettings, formatAlone, formatRatio, formatReference, interleave, referenceNote, torchSettings } from './rounds';
import { saveResults } from './results';

const WALKERS = 512;
const STEPS = 10;

const MALA_STEPS = 5;

interface Timer { timed: () => Promise<number>; dispose: () => void }

/**
 * Times `iterations` more training iterations per call, each call starting from the walkers the
 * last one left (after one warm-up iteration, so compiling kernels stays outside the timed runs).
 * `train(key, iterations, initial)` runs lib/fk's trainDrift or trainLocalEnergy.
 */
async function populationTimer(train: (key: Key, iterations: number, initial?: tf.Tensor2D) => Promise<{ population: tf.Tensor2D }>, iterations: number): Promise<Timer> {
  let population = (await train(Key.fromSeed(1), 1)).population;
  let round = 0;
  return {
    timed: async () => {
      const t0 = performance.now();
      const r = await train(Key.fromSeed(2).foldIn(round++), iterations, population);
      population.dispose();
      population = r.population;
      return (performance.now() - t0) / 1000 / iterations;
    },
    dispose: () => population.dispose(),
  };
}

function driftTimer(model: DriftModel, potential: Potential, iterations: number): Promise<Timer> {
  const options = { dt: 0.01, steps: STEPS, walkers: WALKERS, progress: 'off' as const };
  return populationTimer((key, n, initial) => trainDrift(key, model, potential, { ...options, iterations: n, initial }), iterations);
}

function localEnergyTimer(model: WaveFunction, potential: Potential, iterations: number): Promise<Timer> {
  const options = { walkers: WALKERS, tau: 0.2, stepsPerIteration: MALA_STEPS, progress: 'off' as const };
  return populationTimer((key, n, initial) => trainLocalEnergy(key, model, potential, { ...options, iterations: n, initial }), iterations);
}

async function main() {
  const args = parseArgs({ iterations: '10', rounds: '5', warmup: '2', 'torch-threads': DEFAULT_TORCH_SETTINGS });
  const iterations = Number(args.iterations);
  const backend = await initBackend({ quiet: true });
  const rounds = Number(args.rounds);
  const h2 = h2Molecule(1.4);
  const models = [
    { key: 'bosons', name: '2 bosons, g = 6 (Jastrow 32x32)', moves: WALKERS * STEPS,
      timer: await driftTimer(bosonJastrow(2, 2, [32, 32], Key.fromSeed(0)), trappedBosons({ particles: 2, g: 6, s: 0.5 }), iterations) },
    { key: 'h2', name: 'H2, R = 1.4 (local energy, 32x32)', moves: WALKERS * (MALA_STEPS + 1),
      timer: await localEnergyTimer(h2Ansatz(h2.protons, [32, 32], Key.fromSeed(0)), h2, iterations) },
  ];
  const reference = await ThreadSettings.start('fk_torch.py', ['--iterations', String(iterations), '--walkers', String(WALKERS), '--steps', String(STEPS)], torchSettings(args['torch-threads']));
  const result = await interleave(rounds, async () => {
    const out: Record<string, number> = {};
    for (const m of models) out[m.key] = await m.timer.timed();
    return out;
  }, reference, (r, mine) => console.error(`round ${r + 1}/${rounds}: ${Object.entries(mine).map(([k, s]) => `${k} ${(1000 * s).toFixed(1)} ms`).join(', ')}`), Number(args.warmup));
  models.forEach((m) => m.timer.dispose());
  console.log(`\nTraining iteration, ${WALKERS} walkers. Bosons: ${STEPS} Euler-Maruyama steps, corrected cost, backward, Adam. H2: Adam, then ${MALA_STEPS + 1} evaluations of log psi with gradient and Laplacian (refresh + MALA)\n`);
  console.log(`${'model'.padEnd(36)}${`tfjs ${backend} ms`.padStart(16)}${'PyTorch, fastest setting'.padStart(38)}${'tfjs moves/s'.padStart(18)}${'PyTorch moves/s'.padStart(17)}${'ratio (range)'.padStart(22)}   each side alone: ours / PyTorch = ratio`);
  for (const m of models) {
    const r = result[m.key];
    const t = r.reference;
    const rate = (s: number) => (m.moves / s).toFixed(0);
    console.log(`${m.name.padEnd(36)}${(1000 * r.ours).toFixed(1).padStart(16)}${` ${formatReference(r)}`.padStart(38)}${rate(r.ours).padStart(18)}${(t ? rate(t) : 'n/a').padStart(17)}${` ${formatRatio(r)}`.padStart(22)}   ${formatAlone(r)}`);
  }
  console.log('(medians of ' + rounds + ' alternating rounds of ' + iterations + ' iterations after ' + args.warmup + ' untimed rounds on both sides (the first hundred iterations run while V8 still compiles); ratio = PyTorch seconds / tfjs seconds per iteration: 1 means as fast as PyTorch; range = lowest and highest ratio of one round pair; ' + referenceNote(args['torch-threads']) + '; PyTorch gets the drift from autograd with create_graph, and the Laplacian from one more backward pass per coordinate)');
  saveResults({ bench: 'fk', title: `one training iteration of ${WALKERS} walkers: the bosons' ${STEPS} Euler-Maruyama steps with the corrected cost, backward and Adam; H2's Adam step and ${MALA_STEPS + 1} evaluations of log psi with gradient and Laplacian`, backend, rounds, settings: args['torch-threads'], rows: models.map((m) => ({ model: m.name, unit: 'ms' as const, compared: result[m.key] })) }, reference);
}

main().catch((e) => { console.error(e); process.exit(1); });
