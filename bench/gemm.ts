// Benchmark: our packed WebAssembly matrix kernel (lib/engine/gemm.ts) against tfjs's matMul
// (XNNPACK, on the backend's threads) on the product the Cholesky spends its time in: C -= A B^T
// with a tall panel A = B of k columns. Alternating rounds in one process; GFLOP/s counts 2 m n k.
// Ours is timed with the packing of A and B included, on one thread and on two. tf.matMul runs
// XNNPACK here: our unpacked product kernel (lib/engine/wasm-matmul.ts), which tf.matMul uses
// otherwise, is compared with XNNPACK in bench/products.ts.
// Usage: node dist/bench/gemm.js [--rounds 5]
import { initBackend } from '../lib/core/backend';
import * as tf from '../lib/core/tf';
import { PackedGemm } from '../lib/engine/gemm';
import { heapMatMul } from '../lib/engine/wasm-matmul';
import { median } from './rounds';
import { parseArgs } from '../scripts/args';

async function main() {
  heapMatMul.enabled = false;
  const args = parseArgs({ rounds: '5' });
  const rounds = Number(args.rounds);
  const backend = await initBackend({ quiet: true });
  const engines = { 'ours, 1 thread': new PackedGemm({ threads: 1 }), 'ours, 2 threads': new PackedGemm({ threads: 2 }) };
  console.log(`\nC (m x m) -= P P^T, P: m x k; GFLOP/s (2 m^2 k / s), medians of ${rounds} alternating rounds`);
  console.log(`our kernel: ${engines['ours, 2 threads'].fused ? 'fused multiply-add (relaxed SIMD)' : 'multiply then add (no relaxed SIMD in this V8)'}\n`);
  console.log(`${'m x k'.padEnd(12)}${`tfjs ${backend} matMul`.padStart(20)}${Object.keys(engines).map((k) => k.padStart(18)).join('')}${'ratio 2 threads / tfjs'.padStart(25)}`);
  for (const [m, k] of [[512, 128], [2048, 256], [4000, 256]]) {
    const flops = 2 * m * m * k;
    const p = tf.randomNormal([m, k]) as tf.Tensor2D;
    const c = tf.randomNormal([m, m]) as tf.Tensor2D;
    const pValues = p.dataSync() as Float32Array;
    const times: Record<string, number[]> = { tfjs: [], ...Object.fromEntries(Object.keys(engines).map((e) => [e, [] as number[]])) };
    for (let r = 0; r <= rounds; r++) {
      let t = performance.now();
      tf.tidy(() => { tf.sub(c, tf.matMul(p, tf.transpose(p))); }); // the wasm backend runs kernels synchronously; explicit transpose: XNNPACK's fast path
      if (r > 0) times.tfjs.push(performance.now() - t);
      for (const [name, g] of Object.entries(engines)) {
        const v = g.reserve(m * m + 2 * m * k);
        v.set(pValues, m * m); // P row-major after C
        t = performance.now();
        g.pack(m * m, k, m, k, m * m + m * k, 4);
        g.pack(m * m, k, m, k, m * m, 8); // B over P's own rows: P is not needed after packing A
        g.update(0, m, m * m + m * k, m * m, m / 4, m / 8, k);
        if (r > 0) times[name].push(performance.now() - t);
      }
    }
    const rate = (ms: number[]) => flops / median(ms) / 1e6;
    const row = [rate(times.tfjs), ...Object.keys(engines).map((e) => rate(times[e]))];
    console.log(`${`${m} x ${k}`.padEnd(12)}${row[0].toFixed(1).padStart(20)}${row.slice(1).map((x) => x.toFixed(1).padStart(18)).join('')}${(row[2] / row[0]).toFixed(2).padStart(25)}`);
    tf.dispose([p, c]);
  }
  await Promise.all(Object.values(engines).map((g) => g.dispose()));
}

main().catch((e) => { console.error(e); process.exit(1); });
