// Trains the hierarchical VQ-VAE lecture's models longer than the notebook can and writes each one
// with its record (command, settings, loss curve, test figures) to data/hvq/<run>/.
//   vq:      a one- or two-level VQ-VAE (ONE_LEVEL, TWO_LEVELS) on MNIST or Fashion-MNIST, then its
//            priors over codes fitted to the training set's codes; on the 10,000 test images: the
//            normalised reconstruction error, the codes each level uses, and the bound
//            -log p(x|z) - log p(z_top) - log p(z_bottom|z_top) on the binarized test set;
//            with --inputs grey, trained on the grey images as the Keras example is (no priors, no bound);
//            runs with --inputs grey or --decoder-hidden get their own folder (…-grey, …-decoder-1024);
//   vae-gan: lecture 1's shipped VAE trained on with a discriminator (weight --weight; 0 is the plain
//            VAE trained on the same way), its test ELBO and the sharpness of its samples.
// Usage: npm run train:hvq -- --experiment vq --dataset mnist --levels 2 [--steps 14000] [--prior-steps 6000] [--inputs grey]
//          [--decoder-hidden 1024] [--out DIR]
//        npm run train:hvq -- --experiment vae-gan --weight 50 [--steps 5000]
import * as fs from 'fs';
import * as path from 'path';
import { initBackend } from '../lib/core/backend';
import * as tf from '../lib/core/tf';
import { Key } from '../lib/core/random';
import { meanAndStderr } from '../lib/core/stats';
import { ImageDataset, loadImages, pixelRange } from '../lib/data';
import { Discriminator, binarizedTestSet, evaluateElbo, laplacianEnergy, priorMeans, trainVaeGan, Vae } from '../lib/vae';
import {
  HierarchicalVqVae, ONE_LEVEL, TWO_LEVELS, buildPriors, codeCounts, deadCodes, encodeSet, hierarchicalBound, normalizedError,
  perplexity, pixelVariance, saveHvqModel, saveHvqRun, trainQuantized, VqHistory,
} from '../lib/vq';
import { parseArgs } from './args';

function usage(codes: Int32Array, k: number) {
  const c = codeCounts(codes, k);
  return { used: k - deadCodes(c), of: k, perplexity: perplexity(c) };
}

/** The run's folder: named by dataset, levels, inputs and a non-default decoder, so no variant overwrites the shipped runs. */
function runFolder(args: Record<string, string>, levels: number): string {
  const grey = args.inputs === 'grey' ? '-grey' : '';
  const decoder = args['decoder-hidden'] ? `-decoder-${args['decoder-hidden'].split(',').join('x')}` : '';
  return path.join(args.out, `${args.dataset}-${levels}-level${grey}${decoder}`);
}

/** What every autoencoder run records: the command, its settings, the loss curve and its reconstruction figures on the test set. */
function autoencoderRecord(args: Record<string, string>, model: HierarchicalVqVae, data: ImageDataset, history: VqHistory, backend: string) {
  const steps = Number(args.steps);
  const variance = pixelVariance(data.train);
  const test = encodeSet(model, data.test);
  return {
    experiment: 'hvq', command: `npm run train:hvq -- ${process.argv.slice(2).join(' ')}`, backend, dataset: args.dataset, levels: model.top ? 2 : 1,
    inputs: args.inputs, seed: Number(args.seed), steps, epochs: (steps * 128) / data.train.n,
    learningRate: Number(args.lr), bits: model.bits, losses: history.losses.filter((_, i) => i % 50 === 0), restarts: history.restarts,
    test: {
      normalizedError: normalizedError(model, data.test, variance), trainNormalizedError: normalizedError(model, { ...data.train, n: 10000 }, variance),
      pixelVariance: variance,
      usage: { bottom: usage(test.bottom, model.config.bottomCodebook), top: model.top ? usage(test.top, model.config.topCodebook) : null },
    },
  };
}

async function vq(args: Record<string, string>): Promise<void> {
  const backend = await initBackend();
  const data = loadImages(args.dataset as 'mnist' | 'fashion-mnist');
  const levels = Number(args.levels);
  const key = Key.fromSeed(Number(args.seed));
  const [kModel, kTrain, kPrior, kFit] = key.split(4);
  // --decoder-hidden 1024 or 512,512 (exercise 2): another decoder, the rest of the model unchanged
  const decoder = args['decoder-hidden'] ? { decoderHidden: args['decoder-hidden'].split(',').map(Number) } : {};
  const model = new HierarchicalVqVae({ ...(levels === 2 ? TWO_LEVELS : ONE_LEVEL), ...decoder }, kModel);
  const inputs = args.inputs as 'binarized' | 'grey';
  const history = await trainQuantized(model, data.train, kTrain, { steps: Number(args.steps), batchSize: 128, learningRate: Number(args.lr), restartEvery: 500, inputs, progress: 'lines', label: `${args.dataset} ${levels}-level VQ-VAE` });
  const base = autoencoderRecord(args, model, data, history, backend);
  const dir = runFolder(args, levels);
  if (inputs === 'grey') {
    // a model trained on grey images gets no priors and no bound: its codes were never fitted to binary digits
    saveHvqModel(dir, model, { ...base, seconds: { autoencoder: history.seconds } });
    console.log(`[hvq] ${dir}: error ${base.test.normalizedError.toFixed(4)} (train ${base.test.trainNormalizedError.toFixed(4)})`);
    return;
  }
  const train = encodeSet(model, data.train);
  const { bottomPrior, topPrior } = buildPriors(model, kPrior);
  const priorSteps = Number(args['prior-steps']);
  const [kb, kt] = kFit.split(2);
  const bottomFit = await bottomPrior.fit(train.bottom, kb, { steps: priorSteps, batchSize: 32, learningRate: 1e-3, progress: 'lines' }, topPrior ? train.top : undefined);
  const topFit = topPrior ? await topPrior.fit(train.top, kt, { steps: priorSteps, batchSize: 128, learningRate: 1e-3, progress: 'lines' }) : null;
  const bound = hierarchicalBound(model, bottomPrior, topPrior, binarizedTestSet(data.test));
  const total = bound.reconstruction.map((r, i) => r + bound.top[i] + bound.bottom[i]);
  const record = {
    ...base, priorSteps,
    seconds: { autoencoder: history.seconds, bottomPrior: bottomFit.seconds, topPrior: topFit?.seconds ?? 0 },
    priorLosses: { bottom: bottomFit.losses.filter((_, i) => i % 50 === 0), top: topFit?.losses.filter((_, i) => i % 50 === 0) ?? [] },
    test: {
      ...base.test,
      bound: { total: meanAndStderr(total), reconstruction: meanAndStderr(bound.reconstruction), top: meanAndStderr(bound.top), bottom: meanAndStderr(bound.bottom) },
      perImageBound: Array.from(total, (v) => Math.round(v * 1000) / 1000),
    },
  };
  saveHvqRun(dir, { model, bottomPrior, topPrior }, record);
  console.log(`[hvq] ${dir}: error ${record.test.normalizedError.toFixed(4)} (train ${record.test.trainNormalizedError.toFixed(4)}), bound ${record.test.bound.total.mean.toFixed(2)} nats `
    + `(rec ${record.test.bound.reconstruction.mean.toFixed(2)}, top ${record.test.bound.top.mean.toFixed(2)}, bottom ${record.test.bound.bottom.mean.toFixed(2)}), `
    + `codes used ${record.test.usage.bottom.used}/${record.test.usage.bottom.of}${record.test.usage.top ? ` and ${record.test.usage.top.used}/${record.test.usage.top.of}` : ''}`);
}

async function vaeGan(args: Record<string, string>): Promise<void> {
  const backend = await initBackend();
  const data = loadImages('mnist');
  const { vae, meta } = Vae.load(args.vae);
  const weight = Number(args.weight);
  const [kDisc, kTrain, kSamples, kElbo] = Key.fromSeed(Number(args.seed)).split(4);
  const disc = new Discriminator(784, [256, 256], kDisc);
  const steps = Number(args.steps);
  const history = await trainVaeGan(vae, disc, data.train, kTrain, { steps, adversarialWeight: weight, learningRate: 1e-4, discriminatorLearningRate: 1e-4, progress: 'lines', label: `VAE-GAN w=${weight}` });
  const samples = priorMeans(vae, kSamples, 1000);
  const grey = pixelRange(data.test, 0, 1000);
  const record = {
    experiment: 'vae-gan', command: `npm run train:hvq -- ${process.argv.slice(2).join(' ')}`, backend, start: args.vae, startCommand: meta.command, weight, steps,
    seed: Number(args.seed), seconds: history.seconds, losses: history.losses.filter((_, i) => i % 25 === 0), discriminatorLosses: history.discriminatorLosses.filter((_, i) => i % 25 === 0),
    test: { elbo: evaluateElbo(vae, binarizedTestSet(data.test), kElbo).mean, sampleSharpness: meanAndStderr(laplacianEnergy(samples, 28)), dataSharpness: meanAndStderr(laplacianEnergy(grey, 28)) },
  };
  tf.dispose([samples, grey]);
  const dir = path.join(args.out, `vae-gan-w${weight}`);
  // the discriminator is not shipped: nothing the lecture measures needs it after training
  vae.save(dir, record);
  disc.dispose();
  console.log(`[hvq] ${dir}: test ELBO ${record.test.elbo.toFixed(2)}, sample sharpness ${record.test.sampleSharpness.mean.toFixed(4)} (data ${record.test.dataSharpness.mean.toFixed(4)})`);
}

async function main() {
  const args = parseArgs({ experiment: 'vq', dataset: 'mnist', levels: '2', steps: '14000', 'prior-steps': '6000', lr: '1e-3', seed: '1', inputs: 'binarized', 'decoder-hidden': '', weight: '50', vae: 'data/vae-mnist', out: 'data/hvq' });
  fs.mkdirSync(args.out, { recursive: true });
  if (args.experiment === 'vq') await vq(args);
  else if (args.experiment === 'vae-gan') await vaeGan(args);
  else throw new Error(`unknown experiment ${args.experiment}; use vq or vae-gan`);
}

main().catch((e) => { console.error(e); process.exit(1); });
