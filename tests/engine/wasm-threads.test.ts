// The threaded wasm backend: kernels run on a single- or a multi-threaded XNNPACK pool by size, and
// both pools compute the same numbers.
import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key } from '../../lib/core/random';
import { BackendError } from '../../lib/core/errors';
import { Vae, defaultVaeConfig } from '../../lib/vae';
import { initBackend } from '../../lib/core/backend';
import {
  activePoolThreads, defaultWasmThreads, parallelThresholds, routingKernels, wantsThreads, wasmThreadCount,
} from '../../lib/engine/wasm-threads';

const saved = { ...parallelThresholds };
afterEach(() => Object.assign(parallelThresholds, saved));

await initBackend({ quiet: true }); // before collection, so that runIf sees the backend
const threaded = tf.getBackend() === 'wasm' && wasmThreadCount() > 1;

describe('kernel routing policy', () => {
  it('sends large matrix products and large element-wise ops to the threads, small ones not', () => {
    expect(wantsThreads('BatchMatMul', { a: { shape: [1, 128, 784] }, b: { shape: [1, 784, 512] } })).toBe(true);
    expect(wantsThreads('BatchMatMul', { a: { shape: [1, 256, 64] }, b: { shape: [1, 64, 64] } })).toBe(false);
    // with transposeB the output width is the second-to-last dimension of b
    expect(wantsThreads('BatchMatMul', { a: { shape: [1, 128, 784] }, b: { shape: [1, 512, 784] } }, { transposeB: true })).toBe(true);
    expect(wantsThreads('BatchMatMul', { a: { shape: [1, 128, 784] }, b: { shape: [1, 2, 784] } }, { transposeB: true })).toBe(false);
    expect(wantsThreads('Sigmoid', { x: { shape: [1024, 1024] } })).toBe(true);
    // below 2^20 values the pool's gain is smaller than its cost right after one of our shared products
    expect(wantsThreads('Sigmoid', { x: { shape: [128, 784] } })).toBe(false);
    expect(wantsThreads('Mul', { a: { shape: [256, 64] }, b: { shape: [64] } })).toBe(false);
  });

  it('rejects a malformed VI_WASM_THREADS with a named error', () => {
    const before = process.env.VI_WASM_THREADS;
    try {
      process.env.VI_WASM_THREADS = 'two';
      expect(() => defaultWasmThreads()).toThrow(BackendError);
      expect(() => defaultWasmThreads()).toThrow(/VI_WASM_THREADS=two.*set it to 1/);
      process.env.VI_WASM_THREADS = '2';
      expect(defaultWasmThreads()).toBe(2);
    } finally {
      if (before === undefined) delete process.env.VI_WASM_THREADS; else process.env.VI_WASM_THREADS = before;
    }
  });
});

describe.runIf(threaded)('threaded wasm backend', () => {
  it('routes each kernel call to the pool its size calls for', () => {
    expect(routingKernels()).toBe(true);
    const [a, b, s] = [tf.randomNormal([128, 784]), tf.randomNormal([784, 512]), tf.randomNormal([4, 4])];
    tf.matMul(a, b).dispose();
    expect(activePoolThreads()).toBe(wasmThreadCount());
    tf.matMul(s, s).dispose();
    expect(activePoolThreads()).toBe(1);
    tf.dispose([a, b, s]);
  });

  it('computes the same matrix products, VAE loss and gradients on one thread and on all', () => {
    const vae = new Vae(defaultVaeConfig(), Key.fromSeed(3));
    const x = tf.tidy(() => tf.cast(tf.less(tf.randomUniform([128, 784], 0, 1, 'float32', 4), 0.13), 'float32')) as tf.Tensor2D;
    const [a, b] = [tf.randomNormal([300, 500], 0, 1, 'float32', 5), tf.randomNormal([500, 400], 0, 1, 'float32', 6)];
    const run = () => tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => vae.loss(x, Key.fromSeed(7)), vae.variables);
      return [tf.matMul(a, b), tf.matMul(a, a, false, true), value, ...Object.values(grads)].map((t) => Array.from(t.dataSync()));
    });
    const before = tf.memory().numTensors;
    Object.assign(parallelThresholds, { matMulFlops: Infinity, elements: Infinity });
    const single = run();
    Object.assign(parallelThresholds, { matMulFlops: 0, elements: 0 });
    const multi = run();
    expect(tf.memory().numTensors).toBe(before);
    expect(multi.length).toBe(single.length);
    // XNNPACK splits the output into tiles, and each tile sums in the same order: bit-identical
    multi.forEach((m, i) => expect(m).toEqual(single[i]));
    tf.dispose([x, a, b]);
    vae.dispose();
  });
});
