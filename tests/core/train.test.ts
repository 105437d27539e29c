import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key, normal } from '../../lib/core/random';
import { train } from '../../lib/core/train';
import { BackendError, ParameterError } from '../../lib/core/errors';
import { initBackend } from '../../lib/core/backend';

function regression(seed: number) {
  // y = 2 x - 1 + noise; fit w, b by least squares with Adam
  const key = Key.fromSeed(seed);
  const x = normal(key.foldIn(0), [256, 1]);
  const y = tf.tidy(() => tf.add(tf.sub(tf.mul(x, 2), 1), tf.mul(normal(key.foldIn(1), [256, 1]), 0.1)));
  const w = tf.variable(tf.zeros([1, 1]));
  const b = tf.variable(tf.zeros([1]));
  const loss = () => tf.tidy(() => tf.mean(tf.square(tf.sub(tf.add(tf.matMul(x, w), b), y))) as tf.Scalar);
  return { x, y, w, b, loss, dispose: () => tf.dispose([x, y, w, b]) };
}

describe('train', () => {
  it('fits a regression, returns every loss, and keeps the tensor count flat', async () => {
    const r = regression(1);
    const optimizer = tf.train.adam(0.05);
    const counts: number[] = [];
    const result = await train(Key.fromSeed(2), r.loss, {
      steps: 300, optimizer, progress: 'off', onStep: () => { counts.push(tf.memory().numTensors); },
    });
    expect(result.losses).toHaveLength(300);
    expect(result.losses[299]).toBeLessThan(0.02);
    expect(r.w.dataSync()[0]).toBeCloseTo(2, 1);
    expect(r.b.dataSync()[0]).toBeCloseTo(-1, 1);
    // after the first step (which creates Adam's moment variables) the count does not grow
    expect(new Set(counts.slice(1)).size).toBe(1);
    optimizer.dispose();
    r.dispose();
  });

  it('passes step keys key.foldIn(step), so runs are reproducible', async () => {
    const seen: string[][] = [[], []];
    for (const run of [0, 1]) {
      const v = tf.variable(tf.scalar(1));
      const opt = tf.train.sgd(0.1);
      await train(Key.fromSeed(5), (k, step) => {
        seen[run].push(`${step}:${k}`);
        return tf.tidy(() => tf.square(v) as tf.Scalar);
      }, { steps: 3, optimizer: opt, progress: 'off' });
      opt.dispose();
      v.dispose();
    }
    expect(seen[0]).toEqual(seen[1]);
    expect(seen[0][1]).toBe(`1:${Key.fromSeed(5).foldIn(1)}`);
  });

  it('stops with a clear error when the loss is not finite', async () => {
    const v = tf.variable(tf.scalar(0));
    const opt = tf.train.sgd(0.1);
    await expect(train(Key.fromSeed(0), () => tf.tidy(() => tf.div(tf.scalar(1), v) as tf.Scalar), { steps: 2, optimizer: opt, progress: 'off' }))
      .rejects.toThrow(/loss became Infinity at step 0.*learning rate/);
    opt.dispose();
    v.dispose();
  });

  it('rejects a bad step count', async () => {
    await expect(train(Key.fromSeed(0), () => tf.scalar(0), { steps: -1, optimizer: tf.train.sgd(1), progress: 'off' })).rejects.toThrow(ParameterError);
  });
});

describe('initBackend', () => {
  it('names an unknown backend and the valid choices', async () => {
    await expect(initBackend({ backend: 'gpu' as never })).rejects.toThrow(/unknown backend "gpu".*tensorflow, wasm, cpu/);
  });

  it('explains how to get the native backend when it is not installed', async () => {
    let installed = true;
    try { require.resolve('@tensorflow/tfjs-node'); require('@tensorflow/tfjs-node'); } catch { installed = false; }
    if (installed) return; // a reader's machine with tfjs-node: nothing to explain
    await expect(initBackend({ backend: 'tensorflow', quiet: true })).rejects.toThrow(BackendError);
    await expect(initBackend({ backend: 'tensorflow', quiet: true })).rejects.toThrow(/npm install @tensorflow\/tfjs-node/);
  });

  it('switches between wasm and cpu and reports the choice', async () => {
    expect(await initBackend({ backend: 'cpu', quiet: true })).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(await initBackend({ quiet: true })).toBe(tf.getBackend());
  });
});

describe('progressBar', () => {
  it('prints compact lines at every tenth in a terminal', async () => {
    const { progressBar } = await import('../../lib/core/progress');
    const lines: string[] = [];
    const log = console.log;
    console.log = (s: string) => { lines.push(s); };
    try {
      const bar = progressBar('work', 100, 'lines');
      for (let i = 1; i <= 100; i++) await bar.update(i, { loss: 1 / i });
      await bar.finish({ loss: 0.01 });
    } finally {
      console.log = log;
    }
    expect(lines.length).toBe(11);
    expect(lines[0]).toMatch(/^work 1\/100  loss 1\.000/);
    expect(lines[10]).toMatch(/^work 100\/100  loss 0\.01000/);
  });
});
