// Benchmark: the wasm facts behind lib/engine/wasm-matmul.ts, lib/nn/dense.ts and the Bernoulli
// likelihood, measured side by side in one run. (1) x W at batch 128 with a weight matrix that is new
// for every product (as in training): tfjs's XNNPACK kernel, against our WebAssembly kernel on one
// thread and on two, and OpenBLAS (lib/engine/native-blas.ts) where its addon is built; (2) one dense layer's forward and backward pass with new weights, XNNPACK under tfjs
// autodiff (its backward products are transposed) against lib/nn's affine on our kernel; (3)
// per-element cost of softplus, exp, log1p and sigmoid; (4) element-wise kernels on tfjs's thread
// pool against one thread, by size, alone and right after a product that our second thread shared
// (lib/engine/wasm-threads.ts's parallelThresholds.elements).
// Usage: node dist/bench/products.js [--repeats 20 --rounds 5]
import { initBackend } from '../lib/core/backend';
import * as tf from '../lib/core/tf';
import { affine } from '../lib/nn';
import { heapMatMul } from '../lib/engine/wasm-matmul';
import { heapKernels, parallelProduct } from '../lib/engine/heap-kernels';
import { nativeBlasStatus, nativeProducts } from '../lib/engine/native-blas';
import { parallelThresholds, routingKernels } from '../lib/engine/wasm-threads';
import { median } from './rounds';
import { parseArgs } from '../scripts/args';

/**
 * Median over rounds of the milliseconds per call of f, each call on its own inputs from make()
 * (made before the round's clock starts and disposed after it). The clock stops when the calls
 * return, without reading values back: kernels on wasm (and cpu) run synchronously, and a read-back
 * would time a copy out of the wasm heap into fresh memory (0.7 ms for 256 KB on this VM).
 */
function time(rounds: number, repeats: number, make: () => tf.Tensor[], f: (inputs: tf.Tensor[]) => tf.Tensor | tf.Tensor[]): number {
  const perRound: number[] = [];
  for (let r = 0; r <= rounds; r++) {
    const inputs = Array.from({ length: repeats }, make);
    const t0 = performance.now();
    for (const input of inputs) {
      const out = f(input);
      tf.dispose(out);
    }
    if (r > 0) perRound.push((performance.now() - t0) / repeats); // round 0 warms up
    inputs.forEach((i) => tf.dispose(i));
  }
  return median(perRound);
}

/** f with tfjs's own matrix kernels (XNNPACK) instead of ours. */
function withTfjsProducts<T>(f: () => T): T {
  heapMatMul.enabled = false;
  try { return f(); } finally { heapMatMul.enabled = true; }
}

/** f with our WebAssembly kernel instead of OpenBLAS, on two threads or one. */
function withWasm<T>(threads: 1 | 2, f: () => T): T {
  nativeProducts.enabled = false;
  parallelProduct.enabled = threads === 2;
  try { return f(); } finally { parallelProduct.enabled = true; nativeProducts.enabled = true; }
}

/** f with every element-wise kernel on tfjs's multi-threaded pool (true) or on one thread (false). */
function withPool<T>(pool: boolean, f: () => T): T {
  const saved = parallelThresholds.elements;
  parallelThresholds.elements = pool ? 0 : Infinity;
  try { return f(); } finally { parallelThresholds.elements = saved; }
}

/** Median over rounds of the microseconds per call of f, on a copy of x per call (wasm kernels are synchronous: no read-back). */
function timeKernel(rounds: number, repeats: number, x: tf.Tensor, f: (t: tf.Tensor) => tf.Tensor): number {
  const perRound: number[] = [];
  for (let r = 0; r <= rounds; r++) {
    const inputs = Array.from({ length: repeats }, () => tf.add(x, 0));
    const t0 = performance.now();
    for (const input of inputs) f(input).dispose();
    if (r > 0) perRound.push((1000 * (performance.now() - t0)) / repeats);
    tf.dispose(inputs);
  }
  return median(perRound);
}

/** Element-wise kernels on tfjs's pool against one thread, alone and right after a shared product. */
function poolTable(rounds: number, repeats: number): void {
  console.log(`\nElement-wise kernels on tfjs's thread pool and on one thread: us per call, alone and right after a 128 x 196 x 512 product that our second thread shared (the pool is used from ${parallelThresholds.elements} elements)\n`);
  console.log(`${'kernel'.padEnd(10)}${'elements'.padStart(10)}${'pool'.padStart(9)}${'one'.padStart(9)}${'after product: pool'.padStart(21)}${'one'.padStart(9)}`);
  const [a, b] = [tf.randomNormal([128, 196], 0, 1, 'float32', 4), tf.randomNormal([196, 512], 0, 1, 'float32', 5)];
  for (const size of [65536, 262144, 1048576]) {
    const x = tf.randomNormal([size], 0, 1, 'float32', 6);
    for (const [name, f] of [['relu', tf.relu], ['neg', tf.neg], ['sigmoid', tf.sigmoid]] as [string, (t: tf.Tensor) => tf.Tensor][]) {
      const afterProduct = (t: tf.Tensor) => { tf.matMul(a, b).dispose(); return f(t); };
      const productAlone = (t: tf.Tensor) => tf.matMul(a, b);
      const us = (pool: boolean, after: boolean) => withPool(pool, () => (after
        ? timeKernel(rounds, repeats, x, afterProduct) - timeKernel(rounds, repeats, x, productAlone)
        : timeKernel(rounds, repeats, x, f)));
      console.log(`${name.padEnd(10)}${String(size).padStart(10)}${us(true, false).toFixed(0).padStart(9)}${us(false, false).toFixed(0).padStart(9)}${us(true, true).toFixed(0).padStart(21)}${us(false, true).toFixed(0).padStart(9)}`);
    }
    x.dispose();
  }
  console.log('(after product = the time of a product and the kernel, less that of the product alone)');
  tf.dispose([a, b]);
}

async function main() {
  const args = parseArgs({ repeats: '20', rounds: '5' });
  const [repeats, rounds] = [Number(args.repeats), Number(args.rounds)];
  const backend = await initBackend({ quiet: true });
  const batch = 128;
  const gflops = (flops: number, ms: number) => `${ms.toFixed(3)} (${(flops / ms / 1e6).toFixed(0)})`;
  console.log(`\nMatrix products x W at batch ${batch} with a new W per product, and a dense layer's forward and backward pass (tfjs ${backend}); ms per call (GFLOP/s), medians of ${rounds} rounds of ${repeats}\n`);
  const native = heapKernels()?.native != null;
  console.log(`(${nativeBlasStatus()})\n`);
  console.log(`${'in x out'.padEnd(10)}${'XNNPACK'.padStart(16)}${'wasm, 1 thread'.padStart(16)}${'wasm, 2 threads'.padStart(17)}${'OpenBLAS'.padStart(16)}${'ratio'.padStart(7)}${'layer, XNNPACK'.padStart(18)}${'layer, ours'.padStart(16)}${'ratio'.padStart(7)}`);
  for (const [inputs, outputs] of [[784, 400], [400, 784], [784, 512], [400, 40], [64, 64], [196, 512]]) {
    const x0 = tf.randomNormal([batch, inputs], 0, 1, 'float32', 1) as tf.Tensor2D;
    const w0 = tf.randomNormal([inputs, outputs], 0, 0.05, 'float32', 2) as tf.Tensor2D;
    const b0 = tf.zeros([outputs]) as tf.Tensor1D;
    const fresh = () => [tf.add(x0, 0), tf.add(w0, 0)];
    const product = ([x, w]: tf.Tensor[]) => tf.matMul(x, w);
    const xnnpack = withTfjsProducts(() => time(rounds, repeats, fresh, product));
    const oneThread = withWasm(1, () => time(rounds, repeats, fresh, product));
    const twoThreads = withWasm(2, () => time(rounds, repeats, fresh, product));
    const blas = native ? time(rounds, repeats, fresh, product) : NaN;
    // a layer's forward and backward pass with new weights, as in a training step
    const layer = (f: (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor) => ([x, w]: tf.Tensor[]) =>
      tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.tanh(f(xx as tf.Tensor2D, ww as tf.Tensor2D, b0))))([x, w]);
    const layerTfjs = withTfjsProducts(() => time(rounds, repeats, fresh, layer((x, w, b) => tf.add(tf.matMul(x, w), b))));
    const layerOurs = time(rounds, repeats, fresh, layer(affine));
    const flops = 2 * batch * inputs * outputs;
    const ours = native ? blas : Math.min(oneThread, twoThreads);
    console.log(`${`${inputs}x${outputs}`.padEnd(10)}${gflops(flops, xnnpack).padStart(16)}${gflops(flops, oneThread).padStart(16)}${gflops(flops, twoThreads).padStart(17)}${(native ? gflops(flops, blas) : '-').padStart(16)}${(xnnpack / ours).toFixed(1).padStart(7)}`
      + `${layerTfjs.toFixed(3).padStart(18)}${layerOurs.toFixed(3).padStart(16)}${(layerTfjs / layerOurs).toFixed(1).padStart(7)}`);
    tf.dispose([x0, w0, b0]);
  }
  console.log(`(ratio = XNNPACK's time / ours: OpenBLAS where it is built, else our wasm kernel at its faster thread count; wasm products of at least ${parallelProduct.minFlops / 1e6} MFLOP take two threads by default, OpenBLAS ones of ${nativeProducts.minParallelFlops / 1e6}. layer = forward and backward pass of x W + b under a tanh, new weights: tfjs autodiff on XNNPACK, whose backward products are transposed, against lib/nn's affine on the engine's products)`);

  const x = tf.randomNormal([batch, 784], 0, 3, 'float32', 3);
  console.log(`\nElement-wise functions on a ${batch} x 784 tensor: ns per element\n`);
  for (const [name, f] of [['softplus', tf.softplus], ['exp', tf.exp], ['tanh', tf.tanh], ['log1p', (t: tf.Tensor) => tf.log1p(tf.abs(t))], ['sigmoid', tf.sigmoid], ['multiply', (t: tf.Tensor) => tf.mul(t, t)]] as [string, (t: tf.Tensor) => tf.Tensor][]) {
    const ms = time(rounds, repeats, () => [tf.add(x, 0)], ([t]) => tf.tidy(() => f(t)));
    console.log(`  ${name.padEnd(10)}${((ms * 1e6) / x.size).toFixed(1).padStart(8)}`);
  }
  console.log('  (log1p row includes an abs, about as cheap as multiply)');
  x.dispose();
  if (routingKernels()) withWasm(2, () => poolTable(rounds, repeats));
}

main().catch((e) => { console.error(e); process.exit(1); });
