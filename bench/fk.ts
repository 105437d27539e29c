// Benchmark: Feynman-Kac training iterations, tfjs against the same model and loss in PyTorch
// (bench/fk_torch.py), in one run. Two trapped bosons: paths of Euler-Maruyama steps, the boundary-corrected
// cost, backpropagation and Adam; reports SDE steps per second (walkers x steps / s). H2: the local-energy
// iteration (Adam on the covariance gradient, then a refresh and 5 MALA steps, each needing log psi, its
// gradient and its Laplacian: a forward-mode Jet here, autograd in PyTorch); reports walker moves per second.
// Usage: node dist/bench/fk.js [--iterations 30]
import { spawnSync } from 'child_process';
import * as path from 'path';
import { initBackend } from '../lib/core/backend';
import * as tf from '../lib/core/tf';
import { Key } from '../lib/core/random';
import { DriftModel, bosonJastrow, h2Ansatz, h2Molecule, trainDrift, trainLocalEnergy, trappedBosons, Potential, WaveFunction } from '../lib/fk';
import { parseArgs } from '../scripts/args';

const WALKERS = 512;
const STEPS = 10;

async function timeTraining(model: DriftModel, potential: Potential, iterations: number): Promise<number> {
  // one warm-up iteration compiles the kernels; the timed run starts from its walkers
  const warm = await trainDrift(Key.fromSeed(1), model, potential, { dt: 0.01, steps: STEPS, walkers: WALKERS, iterations: 1, progress: 'off' });
  const t0 = performance.now();
  const r = await trainDrift(Key.fromSeed(2), model, potential, { dt: 0.01, steps: STEPS, walkers: WALKERS, iterations, progress: 'off', initial: warm.population });
  const seconds = (performance.now() - t0) / 1000;
  tf.dispose([warm.population, r.population]);
  return seconds / iterations;
}

const MALA_STEPS = 5;

async function timeLocalEnergy(model: WaveFunction, potential: Potential, iterations: number): Promise<number> {
  const options = { walkers: WALKERS, tau: 0.2, stepsPerIteration: MALA_STEPS, progress: 'off' as const };
  const warm = await trainLocalEnergy(Key.fromSeed(1), model, potential, { ...options, iterations: 1 });
  const t0 = performance.now();
  const r = await trainLocalEnergy(Key.fromSeed(2), model, potential, { ...options, iterations, initial: warm.population });
  const seconds = (performance.now() - t0) / 1000;
  tf.dispose([warm.population, r.population]);
  return seconds / iterations;
}

async function main() {
  const args = parseArgs({ iterations: '30' });
  const iterations = Number(args.iterations);
  const backend = await initBackend({ quiet: true });
  const h2 = h2Molecule(1.4);
  const ours = [
    { name: '2 bosons, g = 6 (Jastrow 32x32)', seconds: await timeTraining(bosonJastrow(2, 2, [32, 32], Key.fromSeed(0)), trappedBosons({ particles: 2, g: 6, s: 0.5 }), iterations), moves: WALKERS * STEPS },
    // the constructor's cost (and the first iteration's) is outside the timed run
    { name: 'H2, R = 1.4 (local energy, 32x32)', seconds: await timeLocalEnergy(h2Ansatz(h2.protons, [32, 32], Key.fromSeed(0)), h2, iterations), moves: WALKERS * (MALA_STEPS + 1) },
  ];
  const ref = spawnSync('/usr/bin/python3', [path.resolve(__dirname, '../../bench/fk_torch.py'), '--iterations', String(iterations), '--walkers', String(WALKERS), '--steps', String(STEPS)], { encoding: 'utf8' });
  const torch: Record<string, number> = ref.status === 0 ? JSON.parse(ref.stdout) : {};
  if (ref.status !== 0) console.error(`PyTorch reference failed (apt-get install python3-torch):\n${ref.stderr}`);
  console.log(`\nTraining iteration, ${WALKERS} walkers. Bosons: ${STEPS} Euler-Maruyama steps, corrected cost, backward, Adam. H2: Adam, then ${MALA_STEPS + 1} evaluations of log psi with gradient and Laplacian (refresh + MALA)\n`);
  console.log(`${'model'.padEnd(36)}${`tfjs ${backend} ms`.padStart(16)}${'PyTorch ms'.padStart(12)}${'tfjs moves/s'.padStart(18)}${'PyTorch moves/s'.padStart(17)}${'ratio'.padStart(8)}`);
  for (const [i, o] of ours.entries()) {
    const key = i === 0 ? 'bosons' : 'h2';
    const t = torch[key];
    const rate = (s: number) => (o.moves / s).toFixed(0);
    console.log(`${o.name.padEnd(36)}${(1000 * o.seconds).toFixed(1).padStart(16)}${(t ? (1000 * t).toFixed(1) : 'n/a').padStart(12)}${rate(o.seconds).padStart(18)}${(t ? rate(t) : 'n/a').padStart(17)}${(t ? (t / o.seconds).toFixed(3) : 'n/a').padStart(8)}`);
  }
  console.log('(ratio = PyTorch seconds / tfjs seconds per iteration: 1 means as fast as PyTorch; PyTorch gets the drift from autograd with create_graph, and the Laplacian from one more backward pass per coordinate)');
}

main().catch((e) => { console.error(e); process.exit(1); });
