// Benchmark: the training steps of the sequence lecture, tfjs against the same models in PyTorch
// (bench/sequence_torch.py), alternating rounds: on the state-space data (batches of 32 sequences of
// 10 steps, 10 dimensions, 2 latents, GRU width 32) predictive coding, the VRNN and the smoother; on
// the phonemes (32 sequences of 20 steps, 6 dimensions, 4 latents) predictive coding with the
// practice error at weight 1, and the delta VAE with alpha 0.9; on MNIST rows (64 digits of 28 rows
// of 28 pixels, freshly binarized in each step, 16 latents, width 128, Bernoulli emission) the three
// designs again. One step: the negative ELBO per time step (plus the practice error), its gradient,
// Adam.
// Usage: node dist/bench/sequence.js [--steps 20] [--rounds 5] [--warmup 2] [--torch-threads 1,2]
import { initBackend } from '../lib/core/backend';
import * as tf from '../lib/core/tf';
import { Key, normal, uniform } from '../lib/core/random';
import { binarizeDynamic } from '../lib/data/batches';
import { adam } from '../lib/core/adam';
import { parameterCount } from '../lib/nn';
import { SequenceLatentModel, buildDesign, sequenceLoss } from '../lib/sequence';
import { parseArgs } from '../scripts/args';
import { printAnatomies } from './anatomy';
import { DEFAULT_TORCH_SETTINGS, ThreadSettings, interleave, referenceNote, stepTableHeader, stepTableRow, timeSteps, torchSettings } from './rounds';
import { saveResults } from './results';

async function main() {
  const args = parseArgs({ steps: '20', rounds: '5', warmup: '2', 'torch-threads': DEFAULT_TORCH_SETTINGS, anatomy: 'false' });
  const steps = Number(args.steps), rounds = Number(args.rounds);
  const backend = await initBackend({ quiet: true });
  // the data's content does not change the cost
  const stateSpace = normal(Key.fromSeed(1), [32, 10, 10]) as tf.Tensor3D;
  const phonemes = normal(Key.fromSeed(2), [32, 20, 6]) as tf.Tensor3D;
  const digits = uniform(Key.fromSeed(5), [64, 28, 28]) as tf.Tensor3D;
  const shape = { width: 32, hidden: [32], likelihood: 'gaussian' as const };
  const rows = { data: 28, latent: 16, width: 128, hidden: [128], likelihood: 'bernoulli' as const };
  const small = { data: 10, latent: 2, ...shape };
  const speech = { data: 6, latent: 4, ...shape };
  const models: Record<string, { model: SequenceLatentModel; x: tf.Tensor3D; practice: number; label: string; binarize?: boolean }> = {
    'predictive-coding': { model: buildDesign({ design: 'predictive coding', ...small }, Key.fromSeed(3)), x: stateSpace, practice: 0, label: 'predictive coding, state space' },
    vrnn: { model: buildDesign({ design: 'VRNN', ...small }, Key.fromSeed(3)), x: stateSpace, practice: 0, label: 'VRNN, state space' },
    smoother: { model: buildDesign({ design: 'smoother', ...small }, Key.fromSeed(3)), x: stateSpace, practice: 0, label: 'smoother, state space' },
    practice: { model: buildDesign({ design: 'predictive coding', ...speech }, Key.fromSeed(3)), x: phonemes, practice: 1, label: 'pred. coding + practice, phonemes' },
    delta: { model: buildDesign({ design: 'delta VAE', alpha: 0.9, ...speech }, Key.fromSeed(3)), x: phonemes, practice: 0, label: 'delta VAE (alpha 0.9), phonemes' },
    'predictive-coding-mnist': { model: buildDesign({ design: 'predictive coding', ...rows }, Key.fromSeed(3)), x: digits, practice: 0, label: 'predictive coding, MNIST rows', binarize: true },
    'vrnn-mnist': { model: buildDesign({ design: 'VRNN', ...rows }, Key.fromSeed(3)), x: digits, practice: 0, label: 'VRNN, MNIST rows', binarize: true },
    'smoother-mnist': { model: buildDesign({ design: 'smoother', ...rows }, Key.fromSeed(3)), x: digits, practice: 0, label: 'smoother, MNIST rows', binarize: true },
  };
  const names = Object.keys(models);
  const optimizers = Object.fromEntries(names.map((m) => [m, adam(3e-3)]));
  let step = 0;
  const oneStep = (which: string) => {
    const { model, x, practice, binarize } = models[which];
    const k = Key.fromSeed(4).foldIn(step++);
    const loss = optimizers[which].minimize(() => {
      const batch = binarize ? binarizeDynamic(k.foldIn(1), x) as tf.Tensor3D : x;
      return sequenceLoss(model, batch, k, 1, practice);
    }, true, model.variables)!;
    loss.dataSync(); // wait for the step, as PyTorch's loss.item() does
    loss.dispose();
  };
  for (let i = 0; i < 5; i++) names.forEach(oneStep);
  const reference = await ThreadSettings.start('sequence_torch.py', ['--steps', String(steps)], torchSettings(args['torch-threads']));
  const result = await interleave(rounds, () => timeSteps(names, () => steps, oneStep), reference, (r, mine) => console.error(`round ${r + 1}/${rounds}: ${names.map((m) => `${m} ${(1000 * mine[m]).toFixed(2)} ms`).join(', ')}`), Number(args.warmup));
  console.log(`\nSequence lecture: training steps (negative ELBO per step, Adam, batches of 32; of 64 on MNIST rows)\n`);
  console.log(stepTableHeader(44, backend));
  for (const which of names) {
    console.log(stepTableRow(`${models[which].label} (${(parameterCount(models[which].model.variables) / 1000).toFixed(1)}k)`, 44, result[which]));
  }
  console.log(`(medians of ${rounds} alternating rounds of ${steps} steps after ${args.warmup} untimed rounds on both sides; ratio = PyTorch seconds / tfjs seconds per step; ${referenceNote(args['torch-threads'])})`);
  saveResults({ bench: 'sequence', title: 'one training step of the sequence lecture: the negative ELBO per time step, Adam, batches of 32 (64 on MNIST rows)', backend, rounds, settings: args['torch-threads'], rows: names.map((m) => ({ model: `${models[m].label} (${(parameterCount(models[m].model.variables) / 1000).toFixed(1)}k)`, unit: 'ms' as const, compared: result[m] })) }, reference);
  if (args.anatomy === 'true') await printAnatomies(names, (m) => models[m].label, oneStep, steps);
  names.forEach((m) => models[m].model.dispose());
  Object.values(optimizers).forEach((o) => o.dispose());
  tf.dispose([stateSpace, phonemes, digits]);
}

main().catch((e) => { console.error(e); process.exit(1); });
