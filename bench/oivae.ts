// Benchmark: the training steps of the oi-VAE lecture, Adam followed by the group lasso's proximal step,
// tfjs against the same steps in PyTorch (bench/oivae_torch.py), alternating rounds: the bars model
// (8×8 images in 8 row groups, 8 latents, Gaussian pixels, batches of 64) and the MNIST model (784
// binary pixels in 4 quadrant groups, 16 latents, batches of 100).
// Usage: node dist/bench/oivae.js [--steps 50] [--rounds 5] [--warmup 2] [--torch-threads 1,2]
import { initBackend } from '../lib/core/backend';
import * as tf from '../lib/core/tf';
import { Key, uniform } from '../lib/core/random';
import { adam } from '../lib/core/adam';
import { parameterCount } from '../lib/nn';
import { OiVae, applyGroupLassoProx, barsImages, barsModel, mnistQuadrantModel } from '../lib/oivae';
import { parseArgs } from '../scripts/args';
import { printAnatomies } from './anatomy';
import { DEFAULT_TORCH_SETTINGS, ThreadSettings, interleave, referenceNote, stepTableHeader, stepTableRow, timeSteps, torchSettings } from './rounds';
import { saveResults } from './results';

async function main() {
  const args = parseArgs({ steps: '50', rounds: '5', warmup: '2', 'torch-threads': DEFAULT_TORCH_SETTINGS, anatomy: 'false' });
  const steps = Number(args.steps), rounds = Number(args.rounds);
  const backend = await initBackend({ quiet: true });
  // the data's content does not change the cost
  const bars = barsImages(Key.fromSeed(2), 64).x;
  const digits = tf.tidy(() => tf.cast(tf.less(uniform(Key.fromSeed(3), [100, 784]), 0.2), 'float32')) as tf.Tensor2D;
  const models = {
    bars: { model: new OiVae(barsModel(8), Key.fromSeed(1)), x: bars, label: 'bars: 8 rows, 8 latents, batch 64' },
    mnist: { model: new OiVae(mnistQuadrantModel(16), Key.fromSeed(1)), x: digits, label: 'MNIST: 4 quadrants, 16 latents, batch 100' },
  };
  const names = Object.keys(models) as (keyof typeof models)[];
  const optimizers = Object.fromEntries(names.map((m) => [m, adam(1e-3)])) as Record<keyof typeof models, ReturnType<typeof adam>>;
  const oneStep = (which: keyof typeof models) => {
    const { model, x } = models[which];
    const loss = optimizers[which].minimize(() => tf.neg(tf.mean(model.elbo(x, Key.fromSeed(4)).elbo)) as tf.Scalar, true, model.variables)!;
    applyGroupLassoProx(model.groupWeights, 1e-3 * 0.5);
    loss.dataSync();
    loss.dispose();
  };
  for (let i = 0; i < 5; i++) names.forEach(oneStep);
  const reference = await ThreadSettings.start('oivae_torch.py', ['--steps', String(steps)], torchSettings(args['torch-threads']));
  const result = await interleave(rounds, () => timeSteps(names, () => steps, oneStep), reference, (r, mine) => console.error(`round ${r + 1}/${rounds}: ${names.map((m) => `${m} ${(1000 * mine[m]).toFixed(2)} ms`).join(', ')}`), Number(args.warmup));
  console.log(`\noi-VAE lecture: training steps (Adam, then the group lasso's proximal step on every W^(g))\n`);
  console.log(stepTableHeader(50, backend));
  for (const which of names) {
    const label = `${models[which].label} (${(parameterCount(models[which].model.variables) / 1000).toFixed(1)}k)`;
    console.log(stepTableRow(label, 50, result[which]));
  }
  console.log(`(medians of ${rounds} alternating rounds of ${steps} steps after ${args.warmup} untimed rounds on both sides; ratio = PyTorch seconds / tfjs seconds per step; ${referenceNote(args['torch-threads'])})`);
  saveResults({ bench: 'oivae', title: 'one training step of the oi-VAE lecture: Adam, then the group lasso\'s proximal step on every W^(g)', backend, rounds, settings: args['torch-threads'], rows: names.map((m) => ({ model: `${models[m].label} (${(parameterCount(models[m].model.variables) / 1000).toFixed(1)}k)`, unit: 'ms' as const, compared: result[m] })) }, reference);
  if (args.anatomy === 'true') await printAnatomies(names, (m) => models[m].label, oneStep, steps);
  names.forEach((m) => models[m].model.dispose());
  Object.values(optimizers).forEach((o) => o.dispose());
  tf.dispose([bars, digits]);
}

main().catch((e) => { console.error(e); process.exit(1); });
