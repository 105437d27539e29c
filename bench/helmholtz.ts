// Benchmark: the training steps of lecture 2 on bars (batches of 100 binary 5×5 images, Adam):
// the sigmoid belief network 25-10 by reweighted wake-sleep with 5 particles, and the Gaussian-latent
// VAE 25-64-10 on the 5-particle importance-weighted bound (IWAE), tfjs against the same steps in
// PyTorch (bench/helmholtz_torch.py), in alternating rounds of one run.
// Usage: node dist/bench/helmholtz.js [--steps 300] [--rounds 5] [--warmup 2] [--torch-threads 1,2]
import { initBackend } from '../lib/core/backend';
import * as tf from '../lib/core/tf';
import { Key } from '../lib/core/random';
import { adam } from '../lib/core/adam';
import { BARS_SBN_SIZES, BARS_VAE_CONFIG, Learner, SigmoidBeliefNet, barsImages, helmholtzLearner, tensorBatches, vaeLearner } from '../lib/helmholtz';
import { Vae } from '../lib/vae/vae';
import { parseArgs } from '../scripts/args';
import { ThreadSettings, formatRatio, formatReference, interleave, threadCounts } from './rounds';

async function main() {
  const args = parseArgs({ steps: '300', rounds: '5', warmup: '2', 'torch-threads': '1,2' });
  const steps = Number(args.steps);
  const rounds = Number(args.rounds);
  const backend = await initBackend({ quiet: true });
  const data = barsImages(Key.fromSeed(1), 10000);
  const batches = tensorBatches(data, 100, Key.fromSeed(2));
  const learners: Record<string, Learner> = {
    sbn: helmholtzLearner(new SigmoidBeliefNet(BARS_SBN_SIZES, Key.fromSeed(3)), 'rws', Key.fromSeed(4), { particles: 5 }),
    iwae: vaeLearner(new Vae(BARS_VAE_CONFIG, Key.fromSeed(5)), 5),
  };
  const optimizers = { sbn: adam(0.03), iwae: adam(0.01) };
  let step = 0;
  const oneStep = (which: 'sbn' | 'iwae') => {
    const x = batches(Key.fromSeed(6), step);
    const loss = optimizers[which].minimize(() => learners[which].loss(Key.fromSeed(7).foldIn(step), x), true, learners[which].variables)!;
    loss.dataSync(); // wait for the step, as PyTorch's loss.item() does
    tf.dispose([x, loss]);
    step++;
  };
  for (let i = 0; i < 20; i++) (['sbn', 'iwae'] as const).forEach(oneStep);
  const reference = await ThreadSettings.start('helmholtz_torch.py', ['--steps', String(steps)], threadCounts(args['torch-threads']));
  const result = await interleave(rounds, () => {
    const timed: Record<string, number> = {};
    for (const which of ['sbn', 'iwae'] as const) {
      const t0 = performance.now();
      for (let i = 0; i < steps; i++) oneStep(which);
      timed[which] = (performance.now() - t0) / 1000 / steps;
    }
    return timed;
  }, reference, (r, mine) => console.error(`round ${r + 1}/${rounds}: sbn ${(1000 * mine.sbn).toFixed(2)} ms, iwae ${(1000 * mine.iwae).toFixed(2)} ms`), Number(args.warmup));
  Object.values(learners).forEach((l) => l.dispose());
  Object.values(optimizers).forEach((o) => o.dispose());
  data.dispose();
  console.log(`\nHelmholtz-machine training steps on bars (batch 100, Adam)\n`);
  console.log(`${'model'.padEnd(34)}${`tfjs ${backend} ms`.padStart(16)}${'PyTorch, fastest setting'.padStart(38)}${'tfjs steps/s'.padStart(16)}${'ratio (range)'.padStart(22)}`);
  const label = { sbn: 'SBN 25-10, RWS K=5', iwae: 'VAE 25-64-10, IWAE K=5' };
  for (const which of ['sbn', 'iwae'] as const) {
    const r = result[which];
    console.log(`${label[which].padEnd(34)}${(1000 * r.ours).toFixed(2).padStart(16)}${formatReference(r).padStart(38)}${(1 / r.ours).toFixed(0).padStart(16)}${formatRatio(r).padStart(22)}`);
  }
  console.log(`(medians of ${rounds} alternating rounds of ${steps} steps after ${args.warmup} untimed rounds on both sides; ratio = PyTorch seconds / tfjs seconds per step: 1 means as fast as PyTorch; PyTorch at its fastest of ${args['torch-threads']} threads)`);
}

main().catch((e) => { console.error(e); process.exit(1); });
