// Benchmark: the engine's autodiff pieces (lib/engine/light-saves.ts, lean-gradients.ts, backprop.ts)
// against tfjs's own, in one process on the same models: kernels per training step and CPU time per
// step, alternating the two many times so that a busy machine loads both alike. Models: the two
// bosons' Feynman-Kac iteration, the predictive-coding sequence model with practice (phonemes), the
// state-space VRNN, and lecture 2's bars IWAE.
// Usage: node dist/bench/autodiff.js [--rounds 30] [--steps 4] (the VRNN runs 4 times the steps, the bars IWAE 30 times)
import { initBackend } from '../lib/core/backend';
import * as tf from '../lib/core/tf';
import { Key, normal } from '../lib/core/random';
import { adam } from '../lib/core/adam';
import { bosonJastrow, trainDrift, trappedBosons } from '../lib/fk';
import { buildDesign, sequenceLoss } from '../lib/sequence';
import { BARS_VAE_CONFIG, barsImages, tensorBatches, vaeLearner } from '../lib/helmholtz';
import { Vae } from '../lib/vae/vae';
import { installLightSaves, uninstallLightSaves } from '../lib/engine/light-saves';
import { installLeanGradients, uninstallLeanGradients } from '../lib/engine/lean-gradients';
import { installBackprop, uninstallBackprop } from '../lib/engine/backprop';
import { engineOn } from '../lib/engine/switch';
import { timeKernels, KernelProfile } from '../scripts/kernel-profile';
import { parseArgs } from '../scripts/args';

function useEngineAutodiff(on: boolean): void {
  if (on) {
    installLightSaves(); installLeanGradients(); installBackprop();
  } else {
    uninstallLightSaves(); uninstallLeanGradients(); uninstallBackprop();
  }
}

/** CPU milliseconds per step of `steps` steps (user and system time of this process). */
async function cpuPerStep(step: () => Promise<void> | void, steps: number): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < steps; i++) await step();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / steps;
}

async function kernelsPerStep(step: () => Promise<void> | void, steps: number): Promise<number> {
  const profile: KernelProfile = { wall: 0, kernels: {} };
  const untime = timeKernels(profile);
  try {
    for (let i = 0; i < steps; i++) await step();
  } finally {
    untime();
  }
  return Object.values(profile.kernels).reduce((s, k) => s + k.calls, 0) / steps;
}

async function main() {
  const args = parseArgs({ rounds: '30', steps: '4' });
  const rounds = Number(args.rounds), steps = Number(args.steps);
  await initBackend({ quiet: true });
  if (!engineOn()) throw new Error('this bench compares the engine\'s autodiff with tfjs\'s: run it with the engine on (not VI_ENGINE=stock)');
  let k = 0;
  const bosons = bosonJastrow(2, 2, [32, 32], Key.fromSeed(0));
  const trap = trappedBosons({ particles: 2, g: 6, s: 0.5 });
  const fkOptions = { dt: 0.01, steps: 10, walkers: 512, progress: 'off' as const };
  let population = (await trainDrift(Key.fromSeed(1), bosons, trap, { ...fkOptions, iterations: 5 })).population;
  const phonemes = normal(Key.fromSeed(2), [32, 20, 6]) as tf.Tensor3D;
  const states = normal(Key.fromSeed(1), [32, 10, 10]) as tf.Tensor3D;
  const shape = { width: 32, hidden: [32], likelihood: 'gaussian' as const };
  const practice = buildDesign({ design: 'predictive coding', data: 6, latent: 4, ...shape }, Key.fromSeed(3));
  const vrnn = buildDesign({ design: 'VRNN', data: 10, latent: 2, ...shape }, Key.fromSeed(3));
  const bars = barsImages(Key.fromSeed(1), 10000);
  const batches = tensorBatches(bars, 100, Key.fromSeed(2));
  const iwae = vaeLearner(new Vae(BARS_VAE_CONFIG, Key.fromSeed(5)), 5);
  const optimizers = [adam(3e-3), adam(3e-3), adam(0.01)];
  const minimize = (i: number, loss: () => tf.Scalar, variables: tf.Variable[]) => {
    const value = optimizers[i].minimize(loss, true, variables)!;
    value.dataSync(); // wait for the step
    value.dispose();
  };
  const models: [string, () => Promise<void> | void, number][] = [
    ['two bosons, one Feynman-Kac iteration (10 steps, 512 walkers)', async () => {
      const r = await trainDrift(Key.fromSeed(2).foldIn(k++), bosons, trap, { ...fkOptions, iterations: 1, initial: population });
      population.dispose();
      population = r.population;
    }, 1],
    ['predictive coding + practice, phonemes', () => minimize(0, () => sequenceLoss(practice, phonemes, Key.fromSeed(4).foldIn(k++), 1, 1), practice.variables), 1],
    ['VRNN, state space', () => minimize(1, () => sequenceLoss(vrnn, states, Key.fromSeed(4).foldIn(k++), 1, 0), vrnn.variables), 4],
    ['bars VAE 25-64-10, IWAE K = 5', () => {
      const x = batches(Key.fromSeed(6), k);
      minimize(2, () => iwae.loss(Key.fromSeed(7).foldIn(k++), x), iwae.variables);
      x.dispose();
    }, 30],
  ];
  const kernels: number[][] = [];
  const cpu = models.map(() => [0, 0]);
  try {
    for (const on of [false, true]) {
      useEngineAutodiff(on);
      for (const [i, [, step]] of models.entries()) {
        await cpuPerStep(step, 5); // warm up this path
        (kernels[i] ??= [])[on ? 1 : 0] = await kernelsPerStep(step, 3);
      }
    }
    for (let r = 0; r < rounds; r++) {
      for (const on of r % 2 === 0 ? [false, true] : [true, false]) {
        useEngineAutodiff(on);
        for (const [i, [, step, times]] of models.entries()) cpu[i][on ? 1 : 0] += await cpuPerStep(step, steps * times) / rounds;
      }
      process.stderr.write(`round ${r + 1}/${rounds}\r`);
    }
  } finally {
    useEngineAutodiff(true);
  }
  console.log(`\nOne training step, tfjs's autodiff against the engine's (saves, gradients, backward pass), ${rounds} alternating rounds\n`);
  console.log(`${'model'.padEnd(64)}${'kernels: tfjs'.padStart(14)}${'engine'.padStart(8)}${'CPU ms: tfjs'.padStart(14)}${'engine'.padStart(8)}${'ratio'.padStart(8)}`);
  models.forEach(([name], i) => {
    console.log(`${name.padEnd(64)}${kernels[i][0].toFixed(0).padStart(14)}${kernels[i][1].toFixed(0).padStart(8)}${cpu[i][0].toFixed(2).padStart(14)}${cpu[i][1].toFixed(2).padStart(8)}${(cpu[i][1] / cpu[i][0]).toFixed(2).padStart(8)}`);
  });
  console.log('(ratio = the engine\'s CPU time per step / tfjs\'s: below 1 the engine\'s autodiff is cheaper)');
  tf.dispose([population, phonemes, states, bars]);
  iwae.dispose();
  optimizers.forEach((o) => o.dispose());
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
