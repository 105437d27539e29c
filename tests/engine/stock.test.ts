// The lectures' library on unmodified tfjs: VI_ENGINE=stock, set before the setup file's
// initBackend runs. The engine's kernels and heap paths stay out; the plain twins give the results.
import { describe, expect, it } from 'vitest';
process.env.VI_ENGINE = 'stock';
import * as tf from '../../lib/core/tf';
import { Key, normal } from '../../lib/core/random';
import { engineOn, setEngineMode } from '../../lib/engine/switch';
import { heapKernels } from '../../lib/engine/heap-kernels';
import { loadMnist } from '../../lib/data';
import { Vae, trainVae } from '../../lib/vae';
import { cholesky, solveLower } from '../../lib/nngp';
import { DataParallel } from '../../lib/engine/parallel';

describe('stock tfjs (VI_ENGINE=stock)', () => {
  it('runs on tfjs wasm without the engine: no heap kernels, a VAE trains, without leaks', async () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(engineOn()).toBe(false);
    expect(heapKernels()).toBeNull();
    const vae = new Vae({ hidden: [32], latentDim: 2 }, Key.fromSeed(1));
    const before = tf.memory().numTensors;
    const run = await trainVae(vae, loadMnist().train, Key.fromSeed(2), { steps: 40, batchSize: 32, learningRate: 3e-3, progress: 'off' });
    expect(tf.memory().numTensors).toBe(before);
    expect(run.losses[39]).toBeLessThan(run.losses[0]);
    vae.dispose();
  });

  it('factors and solves with tfjs operations: L L^T = A and L x = b', () => {
    const n = 24;
    const m = normal(Key.fromSeed(3), [n, n]) as tf.Tensor2D;
    const a = tf.tidy(() => tf.add(tf.matMul(m, m, false, true), tf.mul(tf.eye(n), n))) as tf.Tensor2D;
    const L = cholesky(a, 8);
    const back = tf.tidy(() => tf.max(tf.abs(tf.sub(tf.matMul(L, L, false, true), a))).dataSync()[0]);
    expect(back).toBeLessThan(1e-3);
    const b = normal(Key.fromSeed(4), [n, 2]) as tf.Tensor2D;
    const x = solveLower(L, b, 8);
    const residual = tf.tidy(() => tf.max(tf.abs(tf.sub(tf.matMul(L, x), b))).dataSync()[0]);
    expect(residual).toBeLessThan(1e-4);
    tf.dispose([m, a, L, b, x]);
  });

  it('refuses what needs the engine, and switching it on after the start, by name', async () => {
    await expect(DataParallel.start(async () => { throw new Error('not reached'); }, 1)).rejects.toThrow(/needs the engine/);
    expect(() => setEngineMode('bogus' as never)).toThrow(/not one of on, stock/);
  });
});
