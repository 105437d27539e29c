// Worker threads run the compiled library, so this test drives dist/ (built by scripts/setup.sh before
// vitest runs) rather than the TypeScript sources.
import { describe, expect, it } from 'vitest';
import * as path from 'path';
import * as L from '../../../dist/lib';
import * as P from '../../../dist/lib/engine/parallel';
import { ENGINE } from '../../helpers';

const tf = L.tf;
const factory = (seed: number) => ({ module: path.resolve('dist/lib/engine/parallel/sharded-vae.js'), name: 'shardedVae', options: { config: { hidden: [32], latentDim: 4 }, seed } });

async function run(workers: number, steps: number) {
  const dp = await P.DataParallel.start(factory(3), workers);
  const optimizer = tf.train.adam(1e-2);
  const losses: number[] = [];
  let before = 0;
  let workersBefore: number[] = [];
  for (let s = 0; s < steps; s++) {
    losses.push(dp.step(L.Key.fromSeed(9).foldIn(s), s, 24, optimizer));
    if (s === 0) [before, workersBefore] = [tf.memory().numTensors, dp.workerTensors()]; // after Adam has created its moment slots
  }
  const leaked = tf.memory().numTensors - before;
  expect(dp.workerTensors()).toEqual(workersBefore); // no leak inside the workers either
  const weights = dp.model.variables.map((v) => Array.from(v.dataSync()));
  optimizer.dispose();
  await dp.stop();
  return { losses, weights, leaked };
}

describe('data-parallel training', () => {
  it('splits a batch into contiguous shards that cover it', () => {
    expect(P.shards(10, 3).map((s) => [s.start, s.end])).toEqual([[0, 3], [3, 6], [6, 10]]);
    expect(() => P.shards(1, 2)).toThrow(/batch/);
  });

  it.runIf(ENGINE)('gives the one-thread result with a worker thread (noise keyed by example), without leaking tensors', async () => {
    const one = await run(0, 4);
    const two = await run(1, 4);
    const three = await run(2, 4);
    for (const other of [two, three]) {
      other.losses.forEach((l, i) => expect(Math.abs(l - one.losses[i])).toBeLessThan(1e-3 * Math.abs(one.losses[i])));
      other.weights.forEach((w, i) => w.forEach((x, j) => expect(Math.abs(x - one.weights[i][j])).toBeLessThan(2e-4)));
    }
    // training moved the weights, so the comparison is not trivially of the initial values
    expect(one.losses[3]).toBeLessThan(one.losses[0]);
    expect([one.leaked, two.leaked, three.leaked]).toEqual([0, 0, 0]);
  }, 60_000);

  it.runIf(ENGINE)('names a factory that does not exist', async () => {
    await expect(P.DataParallel.start({ module: path.resolve('dist/lib/engine/parallel/sharded-vae.js'), name: 'noSuchModel', options: {} }, 0)).rejects.toThrow(/exports no function noSuchModel/);
  });
});
