// The Helmholtz-machine lecture's runs too long for a notebook. For one seed, every bars method
// (lib/helmholtz/bars-experiment.ts) trains for --steps steps and its gap to the true distribution is
// scored every 500 steps; the record goes to data/helmholtz/bars-seed-<seed>.json.
// Usage: npm run helmholtz -- --seed 1 [--steps 5000]
// Seeds run as separate processes (VI_WASM_THREADS=1 each: two single-threaded runs side by side
// train faster on two cores than one run on both).
import * as fs from 'fs';
import * as path from 'path';
import { initBackend } from '../lib/core/backend';
import { BARS_METHODS, BARS_SBN_SIZES, BARS_VAE_CONFIG, BARS_VAE_SCORING_PARTICLES, runBarsMethod } from '../lib/helmholtz';
import { parseArgs } from './args';

const EVERY = 500;
const BATCH = 100;
const TRAINING_IMAGES = 10000;

async function main(): Promise<void> {
  const args = parseArgs({ seed: '1', steps: '5000', out: 'data/helmholtz' });
  const seed = Number(args.seed), steps = Number(args.steps);
  const backend = await initBackend();
  const runs = [];
  for (const method of BARS_METHODS) {
    const run = await runBarsMethod(method, seed, { steps, every: EVERY, batchSize: BATCH, trainingImages: TRAINING_IMAGES, progress: 'lines' });
    const last = run.gaps[run.gaps.length - 1];
    console.log(`[helmholtz] seed ${seed} ${method.name}: gap ${last.gap.toFixed(3)} nats after ${last.step} steps, ${run.seconds.toFixed(0)} s`);
    runs.push({ method, gaps: run.gaps, divergences: run.divergences, seconds: run.seconds });
    run.learner.dispose();
  }
  const record = {
    experiment: 'bars',
    seed,
    steps,
    batchSize: BATCH,
    trainingImages: TRAINING_IMAGES,
    every: EVERY,
    sbnSizes: BARS_SBN_SIZES,
    vaeConfig: BARS_VAE_CONFIG,
    vaeScoringParticles: BARS_VAE_SCORING_PARTICLES,
    backend,
    command: `npm run helmholtz -- --seed ${seed} --steps ${steps}`,
    runs,
  };
  fs.mkdirSync(args.out, { recursive: true });
  const file = path.join(args.out, `bars-seed-${seed}.json`);
  fs.writeFileSync(file, JSON.stringify(record, null, 1) + '\n');
  console.log(`[helmholtz] wrote ${file}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
