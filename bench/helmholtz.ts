// Benchmark: the training steps of lecture 2 on bars (batches of 100 binary 5×5 images, Adam):
// the sigmoid belief network 25-10 by reweighted wake-sleep with 5 particles, and the Gaussian-latent
// VAE 25-64-10 on the 5-particle importance-weighted bound (IWAE), tfjs against the same steps in
// PyTorch (bench/helmholtz_torch.py), in alternating rounds of one run; and the same two methods at
// the size of the MNIST comparison (SBN 784-200-200-200, VAE 784-200-200-50, learning rate 1e-3) on
// binary 784-pixel batches.
// Usage: node dist/bench/helmholtz.js [--steps 300] [--mnist-steps 30] [--rounds 5] [--warmup 2] [--torch-threads 1,2]
import { initBackend } from '../lib/core/backend';
import * as tf from '../lib/core/tf';
import { Key, uniform } from '../lib/core/random';
import { adam } from '../lib/core/adam';
import { BARS_SBN_SIZES, BARS_VAE_CONFIG, SigmoidBeliefNet, barsImages, helmholtzLearner, tensorBatches, vaeLearner } from '../lib/helmholtz';
import { Vae } from '../lib/vae/vae';
import { parseArgs } from '../scripts/args';
import { printAnatomies } from './anatomy';
import { DEFAULT_TORCH_SETTINGS, ThreadSettings, interleave, referenceNote, stepTableHeader, stepTableRow, timeSteps, torchSettings } from './rounds';
import { saveResults } from './results';

async function main() {
  const args = parseArgs({ steps: '300', 'mnist-steps': '30', rounds: '5', warmup: '2', 'torch-threads': DEFAULT_TORCH_SETTINGS, anatomy: 'false' });
  const steps = Number(args.steps), mnistSteps = Number(args['mnist-steps']);
  const rounds = Number(args.rounds);
  const backend = await initBackend({ quiet: true });
  const data = barsImages(Key.fromSeed(1), 10000);
  // binary pixels on with probability 0.13, about MNIST's share of ink
  const pixels = tf.tidy(() => tf.cast(tf.less(uniform(Key.fromSeed(8), [10000, 784]), 0.13), 'float32')) as tf.Tensor2D;
  const batches = { bars: tensorBatches(data, 100, Key.fromSeed(2)), mnist: tensorBatches(pixels, 100, Key.fromSeed(2)) };
  const learners = {
    sbn: helmholtzLearner(new SigmoidBeliefNet(BARS_SBN_SIZES, Key.fromSeed(3)), 'rws', Key.fromSeed(4), { particles: 5 }),
    iwae: vaeLearner(new Vae(BARS_VAE_CONFIG, Key.fromSeed(5)), 5),
    sbn_mnist: helmholtzLearner(new SigmoidBeliefNet([784, 200, 200, 200], Key.fromSeed(3)), 'rws', Key.fromSeed(4), { particles: 5 }),
    iwae_mnist: vaeLearner(new Vae({ dataDim: 784, hidden: [200, 200], latentDim: 50, activation: 'tanh' }, Key.fromSeed(5)), 5),
  };
  type Which = keyof typeof learners;
  const MODELS: Which[] = ['sbn', 'iwae', 'sbn_mnist', 'iwae_mnist'];
  const optimizers = { sbn: adam(0.03), iwae: adam(0.01), sbn_mnist: adam(1e-3), iwae_mnist: adam(1e-3) };
  const stepsOf = (which: Which) => (which.endsWith('mnist') ? mnistSteps : steps);
  let step = 0;
  const oneStep = (which: Which) => {
    const x = batches[which.endsWith('mnist') ? 'mnist' : 'bars'](Key.fromSeed(6), step);
    const loss = optimizers[which].minimize(() => learners[which].loss(Key.fromSeed(7).foldIn(step), x), true, learners[which].variables)!;
    loss.dataSync(); // wait for the step, as PyTorch's loss.item() does
    tf.dispose([x, loss]);
    step++;
  };
  for (let i = 0; i < 20; i++) MODELS.forEach(oneStep);
  const reference = await ThreadSettings.start('helmholtz_torch.py', ['--steps', String(steps), '--mnist-steps', String(mnistSteps)], torchSettings(args['torch-threads']));
  const result = await interleave(rounds, () => timeSteps(MODELS, stepsOf, oneStep), reference, (r, mine) => console.error(`round ${r + 1}/${rounds}: ${MODELS.map((m) => `${m} ${(1000 * mine[m]).toFixed(2)} ms`).join(', ')}`), Number(args.warmup));
  const label = { sbn: 'SBN 25-10, RWS K=5', iwae: 'VAE 25-64-10, IWAE K=5', sbn_mnist: 'SBN 784-200-200-200, RWS K=5', iwae_mnist: 'VAE 784-200-200-50, IWAE K=5' };
  console.log(`\nHelmholtz-machine training steps (batch 100, Adam): bars, and the MNIST sizes\n`);
  console.log(stepTableHeader(34, backend));
  for (const which of MODELS) {
    console.log(stepTableRow(label[which], 34, result[which]));
  }
  console.log(`(medians of ${rounds} alternating rounds of ${steps} steps (MNIST sizes: ${mnistSteps}) after ${args.warmup} untimed rounds on both sides; ratio = PyTorch seconds / tfjs seconds per step: 1 means as fast as PyTorch; ${referenceNote(args['torch-threads'])})`);
  saveResults({ bench: 'helmholtz', title: 'one training step of lecture 2 (batch 100, Adam): on bars the SBN 25-10 by RWS and the VAE 25-64-10 on the IWAE bound, both K = 5; the same two at the MNIST sizes', backend, rounds, settings: args['torch-threads'], rows: MODELS.map((m) => ({ model: label[m], unit: 'ms' as const, compared: result[m] })) }, reference);
  if (args.anatomy === 'true') await printAnatomies(MODELS, (m) => label[m], oneStep, mnistSteps);
  Object.values(learners).forEach((l) => l.dispose());
  Object.values(optimizers).forEach((o) => o.dispose());
  tf.dispose([data, pixels]);
}

main().catch((e) => { console.error(e); process.exit(1); });
