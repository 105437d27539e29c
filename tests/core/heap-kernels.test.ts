// Our kernels on tfjs's wasm memory: the committed binary, and the Transpose kernel that replaces
// tfjs's for matrices (Adam's kernel is tested in adam.test.ts).
import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import * as tf from '../../lib/core/tf';
import * as committed from '../../lib/core/heap-binary';
import { heapKernels } from '../../lib/core/heap-kernels';
import { heapTransposeCount } from '../../lib/core/wasm-transpose';
import { heapBinaryText, assembleHeap } from '../../scripts/build-gemm-wasm';

/** The transpose by its definition. */
function transposeByIndex(x: ArrayLike<number>, rows: number, cols: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) out.push(x[i * cols + j]);
  return out;
}

describe('kernels on the wasm heap', () => {
  it('ships the binaries that heap-wat.ts assembles to', async () => {
    const text = heapBinaryText(await assembleHeap(true), await assembleHeap(false));
    expect(text).toContain(committed.HEAP_SHARED_BASE64);
    expect(text).toContain(committed.HEAP_UNSHARED_BASE64);
  });

  it('are there on wasm and absent elsewhere', async () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(heapKernels()).not.toBeNull();
    const backend = tf.getBackend();
    await tf.setBackend('cpu');
    try {
      expect(heapKernels()).toBeNull();
    } finally {
      await tf.setBackend(backend);
    }
  });

  it('transpose moves every value of a matrix of any shape to its place, float32 and int32, through our kernel', () => {
    const calls = heapTransposeCount.calls;
    fc.assert(fc.property(fc.integer({ min: 1, max: 37 }), fc.integer({ min: 1, max: 37 }), fc.boolean(), (rows, cols, int) => {
      const values = Array.from({ length: rows * cols }, (_, k) => (int ? k * 7 - 100 : Math.sin(k) * 1e3));
      const before = tf.memory().numTensors;
      const x = tf.tensor2d(values, [rows, cols], int ? 'int32' : 'float32');
      const t = tf.transpose(x);
      expect(t.shape).toEqual([cols, rows]);
      expect(t.dtype).toBe(x.dtype);
      expect(Array.from(t.dataSync())).toEqual(transposeByIndex(int ? values : new Float32Array(values), rows, cols));
      tf.dispose([x, t]);
      expect(tf.memory().numTensors).toBe(before);
    }), { numRuns: 120, seed: 7 });
    expect(heapTransposeCount.calls - calls).toBe(120);
  });

  it('transpose of larger matrices equals the definition (whole blocks, and tails on both sides)', () => {
    for (const [rows, cols] of [[256, 64], [128, 196], [129, 198], [3, 1000], [1000, 3], [64, 784]]) {
      const x = tf.randomNormal([rows, cols], 0, 1, 'float32', rows * cols);
      const t = tf.transpose(x);
      expect(Array.from(t.dataSync())).toEqual(transposeByIndex(x.dataSync(), rows, cols));
      tf.dispose([x, t]);
    }
  });

  it('leaves other transposes to tfjs: rank 3, and booleans', () => {
    const calls = heapTransposeCount.calls;
    const x = tf.tensor3d(Array.from({ length: 24 }, (_, k) => k), [2, 3, 4]);
    // out[k][a][b] = x[a][b][k]
    expect(Array.from(tf.transpose(x, [2, 0, 1]).dataSync())).toEqual(
      Array.from({ length: 24 }, (_, f) => { const [k, a, b] = [Math.floor(f / 6), Math.floor((f % 6) / 3), f % 3]; return a * 12 + b * 4 + k; }));
    const b = tf.tensor2d([true, false, false, true, true, false], [2, 3], 'bool');
    expect(Array.from(tf.transpose(b).dataSync())).toEqual(transposeByIndex([1, 0, 0, 1, 1, 0], 2, 3));
    expect(heapTransposeCount.calls).toBe(calls);
    tf.dispose([x, b]);
  });

  it('gradients through a transpose are the transposed upstream gradient', () => {
    const x = tf.randomNormal([5, 7], 0, 1, 'float32', 3);
    const w = tf.randomNormal([5, 7], 0, 1, 'float32', 4);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.transpose(v), tf.transpose(w))))(x);
    expect(Array.from(g.dataSync())).toEqual(Array.from(w.dataSync()));
    tf.dispose([x, w, g]);
  });

  it('Sum over the first axis of a matrix goes through our transpose and gives tfjs\'s own sums, bit for bit', () => {
    const backend = tf.backend() as unknown as { numDataIds(): number };
    fc.assert(fc.property(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 40 }), fc.boolean(), (rows, cols, int) => {
      const x = int ? tf.tensor2d(Array.from({ length: rows * cols }, (_, k) => (k * 37) % 101 - 50), [rows, cols], 'int32')
        : tf.randomNormal([rows, cols], 0, 1, 'float32', rows * 100 + cols) as tf.Tensor2D;
      // tfjs's own path: a rank-3 sum, which our kernel leaves alone, transposes and sums in the same order
      const reference = tf.tidy(() => tf.reshape(tf.sum(tf.reshape(x, [1, rows, cols]), 1), [cols]));
      const [ids, calls] = [backend.numDataIds(), heapTransposeCount.calls];
      const sum = tf.sum(x, 0);
      expect(heapTransposeCount.calls - calls).toBe(1);
      expect(backend.numDataIds()).toBe(ids + 1); // the transposed copy is freed
      expect(sum.dtype).toBe(x.dtype);
      expect(Array.from(sum.dataSync())).toEqual(Array.from(reference.dataSync()));
      const kept = tf.sum(x, -2, true);
      expect(kept.shape).toEqual([1, cols]);
      expect(Array.from(kept.dataSync())).toEqual(Array.from(reference.dataSync()));
      tf.dispose([x, reference, sum, kept]);
    }), { numRuns: 60, seed: 5 });
  });

  it('leaves other sums to tfjs: the last axis, every axis, rank 3', () => {
    const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
    const calls = heapTransposeCount.calls;
    expect(Array.from(tf.sum(x, 1).dataSync())).toEqual([6, 15]);
    expect(tf.sum(x).dataSync()[0]).toBe(21);
    expect(Array.from(tf.sum(tf.reshape(x, [1, 2, 3]), 2).dataSync())).toEqual([6, 15]);
    expect(heapTransposeCount.calls).toBe(calls);
    x.dispose();
  });
});
