// The oi-VAE lecture's sweep over λ on the bars: for each λ, a model of `--latents` latents trained on
// 2,048 images from seed-keyed data, scored on 2,000 fresh images (mean ELBO per image against the
// exact entropy), with its latent-to-group map (norms, active latents, drivers per group, exact
// recovery of one latent per row). λ grows from 0 over the first --warmup steps. Validation images pick
// λ (their importance-weighted bounds with 100 draws, per image); test images report the ELBO and the
// bound with --particles draws.
// Writes data/oivae/sweep-<groups>-k<latents>-seed-<seed>.json.
// Usage: npm run oivae -- --lambdas 0,0.1,0.3,1 --latents 8 --steps 6000 --seed 1 [--groups rows|columns|random]
import * as fs from 'fs';
import * as path from 'path';
import { initBackend } from '../lib/core/backend';
import * as tf from '../lib/core/tf';
import { Key } from '../lib/core/random';
import {
  BARS, BARS_TRAINING_IMAGES, OiVae, activeLatents, barsEntropy, barsImages, barsModel, columnGroups, driversPerGroup, groupLatentNorms,
  importanceBounds, mapMatch, meanElbo, meanImportanceBound, oneLatentPerGroup, randomGroups, rowGroups, trainOiVae,
} from '../lib/oivae';
import { parseArgs } from './args';

/** The groupings the sweep can use: the true rows, columns, or 8 random groups of 8 pixels (keyed). */
function groupsOf(kind: string, key: Key): number[][] {
  if (kind === 'rows') return rowGroups(BARS.side);
  if (kind === 'columns') return columnGroups(BARS.side);
  if (kind === 'random') return randomGroups(key, BARS.side * BARS.side, BARS.side);
  throw new Error(`unknown --groups ${kind}: use rows, columns or random`);
}

async function main(): Promise<void> {
  const args = parseArgs({
    lambdas: '0,0.1,0.2,0.3,0.5,0.8,1.2', latents: '8', steps: '6000', warmup: '2000', seed: '1', groups: 'rows', lr: '1e-3',
    'weights-lr': '', particles: '500', out: 'data/oivae',
  });
  await initBackend();
  const seed = Number(args.seed), latents = Number(args.latents), steps = Number(args.steps), particles = Number(args.particles);
  const key = Key.fromSeed(seed);
  const groups = groupsOf(args.groups, key.foldIn(7));
  const train = barsImages(key.foldIn(1), BARS_TRAINING_IMAGES);
  const validation = barsImages(key.foldIn(6), 1000), test = barsImages(key.foldIn(2), 2000);
  const truth = oneLatentPerGroup(BARS.side);
  const runs = [];
  for (const lambda of args.lambdas.split(',').map(Number)) {
    const model = new OiVae(barsModel(latents, groups), key.foldIn(3));
    const t = await trainOiVae(model, train.x, key.foldIn(4), {
      steps, batch: 64, learningRate: Number(args.lr), lambda, lambdaWarmup: Number(args.warmup), label: `λ = ${lambda}`, progress: 'lines',
      weightsLearningRate: args['weights-lr'] ? Number(args['weights-lr']) : undefined,
    });
    const norms = groupLatentNorms(model);
    const run = {
      lambda, seconds: t.seconds, finalLoss: t.losses.slice(-100).reduce((s, v) => s + v, 0) / 100,
      validationElbo: meanElbo(model, validation.x, key.foldIn(8)),
      // per image, so that λ can be chosen with the standard error of paired differences
      validationBound: Array.from(importanceBounds(model, validation.x, key.foldIn(10), 100), (v) => Math.round(100 * v) / 100),
      testElbo: meanElbo(model, test.x, key.foldIn(5)), testImportanceBound: meanImportanceBound(model, test.x, key.foldIn(9), particles),
      norms, active: activeLatents(norms).length, drivers: driversPerGroup(norms),
      rowsRecovered: args.groups === 'rows' ? mapMatch(norms, truth).score : null,
    };
    console.log(`[oivae] λ = ${lambda}: test ELBO ${run.testElbo.toFixed(2)}, IW(${particles}) ${run.testImportanceBound.toFixed(2)} nats, ${run.active} active latents, drivers ${run.drivers.join(' ')}`);
    runs.push(run);
    model.dispose();
  }
  const record = {
    experiment: 'oivae-sweep', seed, latents, steps, lambdaWarmup: Number(args.warmup), groups, groupKind: args.groups,
    learningRate: Number(args.lr), weightsLearningRate: args['weights-lr'] ? Number(args['weights-lr']) : null, particles,
    entropy: barsEntropy().nats, command: `npm run oivae -- ${process.argv.slice(2).join(' ')}`, runs,
  };
  fs.mkdirSync(args.out, { recursive: true });
  const file = path.join(args.out, `sweep-${args.groups}-k${latents}-seed-${seed}.json`);
  fs.writeFileSync(file, JSON.stringify(record, null, 1) + '\n');
  console.log(`[oivae] wrote ${file}`);
  tf.dispose([train.x, validation.x, test.x]);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
