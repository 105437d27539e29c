// Trains the models of the posterior-collapse lecture (one per remedy) and writes each one's
// weights, settings and KL-over-training record to data/collapse/.
// Usage: npm run train:collapse -- --steps 4000 [--runs elbo,annealing] [--out data/collapse]
import { initBackend } from '../lib/core/backend';
import { Key } from '../lib/core/random';
import {
  buildCollapseModel,
  collapseImages,
  collapseRuns,
  saveCollapseModel,
  trainLatentVae,
} from '../lib/vae';
import { parseArgs } from './args';

async function main() {
  const args = parseArgs({
    steps: '4000',
    out: 'data/collapse',
    seed: '1',
    runs: 'all',
    lr: '2e-3',
    batch: '128',
  });
  const backend = await initBackend();
  const steps = Number(args.steps);
  const { train } = collapseImages();
  const runs = collapseRuns(steps).filter(
    (r) => args.runs === 'all' || args.runs.split(',').includes(r.name),
  );
  for (const [i, run] of runs.entries()) {
    const [kInit, kTrain] = Key.fromSeed(Number(args.seed))
      .foldIn(collapseRuns(steps).findIndex((r) => r.name === run.name))
      .split(2);
    const model = buildCollapseModel(run, kInit);
    const history = await trainLatentVae(model, train, kTrain, {
      steps,
      batchSize: Number(args.batch),
      learningRate: Number(args.lr),
      schedule: run.schedule,
      freeBits: run.freeBits,
      label: `${run.name} (${i + 1}/${runs.length})`,
      progress: 'lines',
    });
    const every = Math.max(1, Math.floor(steps / 200));
    const thin = (v: number[]) => v.filter((_, s) => s % every === 0).map((x) => +x.toFixed(4));
    saveCollapseModel(`${args.out}/${run.name}`, run, model, {
      script: 'scripts/train-collapse.ts',
      command: `npm run train:collapse -- ${process.argv.slice(2).join(' ')}`.trim(),
      backend,
      steps,
      batchSize: Number(args.batch),
      learningRate: Number(args.lr),
      seed: Number(args.seed),
      trainSeconds: history.seconds,
      history: { every, kl: thin(history.kl), reconstruction: thin(history.reconstruction) },
    });
    console.log(
      `${run.name}: final batch KL ${history.kl[steps - 1].toFixed(3)}, reconstruction ${history.reconstruction[steps - 1].toFixed(2)}, ${history.seconds.toFixed(0)} s`,
    );
    model.dispose();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
