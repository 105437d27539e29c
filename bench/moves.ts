// Benchmark: the kernels that move or compare values (lib/engine/wasm-pieces.ts, wasm-tile.ts,
// wasm-reverse.ts, wasm-gather.ts, wasm-compare.ts, wasm-slice.ts) at the shapes the lectures give them: median
// milliseconds per call over rounds. Run it twice to see the engine's gain, since the engine replaces
// these kernels when it installs:
// Usage: node dist/bench/moves.js [--rounds 5 --repeats 20]; VI_ENGINE=stock node dist/bench/moves.js
import { initBackend } from '../lib/core/backend';
import * as tf from '../lib/core/tf';
import { median } from './rounds';
import { parseArgs } from '../scripts/args';

async function main() {
  const args = parseArgs({ rounds: '5', repeats: '20' });
  const backend = await initBackend();
  const gates = tf.randomNormal([500, 128]);
  const sequences = tf.randomNormal([500, 28, 64]);
  const steps = tf.unstack(sequences, 1);
  const digits = tf.randomNormal([100, 28, 28]);
  const training = tf.randomUniform([60000, 784]);
  const batch = tf.randomUniform([100], 0, 60000, 'int32');
  const uniform = tf.randomUniform([5000, 784]), probabilities = tf.randomUniform([5000, 784]);
  const codes = tf.randomUniform([10000, 49], 0, 128, 'int32');
  const cases: [string, () => tf.Tensor | tf.Tensor[]][] = [
    ['split [500, 128] in halves, axis 1 (a GRU gate)', () => tf.split(gates, 2, 1)],
    ['unstack [500, 28, 64] along time', () => tf.unstack(sequences, 1)],
    ['stack 28 x [500, 64] along time', () => tf.stack(steps, 1)],
    ['reverse [500, 28, 64] in time', () => tf.reverse(sequences, 1)],
    ['tile [100, 28, 28] ten times (particles)', () => tf.tile(digits, [10, 1, 1])],
    ['gather 100 rows of [60000, 784] (a training batch)', () => tf.gather(training, batch)],
    ['less [5000, 784] < [5000, 784] (Bernoulli draws)', () => tf.less(uniform, probabilities)],
    ['equal [10000, 49] to a scalar (code matches)', () => tf.equal(codes, 3)],
    ['slice [500, 128] columns 0-63', () => tf.slice(gates, [0, 0], [-1, 64])],
  ];
  console.log(`${backend}: the engine ${process.env.VI_ENGINE === 'stock' ? 'off (stock tfjs)' : 'on'}`);
  for (const [name, f] of cases) {
    const perRound: number[] = [];
    for (let r = 0; r <= Number(args.rounds); r++) {
      const t0 = performance.now();
      for (let i = 0; i < Number(args.repeats); i++) tf.dispose(f());
      if (r > 0) perRound.push((performance.now() - t0) / Number(args.repeats)); // round 0 warms up
    }
    console.log(`${name.padEnd(50)} ${median(perRound).toFixed(3)} ms`);
  }
  tf.dispose([gates, sequences, digits, training, batch, uniform, probabilities, codes, ...steps]);
}

main().catch((e) => { console.error(e); process.exit(1); });
