// Binarized MNIST for the Helmholtz-machine lecture: a sigmoid belief network trained by wake-sleep,
// RWS or VIMCO, or a VAE / IWAE of the same latent size, with dynamic binarization of the training
// images and the shared fixed binarization of the test images (lib/vae/train-vae.ts). Writes the
// weights and a record (test log p(x) by importance sampling, the command) to --out/<name>/.
// Usage: npm run ts -- scripts/train-helmholtz-mnist.ts --method rws --particles 5 --epochs 10
//   --method      wake-sleep | rws | vimco | nvil | vae (K = --particles: 1 is the VAE, more the IWAE)
//   --sizes       the SBN's layers, e.g. 784,200 or 784,200,200,200 (vae: 784,HIDDEN,LATENT)
//   --test-images the first N test images scored, with --eval-particles particles
//   --curve-every the learning curve: log p(x) of the first 500 test images (K = 100) every N epochs
// The output layer starts at the training set's pixel marginals (lib/helmholtz/init.ts).
import * as fs from 'fs';
import * as path from 'path';
import { initBackend } from '../lib/core/backend';
import { Key } from '../lib/core/random';
import { loadMnist, pixelRange } from '../lib/data';
import { binarizedTestSet } from '../lib/vae/train-vae';
import { saveWeights } from '../lib/nn/weights';
import { MnistModelSpec, binarizedBatches, buildMnistModel, fitLearner, logMarginalByRows, marginalLogits, meanLogMarginal } from '../lib/helmholtz';
import { parseArgs } from './args';

async function main(): Promise<void> {
  const args = parseArgs({
    method: 'rws', particles: '5', sizes: '784,200', epochs: '10', batch: '100', 'learning-rate': '1e-3',
    seed: '1', 'test-images': '1000', 'eval-particles': '1000', 'curve-every': '5', out: 'data/helmholtz-mnist',
  });
  const backend = await initBackend();
  const sizes = args.sizes.split(',').map(Number);
  const particles = Number(args.particles), batch = Number(args.batch);
  const key = Key.fromSeed(Number(args.seed));
  const { train, test } = loadMnist();
  const spec = { method: args.method as MnistModelSpec['method'], sizes, particles };
  const { learner, named } = buildMnistModel(spec, key, marginalLogits(train));
  const stepsPerEpoch = Math.floor(train.n / batch);
  const steps = Number(args.epochs) * stepsPerEpoch;
  const testSet = binarizedTestSet(test);
  const curveImages = pixelRange(testSet, 0, 500);
  const result = await fitLearner(learner, binarizedBatches(train, batch, key.foldIn(3)), key.foldIn(4), {
    steps, learningRate: Number(args['learning-rate']), label: learner.name, progress: 'lines',
    evaluate: { every: Number(args['curve-every']) * stepsPerEpoch, score: (l) => meanLogMarginal(l, Key.fromSeed(6), curveImages, 100) },
  });
  curveImages.dispose();
  const x = pixelRange(testSet, 0, Number(args['test-images']));
  const t0 = Date.now();
  const perImage = logMarginalByRows(learner, Key.fromSeed(5), x, Number(args['eval-particles']));
  const testLogP = perImage.reduce((s, v) => s + v, 0) / perImage.length;
  x.dispose();
  const name = `${args.method}-k${particles}-${sizes.join('-')}-seed${args.seed}`;
  const dir = path.join(args.out, name);
  fs.mkdirSync(dir, { recursive: true });
  const record = {
    learner: learner.name, method: args.method, sizes, particles, epochs: Number(args.epochs), steps, batch,
    learningRate: Number(args['learning-rate']), seconds: result.seconds, backend,
    curve: { images: 500, particles: 100, points: result.curve.map(({ step, value }) => ({ epoch: step / stepsPerEpoch, meanLogP: value })) },
    test: { images: Number(args['test-images']), particles: Number(args['eval-particles']), meanLogP: testLogP, perImage: Array.from(perImage, (v) => Math.round(v * 1000) / 1000), seconds: (Date.now() - t0) / 1000 },
    command: `npm run ts -- scripts/train-helmholtz-mnist.ts ${process.argv.slice(2).join(' ')}`,
  };
  saveWeights(dir, named, record);
  console.log(`[helmholtz-mnist] ${learner.name}: test log p(x) ${testLogP.toFixed(2)} nats (${record.test.images} images, K = ${record.test.particles}) after ${steps} steps, ${result.seconds.toFixed(0)} s; wrote ${dir}`);
  learner.dispose();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
