// The oi-VAE lecture's real data: MNIST digits (binarized once, training and test each with its own
// fixed key) with the four image quadrants as groups. For each λ, a model of --latents latents trained
// for --epochs epochs, its test ELBO over all 10,000 test digits, the importance-weighted bound on the
// first 1,000, and its latent-to-quadrant map. Each model's record goes to <out>/record-lambda-<λ>.json,
// and the weights of the λ listed in --save to <out>/lambda-<λ>/ (weights.json, weights.bin).
// Usage: npm run oivae:mnist -- --lambdas 0,0.5,1,2,4 --latents 16 --epochs 10 --seed 1 --save 2 --out data/oivae/mnist
import * as fs from 'fs';
import * as tf from '../lib/core/tf';
import { initBackend } from '../lib/core/backend';
import { Key } from '../lib/core/random';
import { binarizeStatic, loadMnist, pixelRange } from '../lib/data';
import { binarizedTestSet } from '../lib/vae/train-vae';
import { saveWeights } from '../lib/nn/weights';
import {
  OiVae, activeLatents, driversPerGroup, groupLatentNorms, meanElbo, meanImportanceBound, mnistQuadrantModel, trainOiVae,
} from '../lib/oivae';
import { parseArgs } from './args';

async function main(): Promise<void> {
  const args = parseArgs({ lambdas: '0,1', latents: '16', epochs: '10', batch: '100', lr: '1e-3', warmup: '2000', seed: '1', particles: '100', save: '2', out: 'data/oivae/mnist' });
  await initBackend();
  const seed = Number(args.seed), latents = Number(args.latents), batch = Number(args.batch), particles = Number(args.particles);
  const key = Key.fromSeed(seed);
  const mnist = loadMnist();
  const train = pixelRange(binarizeStatic(mnist.train, key.foldIn(1)), 0, mnist.train.n);
  const test = pixelRange(binarizedTestSet(mnist.test), 0, mnist.test.n);
  const firstThousand = tf.slice(test, [0, 0], [1000, -1]) as tf.Tensor2D;
  const steps = Math.round((Number(args.epochs) * mnist.train.n) / batch);
  for (const lambda of args.lambdas.split(',').map(Number)) {
    const config = mnistQuadrantModel(latents);
    const model = new OiVae(config, key.foldIn(3));
    const t = await trainOiVae(model, train, key.foldIn(4), {
      steps, batch, learningRate: Number(args.lr), lambda, lambdaWarmup: Number(args.warmup), label: `MNIST λ = ${lambda}`, progress: 'lines',
    });
    const norms = groupLatentNorms(model);
    const record = {
      experiment: 'oivae-mnist', seed, lambda, latents, steps, batch, epochs: Number(args.epochs), learningRate: Number(args.lr),
      lambdaWarmup: Number(args.warmup), config, seconds: t.seconds,
      curve: t.losses.filter((_, i) => i % 100 === 99).map((_, j) => t.losses.slice(j * 100, j * 100 + 100).reduce((s, v) => s + v, 0) / 100),
      testElbo: meanElbo(model, test, key.foldIn(5)), importanceBound: { images: 1000, particles, mean: meanImportanceBound(model, firstThousand, key.foldIn(6), particles) },
      norms, active: activeLatents(norms), drivers: driversPerGroup(norms),
      command: `npm run oivae:mnist -- ${process.argv.slice(2).join(' ')}`,
    };
    console.log(`[oivae-mnist] λ = ${lambda}: test ELBO ${record.testElbo.toFixed(2)}, IW(${particles}) ${record.importanceBound.mean.toFixed(2)} nats, ${record.active.length} active latents, drivers ${record.drivers.join(' ')}`);
    fs.mkdirSync(args.out, { recursive: true });
    fs.writeFileSync(`${args.out}/record-lambda-${lambda}.json`, JSON.stringify(record, null, 1) + '\n');
    if (args.save.split(',').map(Number).includes(lambda)) saveWeights(`${args.out}/lambda-${lambda}`, model.namedVariables(), record);
    model.dispose();
  }
  tf.dispose([train, test, firstThousand]);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
