// Benchmark: one Adam training step of three more lecture models, tfjs against the same models in
// PyTorch (bench/flow_torch.py), in one run: lecture 8's 2-D RealNVP (8 couplings, 64x64, batch 256)
// and MNIST coupling flow (logit + 4 couplings of 256, batch 64), and lecture 3's strong-decoder VAE
// (MADE decoder over 196 pixels, batch 128). Rounds of ours and PyTorch's alternate (bench/rounds);
// the table gives medians. With --profile, the kernels of one step of each model, summed by name,
// so that the next bottleneck is visible.
// Untimed warm-up rounds come first on both sides: the first few dozen steps of a model run while V8
// is still compiling tfjs's engine code (steps of the 2-D RealNVP fall from 10-18 ms to 5-6 ms).
// Usage: node dist/bench/flow.js [--steps 10] [--rounds 7] [--warmup 3] [--torch-threads 1,2] [--profile true]
import { initBackend } from '../lib/core/backend';
import * as tf from '../lib/core/tf';
import { Key } from '../lib/core/random';
import { AffineCoupling, Flow, compose, imageFlow } from '../lib/flows';
import { buildCollapseModel, collapseRuns, vaeLoss } from '../lib/vae';
import { parseArgs } from '../scripts/args';
import { adam } from '../lib/core/adam';
import { DEFAULT_TORCH_SETTINGS, ThreadSettings, formatAlone, formatRatio, formatReference, formatRound, interleave, referenceNote, torchSettings } from './rounds';
import { saveResults } from './results';
import { printProfile, profileStep } from './profile';

interface Case { key: string; name: string; variables: tf.Variable[]; loss: (step: number) => tf.Scalar; learningRate: number }

/** A function timing `steps` Adam steps of the case (after 3 warm-up steps on first use). */
function stepper(c: Case, steps: number): () => number {
  const optimizer = adam(c.learningRate);
  let i = 0;
  const step = () => { const l = optimizer.minimize(() => c.loss(i++), true, c.variables); l?.dataSync(); l?.dispose(); };
  for (let w = 0; w < 3; w++) step();
  return () => {
    const t0 = performance.now();
    for (let s = 0; s < steps; s++) step();
    return (performance.now() - t0) / 1000 / steps;
  };
}

async function main() {
  const args = parseArgs({ steps: '10', rounds: '7', warmup: '3', 'torch-threads': DEFAULT_TORCH_SETTINGS, profile: 'false' });
  const steps = Number(args.steps);
  const backend = await initBackend({ quiet: true });
  const x2 = tf.keep(tf.randomNormal([256, 2], 0, 1, 'float32', 1) as tf.Tensor2D);
  const flow2d = new Flow(compose('realnvp', Array.from({ length: 8 }, (_, l) => AffineCoupling(l % 2 ? [1, 0] : [0, 1], [64, 64], Key.fromSeed(l)))));
  const images = tf.keep(tf.tidy(() => tf.div(tf.add(tf.cast(tf.less(tf.randomUniform([64, 784], 0, 1, 'float32', 2), 0.13), 'float32'), tf.randomUniform([64, 784], 0, 1, 'float32', 3)), 2)) as tf.Tensor2D);
  const { flow: mnistFlow } = imageFlow({ side: 28, couplings: 4, hidden: 256, lambda: 0.05 }, Key.fromSeed(4));
  const binary = tf.keep(tf.tidy(() => tf.cast(tf.less(tf.randomUniform([128, 196], 0, 1, 'float32', 5), 0.2), 'float32')) as tf.Tensor2D);
  const madeVae = buildCollapseModel(collapseRuns(1).find((r) => r.name === 'elbo')!, Key.fromSeed(6));
  const cases: Case[] = [
    { key: 'realnvp2d', name: '2-D RealNVP, 8 x (64, 64), batch 256', variables: flow2d.variables, loss: () => flow2d.forwardKl(x2), learningRate: 3e-3 },
    { key: 'imageflow', name: 'MNIST flow, 4 x 256, batch 64', variables: mnistFlow.variables, loss: () => mnistFlow.forwardKl(images), learningRate: 1e-3 },
    { key: 'madevae', name: 'VAE + MADE decoder (196 px), batch 128', variables: madeVae.variables, loss: (i) => tf.tidy(() => vaeLoss(madeVae.terms(binary, Key.fromSeed(100 + i)), { beta: 1 })), learningRate: 2e-3 },
  ];
  const timers = cases.map((c) => ({ key: c.key, timed: stepper(c, steps) }));
  const reference = await ThreadSettings.start('flow_torch.py', ['--steps', String(steps)], torchSettings(args['torch-threads']));
  const rounds = Number(args.rounds);
  const result = await interleave(rounds, () => Object.fromEntries(timers.map((t) => [t.key, t.timed()])), reference,
    (r, mine, theirs) => console.error(formatRound(r, rounds, cases.map((c) => c.key), mine, theirs)), Number(args.warmup));
  console.log(`\nTraining step with Adam: flows (lecture 8) and the strong-decoder VAE (lecture 3); medians of ${rounds} alternating rounds of ${steps} steps, after ${args.warmup} untimed\n`);
  console.log(`${'model'.padEnd(42)}${`tfjs ${backend} ms`.padStart(16)}${'PyTorch, fastest setting'.padStart(38)}${'tfjs steps/s'.padStart(14)}${'PyTorch steps/s'.padStart(17)}${'ratio (range)'.padStart(22)}   each side alone: ours / PyTorch = ratio`);
  for (const c of cases) {
    const r = result[c.key];
    const t = r.reference;
    console.log(`${c.name.padEnd(42)}${(1000 * r.ours).toFixed(1).padStart(16)}${` ${formatReference(r)}`.padStart(38)}${(1 / r.ours).toFixed(1).padStart(14)}${(t ? (1 / t).toFixed(1) : 'n/a').padStart(17)}${` ${formatRatio(r)}`.padStart(22)}   ${formatAlone(r)}`);
  }
  console.log(`(ratio = tfjs steps/s ÷ PyTorch steps/s from the medians, ${referenceNote(args['torch-threads'])}; range = lowest and highest ratio of one round pair)`);
  saveResults({ bench: 'flow', title: 'one training step with Adam: the flows of lecture 8 and the strong-decoder VAE of lecture 3', backend, rounds, settings: args['torch-threads'], rows: cases.map((c) => ({ model: c.name, unit: 'ms' as const, compared: result[c.key] })) }, reference);
  if (args.profile === 'true') {
    for (const c of cases) printProfile(c.name, await profileStep(() => c.loss(0), c.variables, c.learningRate));
  }
  tf.dispose([x2, images, binary]);
}

main().catch((e) => { console.error(e); process.exit(1); });
