// Trains the Feynman-Kac drifts of lecture 11 for trapped bosons (s = 0.5, 2-D; runs "N:g"), for the
// 1-D harmonic oscillator (run "osc") and for H2 at bond length R (runs "h2:R", trained on the exact local
// energy with MALA walkers), and writes each model's weights, settings and measured energies to data/fk/.
// Usage: npm run train:fk -- --iterations 3000 [--runs osc,2:6,h2:1.4]
import { initBackend } from '../lib/core/backend';
import { Key } from '../lib/core/random';
import { saveWeights } from '../lib/nn';
import * as tf from '../lib/core/tf';
import {
  bosonJastrow,
  estimateEnergy,
  estimateLocalEnergy,
  gradientDrift,
  h2Ansatz,
  h2Molecule,
  harmonicOscillator,
  trainDrift,
  trainLocalEnergy,
  trappedBosons,
} from '../lib/fk';
import { parseArgs } from './args';

async function main() {
  const args = parseArgs({
    iterations: '3000',
    out: 'data/fk',
    seed: '1',
    runs: '2:0,2:1,2:2,2:4,2:6,4:6',
    dt: '0.02',
    steps: '10',
    walkers: '512',
    lr: '5e-3',
    hidden: '32,32',
    'fine-iterations': '0',
    'fine-lr': '1e-3',
    tau: '0.1',
    samples: '400',
  });
  const backend = await initBackend();
  const hidden = args.hidden.split(',').map(Number);
  for (const run of args.runs.split(',')) {
    if (run.startsWith('h2:')) {
      await trainH2(Number(run.slice(3)), args, hidden, backend);
      continue;
    }
    const oscillator = run === 'osc';
    const [particles, g] = oscillator ? [1, 0] : run.split(':').map(Number);
    const potential = oscillator ? harmonicOscillator(1) : trappedBosons({ particles, g, s: 0.5 });
    const [kInit, kTrain, kEval] = Key.fromSeed(Number(args.seed))
      .foldIn(oscillator ? 9999 : 100 * particles + g)
      .split(3);
    const model = oscillator
      ? gradientDrift(1, hidden, kInit, 0.3)
      : bosonJastrow(particles, 2, hidden, kInit);
    const options = {
      dt: Number(args.dt),
      steps: Number(args.steps),
      walkers: Number(args.walkers),
      iterations: Number(args.iterations),
      learningRate: Number(args.lr),
      progress: 'lines' as const,
    };
    const coarse = await trainDrift(kTrain, model, potential, options);
    // an optional second stage at a smaller learning rate, continuing from the same walkers
    const fineIterations = Number(args['fine-iterations']);
    const result =
      fineIterations > 0
        ? await trainDrift(kTrain.foldIn(1), model, potential, {
            ...options,
            iterations: fineIterations,
            learningRate: Number(args['fine-lr']),
            initial: coarse.population,
          })
        : coarse;
    if (result !== coarse) coarse.population.dispose();
    // the oscillator is evaluated on 16 copies of the population with paths of T = 4, as in the notebook
    const evalPopulation = oscillator
      ? tf.tidy(() => tf.tile(result.population, [16, 1]) as tf.Tensor2D)
      : result.population;
    const horizon = oscillator ? 4 : 1;
    const energies = [0.02, 0.01, 0.005].map((dt) => ({
      dt,
      ...estimateEnergy(kEval.foldIn(Math.round(dt * 1000)), model, potential, evalPopulation, {
        dt,
        steps: Math.round(horizon / dt),
        corrected: true,
      }),
    }));
    if (oscillator) evalPopulation.dispose();
    energies.forEach((e) =>
      console.log(
        `${oscillator ? 'oscillator' : `N = ${particles}, g = ${g}`}, dt = ${e.dt}: E = ${e.mean.toFixed(5)} ± ${e.stderr.toFixed(5)}`,
      ),
    );
    const name = oscillator ? 'oscillator-1d' : `bosons-N${particles}-g${g}`;
    saveWeights(
      `${args.out}/${name}`,
      model.variables.map((v, i) => [`drift/${i}`, v]),
      {
        script: 'scripts/train-fk.ts',
        command: `npm run train:fk -- ${process.argv.slice(2).join(' ')}`.trim(),
        backend,
        ...(oscillator
          ? { system: 'harmonic oscillator', dim: 1, alpha0: 0.3, horizon }
          : { particles, dim: 2, g, s: 0.5 }),
        hidden,
        ...options,
        fineIterations,
        fineLearningRate: Number(args['fine-lr']),
        seed: Number(args.seed),
        trainSeconds: coarse.seconds + (result === coarse ? 0 : result.seconds),
        energies: energies.map(({ dt, mean, stderr }) => ({ dt, mean, stderr })),
      },
    );
    result.population.dispose();
  }
}

/** H2 at bond length R: local-energy training (a coarse and a fine stage), then <E_L> from long MALA chains. */
async function trainH2(R: number, args: Record<string, string>, hidden: number[], backend: string) {
  const potential = h2Molecule(R);
  const [kInit, kTrain, kEval] = Key.fromSeed(Number(args.seed))
    .foldIn(Math.round(1000 * R))
    .split(3);
  const model = h2Ansatz(potential.protons, hidden, kInit);
  const options = {
    walkers: Number(args.walkers),
    iterations: Number(args.iterations),
    tau: Number(args.tau),
    burnIn: 100,
    learningRate: Number(args.lr),
    initial: 1,
    progress: 'lines' as const,
  };
  const coarse = await trainLocalEnergy(kTrain, model, potential, {
    ...options,
    label: `H2, R = ${R}`,
  });
  const fineIterations = Number(args['fine-iterations']);
  const fine =
    fineIterations > 0
      ? await trainLocalEnergy(kTrain.foldIn(1), model, potential, {
          ...options,
          iterations: fineIterations,
          learningRate: Number(args['fine-lr']),
          burnIn: 0,
          initial: coarse.population,
          label: `H2, R = ${R} (fine)`,
        })
      : undefined;
  const population = (fine ?? coarse).population;
  const samples = Number(args.samples);
  const energy = estimateLocalEnergy(kEval, model, potential, population, {
    tau: options.tau,
    burnIn: 50,
    samples,
    thin: 2,
  });
  console.log(
    `H2, R = ${R}: <E_L> = ${energy.mean.toFixed(5)} ± ${energy.stderr.toFixed(5)} (${population.shape[0]} walkers x ${samples} samples, acceptance ${energy.acceptance.toFixed(3)})`,
  );
  saveWeights(
    `${args.out}/h2-R${R}`,
    model.variables.map((v, i) => [`psi/${i}`, v]),
    {
      script: 'scripts/train-fk.ts',
      command: `npm run train:fk -- ${process.argv.slice(2).join(' ')}`.trim(),
      backend,
      system: 'H2',
      R,
      hidden,
      ...options,
      fineIterations,
      fineLearningRate: Number(args['fine-lr']),
      seed: Number(args.seed),
      trainSeconds: coarse.seconds + (fine ? fine.seconds : 0),
      trainingEnergies: [...coarse.energies, ...(fine ? fine.energies : [])].filter(
        (_, i) => i % 10 === 0,
      ),
      energy: {
        mean: energy.mean,
        stderr: energy.stderr,
        walkers: population.shape[0],
        samples,
        thin: 2,
        acceptance: energy.acceptance,
      },
    },
  );
  coarse.population.dispose();
  fine?.population.dispose();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
