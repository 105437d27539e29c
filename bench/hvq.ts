// Benchmark: the training steps of the hierarchical VQ-VAE lecture, each through the loop the lecture
// trains with (batches drawn and binarized, Adam, EMA codebook updates), tfjs against the same models
// in PyTorch (bench/hvq_torch.py), alternating rounds: the two-level and one-level VQ-VAEs (batch 128),
// the bottom prior (32 images of 7x7 codes), the top prior (a causal Transformer over 4 codes, 128
// rows) and the VAE-GAN step (lecture 1's VAE and the discriminator, batch 128).
// Usage: node dist/bench/hvq.js [--steps 30] [--rounds 5] [--warmup 2] [--torch-threads 1,2]
import { initBackend } from '../lib/core/backend';
import { Key } from '../lib/core/random';
import { head, loadMnist } from '../lib/data';
import { parameterCount } from '../lib/nn';
import { Discriminator, Vae, trainVaeGan } from '../lib/vae';
import { HierarchicalVqVae, ONE_LEVEL, TWO_LEVELS, buildPriors, encodeSet, trainQuantized } from '../lib/vq';
import { parseArgs } from '../scripts/args';
import { DEFAULT_TORCH_SETTINGS, Seconds, ThreadSettings, interleave, referenceNote, stepTableHeader, stepTableRow, torchSettings } from './rounds';
import { saveResults } from './results';

async function main() {
  const args = parseArgs({ steps: '30', rounds: '5', warmup: '2', 'torch-threads': DEFAULT_TORCH_SETTINGS });
  const steps = Number(args.steps), rounds = Number(args.rounds);
  const backend = await initBackend({ quiet: true });
  const train = head(loadMnist().train, 5000);
  const key = Key.fromSeed(1);
  const two = new HierarchicalVqVae(TWO_LEVELS, key);
  const one = new HierarchicalVqVae(ONE_LEVEL, key);
  const { bottomPrior, topPrior } = buildPriors(two, key.foldIn(1));
  const codes = encodeSet(two, train);
  const vae = new Vae({}, key.foldIn(2));
  const disc = new Discriminator(784, [256, 256], key.foldIn(3));
  const quiet = { progress: 'off' as const };
  const runs = {
    two: { label: 'VQ-VAE, two levels, batch 128', weights: two.variables, run: (k: Key) => trainQuantized(two, train, k, { steps, batchSize: 128, ...quiet }) },
    one: { label: 'VQ-VAE, one level, batch 128', weights: one.variables, run: (k: Key) => trainQuantized(one, train, k, { steps, batchSize: 128, ...quiet }) },
    bottom: { label: 'bottom prior, 32 images', weights: bottomPrior.variables, run: (k: Key) => bottomPrior.fit(codes.bottom, k, { steps, batchSize: 32, learningRate: 1e-3, ...quiet }, codes.top) },
    top: { label: 'top prior (Transformer), 128 rows', weights: topPrior!.variables, run: (k: Key) => topPrior!.fit(codes.top, k, { steps, batchSize: 128, learningRate: 1e-3, ...quiet }) },
    gan: { label: 'VAE-GAN (VAE + discriminator), batch 128', weights: [...vae.variables, ...disc.variables], run: (k: Key) => trainVaeGan(vae, disc, train, k, { steps, adversarialWeight: 50, ...quiet }) },
  };
  const names = Object.keys(runs) as (keyof typeof runs)[];
  let call = 0;
  const ours = async (): Promise<Seconds> => {
    const timed: Seconds = {};
    for (const name of names) {
      const t0 = performance.now();
      await runs[name].run(key.foldIn(100 + call++));
      timed[name] = (performance.now() - t0) / 1000 / steps;
    }
    return timed;
  };
  await ours();
  const reference = await ThreadSettings.start('hvq_torch.py', ['--steps', String(steps)], torchSettings(args['torch-threads']));
  const result = await interleave(rounds, ours, reference, (r, mine) => console.error(`round ${r + 1}/${rounds}: ${names.map((m) => `${m} ${(1000 * mine[m]).toFixed(2)} ms`).join(', ')}`), Number(args.warmup));
  console.log(`\nHierarchical VQ-VAE and VAE-GAN (lecture 5, part 2): training steps\n`);
  console.log(stepTableHeader(56, backend));
  for (const name of names) console.log(stepTableRow(`${runs[name].label} (${(parameterCount(runs[name].weights) / 1000).toFixed(0)}k)`, 56, result[name]));
  console.log(`(medians of ${rounds} alternating rounds of ${steps} steps after ${args.warmup} untimed rounds on both sides; ratio = PyTorch seconds / tfjs seconds per step; ${referenceNote(args['torch-threads'])})`);
  saveResults({ bench: 'hvq', title: 'one training step of the hierarchical VQ-VAE lecture through its training loop (batches drawn and binarized, Adam, EMA codebook updates)', backend, rounds, settings: args['torch-threads'], rows: names.map((m) => ({ model: `${runs[m].label} (${(parameterCount(runs[m].weights) / 1000).toFixed(0)}k)`, unit: 'ms' as const, compared: result[m] })) }, reference);
  for (const m of [two, one, bottomPrior, topPrior!, vae, disc]) m.dispose();
}

main().catch((e) => { console.error(e); process.exit(1); });
