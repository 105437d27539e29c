// The masked classifier and its training: pruned weights stay exactly zero, rewinding is exact,
// runs are reproducible and leak no tensors, and iterative pruning walks the ladder it promises.
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key } from '../../lib/core/random';
import { ParameterError, ShapeError } from '../../lib/core/errors';
import { head, loadMnist, sliceImages } from '../../lib/data/images';
import {
  ClassifierData,
  MaskedNetwork,
  fullMasks,
  glorotNormalState,
  iterativePruning,
  keptCount,
  pruneByMagnitude,
  randomMasksLike,
  trainClassifier,
  trainSubnetwork,
  validationSplit,
} from '../../lib/lottery';
import { expectNoLeak } from '../helpers';

const SIZES = [784, 40, 20, 10];
const mnist = loadMnist();
const data: ClassifierData = {
  train: sliceImages(mnist.train, 5000, 3000),
  validation: sliceImages(mnist.train, 0, 500),
  test: head(mnist.test, 1000),
};

describe('MaskedNetwork', () => {
  it('keeps pruned weights exactly zero through many Adam steps, and trains the rest', async () => {
    const net = new MaskedNetwork(SIZES, Key.fromSeed(1));
    const masks = randomMasksLike(Key.fromSeed(2), pruneByMagnitude(net.state().weights, fullMasks(net.weightCounts), [0.8, 0.5, 0.3]));
    net.setMasks(masks);
    const before = net.state();
    const run = await trainClassifier(net, data, Key.fromSeed(3), { iterations: 300, progress: 'off' });
    const after = net.state();
    let prunedNonZero = 0, keptMoved = 0;
    masks.forEach((m, l) => m.forEach((keep, i) => {
      if (!keep && after.weights[l][i] !== 0) prunedNonZero++;
      if (keep && after.weights[l][i] !== before.weights[l][i]) keptMoved++;
    }));
    expect(prunedNonZero).toBe(0);
    // not all: weights from pixels blank in every training image get no gradient
    expect(keptMoved).toBeGreaterThan(0.75 * masks.reduce((s, m) => s + keptCount(m), 0));
    expect(run.testAccuracy).toBeGreaterThan(0.8);
    net.dispose();
  });

  it('rewinds to a saved state bit for bit', async () => {
    const net = new MaskedNetwork(SIZES, Key.fromSeed(1));
    const init = net.state();
    await trainClassifier(net, data, Key.fromSeed(3), { iterations: 50, progress: 'off' });
    net.load(init);
    const back = net.state();
    init.weights.forEach((w, l) => expect(back.weights[l]).toEqual(w));
    init.biases.forEach((b, l) => expect(back.biases[l]).toEqual(b));
    // the same key draws the same initial weights as the network's own
    expect(glorotNormalState(Key.fromSeed(1), SIZES).weights[1]).toEqual(init.weights[1]);
    net.dispose();
  });

  it('draws Gaussian Glorot weights: mean 0, variance 2 / (in + out)', () => {
    const w = glorotNormalState(Key.fromSeed(5), [784, 300]).weights[0];
    const mean = w.reduce((s, v) => s + v, 0) / w.length;
    const variance = w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length;
    expect(Math.abs(mean)).toBeLessThan(5 * Math.sqrt(2 / 1084 / w.length));
    expect(variance / (2 / 1084)).toBeCloseTo(1, 1);
  });

  it('refuses masks and inputs that do not fit, by name', () => {
    const net = new MaskedNetwork(SIZES, Key.fromSeed(1));
    expect(() => net.setMasks(fullMasks([10, 20]))).toThrow(/masks of sizes \[10,20\] do not fit layers of \[31360,800,200\] weights/);
    const bad = fullMasks(net.weightCounts);
    bad[1][3] = 2;
    expect(() => net.setMasks(bad)).toThrow(ParameterError);
    expect(() => net.apply(tf.zeros([2, 783]) as tf.Tensor2D)).toThrow(ShapeError);
    expect(() => net.load(glorotNormalState(Key.fromSeed(1), [784, 40, 10]))).toThrow(/does not fit layers \[784,40,20,10\]/);
    expect(() => new MaskedNetwork([784], Key.fromSeed(1))).toThrow(/at least two sizes/);
    expect(() => validationSplit(mnist, 60000)).toThrow(/leaves nothing/);
    net.dispose();
  });
});

describe('training and pruning', () => {
  it('is reproducible and leaks no tensors', async () => {
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const net = new MaskedNetwork(SIZES, Key.fromSeed(1));
      runs.push(await expectNoLeak(() => trainClassifier(net, data, Key.fromSeed(3), { iterations: 120, evaluateEvery: 40, progress: 'off' })));
      net.dispose();
    }
    expect(runs[1].curve).toEqual(runs[0].curve);
    expect(runs[1].testAccuracy).toBe(runs[0].testAccuracy);
    expect(runs[0].curve.map((c) => c.iteration)).toEqual([40, 80, 120]);
  });

  it('iterative pruning walks the ladder, with the controls on the same masks, without leaks', async () => {
    const options = { sizes: SIZES, iterations: 60, evaluateEvery: 30, progress: 'off' as const };
    const levels = await expectNoLeak(() => iterativePruning(1, data, { ...options, rounds: 2, rates: [0.5, 0.5, 0.2] }));
    expect(levels.map((l) => l.remainingPerLayer)).toEqual([[1, 1, 1], [0.5, 0.5, 0.8], [0.25, 0.25, 0.64]]);
    const random = await expectNoLeak(() => trainSubnetwork('random', 1, levels[2], glorotNormalState(Key.fromSeed(1), SIZES), data, options));
    expect(random.curve.length).toBe(2);
    await expect(trainSubnetwork('nope' as never, 1, levels[2], glorotNormalState(Key.fromSeed(1), SIZES), data, options)).rejects.toThrow(/unknown kind 'nope'/);
    const global = await expectNoLeak(() => iterativePruning(1, data, { ...options, rounds: 1, rates: 0.5 }));
    expect(global[1].remaining).toBeCloseTo(0.5, 3);
  });
});
