// The engine's matrix products on tfjs's wasm memory (lib/engine/wasm-matmul.ts), which replace
// tfjs's BatchMatMul and _FusedMatMul for float32, on both of their paths (our WebAssembly kernel and
// OpenBLAS, lib/engine/native-blas.ts): values against the product's definition, in double
// precision, over random shapes that hit every tile (4 x 8, 4 x 4, single rows, single columns),
// transposed operands, batches and broadcasts, the fused bias and ReLU; gradients through it.
import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import * as tf from '../../lib/core/tf';
import { heapKernels, parallelProduct } from '../../lib/engine/heap-kernels';
import { heapMatMulCount } from '../../lib/engine/wasm-matmul';
import { nativeBlasStatus, nativeProducts } from '../../lib/engine/native-blas';
import { beforeThreadedKernel, routingKernels } from '../../lib/engine/wasm-threads';
import { ENGINE, expectClose, expectNoLeak, onBothPaths, values } from '../helpers';

/** C = A B by definition, in double precision; a [batch, m, k] and b [batch, k, n] as flat arrays (batch 1 broadcasts). */
function productByDefinition(a: number[], b: number[], batchA: number, batchB: number, m: number, k: number, n: number): number[] {
  const out: number[] = [];
  for (let t = 0; t < Math.max(batchA, batchB); t++) {
    const [oa, ob] = [(batchA === 1 ? 0 : t) * m * k, (batchB === 1 ? 0 : t) * k * n];
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[oa + i * k + p] * b[ob + p * n + j];
      out.push(s);
    }
  }
  return out;
}

/**
 * The result of `product` from a call that the second thread took part in. A worker that wakes late
 * leaves the whole product to this thread (by design), so a few tries may be needed.
 */
function sharedProduct(product: () => number[]): number[] {
  for (let tries = 0; tries < 50; tries++) {
    const splits = parallelProduct.splits;
    const result = product();
    if (parallelProduct.splits > splits) return result;
  }
  throw new Error('the second thread took part in none of 50 products');
}

const pseudoRandom = (size: number, seed: number) => Array.from({ length: size }, (_, i) => Math.sin(seed * 7919 + i * 12.9898) * 2);

onBothPaths('matrix products', 'our WebAssembly kernel', () => nativeProducts.calls, (native) => {
  it.runIf(ENGINE)('runs where tfjs is the wasm backend, with fused multiply-adds where this V8 has relaxed SIMD', () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(heapKernels()?.fused).toBe(true);
  });

  it.runIf(ENGINE)('equals the definition for any shape, transposed operands and batches, through our kernel', async () => {
    const calls = heapMatMulCount.calls;
    let runs = 0;
    await expectNoLeak(() => fc.assert(fc.property(
      fc.integer({ min: 1, max: 21 }), fc.integer({ min: 1, max: 19 }), fc.integer({ min: 1, max: 27 }),
      fc.boolean(), fc.boolean(), fc.constantFrom([1, 1], [3, 3], [3, 1], [1, 2]),
      (m, k, n, transposeA, transposeB, [batchA, batchB]) => {
        const a = pseudoRandom(batchA * m * k, m + 31 * k);
        const b = pseudoRandom(batchB * k * n, n + 17 * k);
        const expected = productByDefinition(a, b, batchA, batchB, m, k, n);
        const got = tf.tidy(() => {
          // the stored operands are the transposes where a flag says so
          let at = tf.tensor3d(a, [batchA, m, k]);
          let bt = tf.tensor3d(b, [batchB, k, n]);
          if (transposeA) at = tf.transpose(at, [0, 2, 1]);
          if (transposeB) bt = tf.transpose(bt, [0, 2, 1]);
          const c = tf.matMul(at, bt, transposeA, transposeB);
          expect(c.shape).toEqual([Math.max(batchA, batchB), m, n]);
          return values(c);
        });
        expectClose(got, expected, 1e-5, 1e-5);
        runs++;
      }), { numRuns: 150, seed: 7 }));
    expect(heapMatMulCount.calls - calls).toBe(runs);
  });

  it('takes larger shapes with tails on both sides, and 2-D operands', () => {
    for (const [m, k, n] of [[130, 67, 197], [9, 300, 70], [256, 64, 2]]) {
      const [a, b] = [pseudoRandom(m * k, 1), pseudoRandom(k * n, 2)];
      const got = tf.tidy(() => values(tf.matMul(tf.tensor2d(a, [m, k]), tf.tensor2d(b, [k, n]))));
      expectClose(got, productByDefinition(a, b, 1, 1, m, k, n), 1e-4, 1e-5);
    }
  });

  it.runIf(ENGINE)('adds the bias and applies ReLU in the fused product; other activations stay with tfjs', () => {
    const [m, k, n] = [10, 13, 11];
    const [a, b, bias] = [pseudoRandom(m * k, 3), pseudoRandom(k * n, 4), pseudoRandom(n, 5)];
    const linear = productByDefinition(a, b, 1, 1, m, k, n).map((v, i) => v + bias[i % n]);
    tf.tidy(() => {
      const [at, bt, biast] = [tf.tensor2d(a, [m, k]), tf.tensor2d(b, [k, n]), tf.tensor1d(bias)];
      let calls = heapMatMulCount.calls;
      expectClose(values(tf.fused.matMul({ a: at, b: bt, bias: biast })), linear, 1e-5, 1e-5);
      expectClose(values(tf.fused.matMul({ a: at, b: bt, bias: biast, activation: 'relu' })), linear.map((v) => Math.max(v, 0)), 1e-5, 1e-5);
      expect(heapMatMulCount.calls - calls).toBe(2);
      calls = heapMatMulCount.calls;
      expectClose(values(tf.fused.matMul({ a: at, b: bt, bias: biast, activation: 'elu' })), linear.map((v) => (v > 0 ? v : Math.expm1(v))), 1e-5, 1e-5);
      expect(heapMatMulCount.calls).toBe(calls);
    });
  });

  it('gives tfjs autodiff gradients through it equal to the backward products by definition', () => {
    const [m, k, n] = [6, 5, 9];
    const [a, b, dy] = [pseudoRandom(m * k, 6), pseudoRandom(k * n, 7), pseudoRandom(m * n, 8)];
    tf.tidy(() => {
      const [da, db] = tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), tf.tensor2d(dy, [m, n]))))([tf.tensor2d(a, [m, k]), tf.tensor2d(b, [k, n])]);
      const transpose = (x: number[], rows: number, cols: number) => Array.from({ length: rows * cols }, (_, i) => x[(i % rows) * cols + Math.floor(i / rows)]);
      expectClose(values(da), productByDefinition(dy, transpose(b, k, n), 1, 1, m, n, k), 1e-5, 1e-5);
      expectClose(values(db), productByDefinition(transpose(a, m, k), dy, 1, 1, k, m, n), 1e-5, 1e-5);
    });
  });

  it.runIf(ENGINE && native)('gives the same bits run after run, on one OpenBLAS thread and on all (which may differ in the last bits)', () => {
    for (const [m, k, n] of [[128, 196, 512], [500, 200, 784], [9, 900, 533]] as const) {
      const [a, b] = [pseudoRandom(m * k, 13), pseudoRandom(k * n, 14)];
      const product = () => tf.tidy(() => values(tf.matMul(tf.tensor2d(a, [m, k]), tf.tensor2d(b, [k, n]))));
      const all = product();
      expect(product().every((v, i) => v === all[i])).toBe(true);
      const minFlops = nativeProducts.minParallelFlops;
      nativeProducts.minParallelFlops = Infinity;
      try {
        const one = product();
        expect(product().every((v, i) => v === one[i])).toBe(true);
        // OpenBLAS sums in another order on one thread (its small-matrix kernels): equal to float32 accuracy
        expectClose(one, all, 1e-4, 1e-5);
      } finally {
        nativeProducts.minParallelFlops = minFlops;
      }
    }
  });

  it.runIf(ENGINE && native)('refuses operands outside the heap by name', () => {
    const product = heapKernels()!.native!;
    const heapBytes = (tf.backend() as unknown as { wasm: { HEAPF32: Float32Array } }).wasm.HEAPF32.length * 4;
    expect(() => product(heapBytes - 16, false, 0, false, 0, 4, 4, 4, 0, false)).toThrow(/reaches outside the heap/);
    expect(() => product(2, false, 0, false, 0, 4, 4, 4, 0, false)).toThrow(/multiples of 4 bytes/);
    expect(() => product(0, false, 0, false, 0, 0, 4, 4, 0, false)).toThrow(/must be positive/);
    expect(() => product(0, false, 0, false, 0, 4, 4, 4, 0, false, 3, heapBytes / 2, 0)).toThrow(/reaches outside the heap/);
    expect(() => product(0, false, 0, false, 0, 4, 4, 4, 0, false, 0)).toThrow(/batch must be positive/);
  });

  it.runIf(ENGINE && !native)('splits large products between two threads with the same bits as one thread', async () => {
    // the worker starts at the first large product; until it is ready, products stay on this thread
    const warm = tf.tidy(() => [tf.ones([64, 256]), tf.ones([256, 256])]);
    for (let tries = 0; tries < 200; tries++) {
      const splits = parallelProduct.splits;
      tf.matMul(warm[0], warm[1]).dispose();
      if (parallelProduct.splits > splits) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    tf.dispose(warm);
    const shapes: [number, number, number][] = [[128, 196, 512], [37, 300, 401], [9, 900, 533]];
    for (const [m, k, n] of shapes) {
      expect(2 * m * k * n).toBeGreaterThanOrEqual(parallelProduct.minFlops);
      const [a, b] = [pseudoRandom(m * k, 9), pseudoRandom(k * n, 10)];
      const product = () => tf.tidy(() => values(tf.matMul(tf.tensor2d(a, [m, k]), tf.tensor2d(b, [k, n]))));
      const twoThreads = sharedProduct(product);
      parallelProduct.enabled = false;
      try {
        expect(twoThreads).toEqual(product());
      } finally {
        parallelProduct.enabled = true;
      }
      expectClose(twoThreads, productByDefinition(a, b, 1, 1, m, k, n), 1e-4, 1e-5);
    }
  });

  it.runIf(ENGINE && !native)('wakes the second thread for the next product after a kernel on tfjs\'s pool sent it to rest', () => {
    const [m, k, n] = [128, 196, 512];
    const [a, b] = [tf.tensor2d(pseudoRandom(m * k, 11), [m, k]), tf.tensor2d(pseudoRandom(k * n, 12), [k, n])];
    tf.matMul(a, b).dispose(); // the worker has a job behind it and spins
    if (routingKernels()) {
      expect(beforeThreadedKernel.size).toBeGreaterThan(0);
      const big = tf.ones([1 << 20]);
      tf.neg(big).dispose(); // on the pool: the worker is told to rest first
      big.dispose();
    } else beforeThreadedKernel.forEach((f) => f());
    const rested = sharedProduct(() => tf.tidy(() => values(tf.matMul(a, b))));
    parallelProduct.enabled = false;
    try {
      expect(rested).toEqual(tf.tidy(() => values(tf.matMul(a, b))));
    } finally {
      parallelProduct.enabled = true;
    }
    tf.dispose([a, b]);
  });
});

describe('where the products run', () => {
  it.runIf(ENGINE && process.env.CI === 'true')('on OpenBLAS in CI, which builds the addon (scripts/build-native.sh)', () => {
    expect(nativeBlasStatus()).toMatch(/^products on OpenBLAS/);
    expect(heapKernels()?.native).toBeTypeOf('function');
  });
});
