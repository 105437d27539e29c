// Scores a shipped binarized-MNIST run of the Helmholtz-machine lecture on more test images: the first
// --test-images of the fixed binarized test set, K = --eval-particles, with the training script's
// scoring key, so the images it had scored keep their scores. Rewrites the run's record (weights unchanged).
// Usage: npm run ts -- scripts/score-helmholtz-mnist.ts --run data/helmholtz-mnist/rws-k5-784-200-200-200-seed1 --test-images 10000
import { initBackend } from '../lib/core/backend';
import { Key } from '../lib/core/random';
import { loadMnist, pixelRange } from '../lib/data';
import { binarizedTestSet } from '../lib/vae/train-vae';
import { saveWeights } from '../lib/nn/weights';
import { loadMnistRun, logMarginalByRows } from '../lib/helmholtz';
import { SCORING_SEED, scoringProgress } from './helmholtz-scoring';
import { parseArgs } from './args';

async function main(): Promise<void> {
  const args = parseArgs({ run: '', 'test-images': '10000', 'eval-particles': '5000' });
  if (!args.run) throw new Error('--run is missing: the folder of a shipped run, e.g. data/helmholtz-mnist/vae-k1-784-200-200-50-seed1');
  await initBackend();
  const run = loadMnistRun(args.run);
  const images = Number(args['test-images']), particles = Number(args['eval-particles']);
  const x = pixelRange(binarizedTestSet(loadMnist().test), 0, images);
  const t0 = Date.now();
  const perImage = logMarginalByRows(run.learner, Key.fromSeed(SCORING_SEED), x, particles, 20, scoringProgress(run.learner.name, images, t0));
  x.dispose();
  const meanLogP = perImage.reduce((s, v) => s + v, 0) / perImage.length;
  const record = {
    ...run.record, test: { images, particles, meanLogP, perImage: Array.from(perImage, (v) => Math.round(v * 1000) / 1000), seconds: (Date.now() - t0) / 1000 },
    scoredBy: `npm run ts -- scripts/score-helmholtz-mnist.ts ${process.argv.slice(2).join(' ')}`,
  };
  saveWeights(args.run, run.named, record);
  console.log(`[score-helmholtz-mnist] ${run.learner.name}: test log p(x) ${meanLogP.toFixed(2)} nats (${images} images, K = ${particles}), ${record.test.seconds.toFixed(0)} s; rewrote ${args.run}`);
  run.learner.dispose();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
