// Benchmark: the uncertainty autoencoder's training step of lecture 6 (W [m, 784] at fixed energy,
// Gaussian noise sigma = 0.1, decoder m-500-500-784 with a sigmoid output, squared error, Adam,
// batches of 100), for a learned W at m = 10 and m = 100, tfjs against the same step in PyTorch
// (bench/uae_torch.py), alternating rounds.
// Usage: node dist/bench/uae.js [--steps 50] [--rounds 5] [--warmup 2] [--torch-threads 1,2]
import { initBackend } from '../lib/core/backend';
import * as tf from '../lib/core/tf';
import { Key, uniform } from '../lib/core/random';
import { adam } from '../lib/core/adam';
import { parameterCount } from '../lib/nn';
import { Uae } from '../lib/sensing';
import { parseArgs } from '../scripts/args';
import { printAnatomies } from './anatomy';
import { DEFAULT_TORCH_SETTINGS, ThreadSettings, interleave, referenceNote, stepTableHeader, stepTableRow, timeSteps, torchSettings } from './rounds';
import { saveResults } from './results';

async function main() {
  const args = parseArgs({ steps: '50', rounds: '5', warmup: '2', 'torch-threads': DEFAULT_TORCH_SETTINGS, anatomy: 'false' });
  const steps = Number(args.steps), rounds = Number(args.rounds);
  const backend = await initBackend({ quiet: true });
  // the pixels' values do not change the cost
  const x = uniform(Key.fromSeed(3), [100, 784]) as tf.Tensor2D;
  const models = {
    m10: { model: new Uae({ m: 10 }, Key.fromSeed(1)), label: 'm = 10, learned W, batch 100' },
    m100: { model: new Uae({ m: 100 }, Key.fromSeed(1)), label: 'm = 100, learned W, batch 100' },
  };
  const names = Object.keys(models) as (keyof typeof models)[];
  const optimizers = Object.fromEntries(names.map((m) => [m, adam(1e-3)])) as Record<keyof typeof models, ReturnType<typeof adam>>;
  let step = 0;
  const oneStep = (which: keyof typeof models) => {
    const { model } = models[which];
    const loss = optimizers[which].minimize(() => model.loss(x, Key.fromSeed(4).foldIn(step++)), true, model.variables)!;
    loss.dataSync();
    loss.dispose();
  };
  for (let i = 0; i < 5; i++) names.forEach(oneStep);
  const reference = await ThreadSettings.start('uae_torch.py', ['--steps', String(steps)], torchSettings(args['torch-threads']));
  const result = await interleave(rounds, () => timeSteps(names, () => steps, oneStep), reference, (r, mine) => console.error(`round ${r + 1}/${rounds}: ${names.map((m) => `${m} ${(1000 * mine[m]).toFixed(2)} ms`).join(', ')}`), Number(args.warmup));
  console.log(`\nUncertainty autoencoder (lecture 6): training steps (Adam on W and the decoder)\n`);
  console.log(stepTableHeader(50, backend));
  for (const which of names) {
    const label = `${models[which].label} (${(parameterCount(models[which].model.variables) / 1000).toFixed(1)}k)`;
    console.log(stepTableRow(label, 50, result[which]));
  }
  console.log(`(medians of ${rounds} alternating rounds of ${steps} steps after ${args.warmup} untimed rounds on both sides; ratio = PyTorch seconds / tfjs seconds per step; ${referenceNote(args['torch-threads'])})`);
  saveResults({ bench: 'uae', title: 'one training step of the uncertainty autoencoder (lecture 6): Adam on W and the decoder, batches of 100', backend, rounds, settings: args['torch-threads'], rows: names.map((m) => ({ model: `${models[m].label} (${(parameterCount(models[m].model.variables) / 1000).toFixed(1)}k)`, unit: 'ms' as const, compared: result[m] })) }, reference);
  if (args.anatomy === 'true') await printAnatomies(names, (m) => models[m].label, oneStep, steps);
  names.forEach((m) => models[m].model.dispose());
  Object.values(optimizers).forEach((o) => o.dispose());
  x.dispose();
}

main().catch((e) => { console.error(e); process.exit(1); });
