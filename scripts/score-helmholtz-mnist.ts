// Scores a shipped binarized-MNIST run of the Helmholtz-machine lecture on more test images: the first
// --test-images of the fixed binarized test set, K = --eval-particles, with the training script's
// scoring key, so the images it had scored keep their scores. Writes the run (weights unchanged, the
// record with the new scores) to --out, by default back to its own folder.
// Usage: npm run ts -- scripts/score-helmholtz-mnist.ts --run data/helmholtz-mnist/rws-k5-784-200-200-200-seed1 --test-images 10000 [--out FOLDER]
import { initBackend } from '../lib/core/backend';
import { loadMnist } from '../lib/data';
import { binarizedTestSet } from '../lib/vae/train-vae';
import { saveWeights } from '../lib/nn/weights';
import { loadMnistRun } from '../lib/helmholtz';
import { scoreTestImages } from './helmholtz-scoring';
import { parseArgs } from './args';

async function main(): Promise<void> {
  const args = parseArgs({ run: '', 'test-images': '10000', 'eval-particles': '5000', out: '' });
  if (!args.run) throw new Error('--run is missing: the folder of a shipped run, e.g. data/helmholtz-mnist/vae-k1-784-200-200-50-seed1');
  await initBackend();
  const run = loadMnistRun(args.run);
  const test = scoreTestImages(run.learner, binarizedTestSet(loadMnist().test), Number(args['test-images']), Number(args['eval-particles']));
  const record = {
    ...run.record, test,
    scoredBy: `npm run ts -- scripts/score-helmholtz-mnist.ts ${process.argv.slice(2).join(' ')}`,
  };
  const out = args.out || args.run;
  saveWeights(out, run.named, record);
  console.log(`[score-helmholtz-mnist] ${run.learner.name}: test log p(x) ${test.meanLogP.toFixed(2)} nats (${test.images} images, K = ${test.particles}), ${test.seconds.toFixed(0)} s; ${out === args.run ? 'rewrote' : 'wrote'} ${out}`);
  run.learner.dispose();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
