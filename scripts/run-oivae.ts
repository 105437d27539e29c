// The oi-VAE lecture's sweep over λ on the bars: for each λ, a model of `--latents` latents trained on
// 2,048 images from seed-keyed data, scored on 2,000 fresh images (mean ELBO per image against the
// exact entropy), with its latent-to-group map (norms, active latents, drivers per group, exact
// recovery of one latent per row). Writes data/oivae/sweep-<groups>-k<latents>-seed-<seed>.json.
// Usage: npm run oivae -- --lambdas 0,0.1,0.3,1 --latents 8 --steps 6000 --seed 1 [--groups rows|columns|random]
import * as fs from 'fs';
import * as path from 'path';
import { initBackend } from '../lib/core/backend';
import { Key, permutation } from '../lib/core/random';
import {
  BARS, BARS_TRAINING_IMAGES, OiVae, activeLatents, barsEntropy, barsImages, barsModel, columnGroups, driversPerGroup, groupLatentNorms,
  mapMatch, meanElbo, rowGroups, trainOiVae,
} from '../lib/oivae';
import { parseArgs } from './args';

/** The groupings the sweep can use: the true rows, columns, or 8 random groups of 8 pixels (keyed). */
function groupsOf(kind: string, key: Key): number[][] {
  if (kind === 'rows') return rowGroups(BARS.side);
  if (kind === 'columns') return columnGroups(BARS.side);
  if (kind === 'random') {
    const order = permutation(key, BARS.side * BARS.side);
    return Array.from({ length: BARS.side }, (_, g) => Array.from(order.subarray(g * BARS.side, (g + 1) * BARS.side)));
  }
  throw new Error(`unknown --groups ${kind}: use rows, columns or random`);
}

async function main(): Promise<void> {
  const args = parseArgs({ lambdas: '0,0.1,0.3,1', latents: '8', steps: '6000', seed: '1', groups: 'rows', lr: '1e-3', 'weights-lr': '', out: 'data/oivae' });
  await initBackend();
  const seed = Number(args.seed), latents = Number(args.latents), steps = Number(args.steps);
  const key = Key.fromSeed(seed);
  const groups = groupsOf(args.groups, key.foldIn(7));
  const train = barsImages(key.foldIn(1), BARS_TRAINING_IMAGES), test = barsImages(key.foldIn(2), 2000);
  const truth = rowGroups(BARS.side).map((_, g) => rowGroups(BARS.side).map((__, t) => (g === t ? 1 : 0)));
  const runs = [];
  for (const lambda of args.lambdas.split(',').map(Number)) {
    const model = new OiVae(barsModel(latents, groups), key.foldIn(3));
    const t = await trainOiVae(model, train.x, key.foldIn(4), {
      steps, batch: 64, learningRate: Number(args.lr), lambda, label: `λ = ${lambda}`, progress: 'lines',
      weightsLearningRate: args['weights-lr'] ? Number(args['weights-lr']) : undefined,
    });
    const norms = groupLatentNorms(model);
    const run = {
      lambda, seconds: t.seconds, finalLoss: t.losses.slice(-100).reduce((s, v) => s + v, 0) / 100,
      testElbo: meanElbo(model, test.x, key.foldIn(5)), norms, active: activeLatents(norms).length,
      drivers: driversPerGroup(norms), rowsRecovered: args.groups === 'rows' ? mapMatch(norms, truth).score : null,
    };
    console.log(`[oivae] λ = ${lambda}: test ELBO ${run.testElbo.toFixed(2)} nats, ${run.active} active latents, drivers ${run.drivers.join(' ')}`);
    runs.push(run);
    model.dispose();
  }
  const record = {
    experiment: 'oivae-sweep', seed, latents, steps, groups, groupKind: args.groups, learningRate: Number(args.lr),
    weightsLearningRate: args['weights-lr'] ? Number(args['weights-lr']) : null, entropy: barsEntropy().nats,
    command: `npm run oivae -- ${process.argv.slice(2).join(' ')}`, runs,
  };
  fs.mkdirSync(args.out, { recursive: true });
  const file = path.join(args.out, `sweep-${args.groups}-k${latents}-seed-${seed}.json`);
  fs.writeFileSync(file, JSON.stringify(record, null, 1) + '\n');
  console.log(`[oivae] wrote ${file}`);
  train.x.dispose();
  test.x.dispose();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
