// Binarized MNIST for the Helmholtz-machine lecture: a sigmoid belief network trained by wake-sleep,
// RWS or VIMCO, or a VAE / IWAE of the same latent size, with dynamic binarization of the training
// images and the shared fixed binarization of the test images (lib/vae/train-vae.ts). Writes the
// weights and a record (test log p(x) by importance sampling, the command) to --out/<name>/.
// Usage: npm run ts -- scripts/train-helmholtz-mnist.ts --method rws --particles 5 --epochs 10
//   --method      wake-sleep | rws | vimco | nvil | vae (K = --particles: 1 is the VAE, more the IWAE)
//   --sizes       the SBN's layers, e.g. 784,200 or 784,200,200,200 (vae: 784,HIDDEN,LATENT)
//   --test-images the first N test images scored, with --eval-particles particles
//   --curve-every the learning curve: log p(x) of the first 500 test images (K = 100) every N epochs
//   --continue    a run's folder (e.g. data/helmholtz-mnist/vae-k5-784-200-200-50-seed1): its model,
//                 weights and record are taken up and trained --epochs more (Adam starts afresh), e.g.
//                 at the next learning rate of Burda et al.'s schedule; written to <name>-<total>-epochs.
//                 The model, batch and seed come from its record: --method, --sizes, --particles,
//                 --batch and --seed are refused with it
// The output layer starts at the training set's pixel marginals (lib/helmholtz/init.ts).
import * as fs from 'fs';
import * as path from 'path';
import { initBackend } from '../lib/core/backend';
import { Key } from '../lib/core/random';
import { loadMnist, pixelRange } from '../lib/data';
import { binarizedTestSet } from '../lib/vae/train-vae';
import { saveWeights } from '../lib/nn/weights';
import { MnistModelSpec, MnistRunRecord, binarizedBatches, buildMnistModel, fitLearner, loadMnistRun, marginalLogits, meanLogMarginal } from '../lib/helmholtz';
import { scoreTestImages } from './helmholtz-scoring';
import { givenArgs, parseArgs } from './args';
import { continuation } from './helmholtz-continue';

async function main(): Promise<void> {
  const args = parseArgs({
    method: 'rws', particles: '5', sizes: '784,200', epochs: '10', batch: '100', 'learning-rate': '1e-3',
    seed: '1', 'test-images': '1000', 'eval-particles': '1000', 'curve-every': '5', out: 'data/helmholtz-mnist', continue: '',
  });
  const backend = await initBackend();
  const earlier = args.continue ? loadMnistRun(args.continue) : undefined;
  const kept = earlier ? continuation(earlier.record, givenArgs(), args.continue) : undefined;
  const spec: MnistModelSpec = kept?.spec ?? { method: args.method as MnistModelSpec['method'], sizes: args.sizes.split(',').map(Number), particles: Number(args.particles) };
  const { sizes, particles } = spec;
  const batch = kept?.batch ?? Number(args.batch);
  const seed = kept?.seed ?? Number(args.seed);
  const key = Key.fromSeed(seed);
  const { train, test } = loadMnist();
  const { learner, named } = earlier ?? buildMnistModel(spec, key, marginalLogits(train));
  // earlier stages, one per run (the first run's record has none: one stage at its rate)
  const stages: { epochs: number; learningRate: number }[] = earlier ? (earlier.record.stages ?? [{ epochs: earlier.record.epochs, learningRate: earlier.record.learningRate }]) : [];
  const epochsBefore = earlier ? earlier.record.epochs : 0;
  const stepsPerEpoch = Math.floor(train.n / batch);
  const steps = Number(args.epochs) * stepsPerEpoch;
  const testSet = binarizedTestSet(test);
  const curveImages = pixelRange(testSet, 0, 500);
  // a continued stage shuffles and samples with keys of its own, so it does not replay the first epochs
  const stageKey = stages.length ? key.foldIn(100 + stages.length) : key;
  const result = await fitLearner(learner, binarizedBatches(train, batch, stageKey.foldIn(3)), stageKey.foldIn(4), {
    steps, learningRate: Number(args['learning-rate']), label: learner.name, progress: 'lines',
    evaluate: { every: Number(args['curve-every']) * stepsPerEpoch, score: (l) => meanLogMarginal(l, Key.fromSeed(6), curveImages, 100) },
  });
  curveImages.dispose();
  const scores = scoreTestImages(learner, testSet, Number(args['test-images']), Number(args['eval-particles']));
  stages.push({ epochs: Number(args.epochs), learningRate: Number(args['learning-rate']) });
  const epochs = epochsBefore + Number(args.epochs);
  const first = `${spec.method}-k${particles}-${sizes.join('-')}-seed${seed}`;
  const name = earlier ? `${first}-${epochs}-epochs` : first;
  const dir = path.join(args.out, name);
  fs.mkdirSync(dir, { recursive: true });
  const points = result.curve.map(({ step, value }) => ({ epoch: epochsBefore + step / stepsPerEpoch, meanLogP: value }));
  const record: MnistRunRecord = {
    learner: learner.name, method: spec.method, sizes, particles, seed, epochs, steps: epochs * stepsPerEpoch, batch,
    learningRate: Number(args['learning-rate']), stages, seconds: (earlier?.record.seconds ?? 0) + result.seconds, backend,
    curve: { images: 500, particles: 100, points: [...(earlier?.record.curve.points ?? []), ...points] },
    test: scores,
    command: `npm run ts -- scripts/train-helmholtz-mnist.ts ${process.argv.slice(2).join(' ')}`,
    ...(earlier ? { continued: { from: args.continue, command: earlier.record.command } } : {}),
  };
  saveWeights(dir, named, record);
  console.log(`[helmholtz-mnist] ${learner.name}: test log p(x) ${scores.meanLogP.toFixed(2)} nats (${record.test.images} images, K = ${record.test.particles}) after ${steps} steps, ${result.seconds.toFixed(0)} s; wrote ${dir}`);
  learner.dispose();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
