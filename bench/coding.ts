// Benchmark: encode and decode throughput of plain rANS on a long symbol stream and of BB-ANS with
// the lecture VAE on MNIST test images.
// Usage: node dist/bench/coding.js [--symbols 1000000 --images 1000]
import { initBackend } from '../lib/core/backend';
import { Key } from '../lib/core/random';
import { loadMnist } from '../lib/data';
import { Vae, binarizedTestSet } from '../lib/vae';
import { categorical, emptyMessage, messageBits, quantizeProbabilities, randomMessage, vaeCoder } from '../lib/coding';
import { parseArgs } from '../scripts/args';

function seconds(f: () => void): number {
  const t = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

async function main() {
  const args = parseArgs({ symbols: '1000000', images: '1000', weights: 'data/vae-mnist' });
  await initBackend({ quiet: true });
  // rANS: 256-symbol alphabet with geometric-ish probabilities, 16-bit precision
  const n = Number(args.symbols);
  const probs = Array.from({ length: 256 }, (_, i) => Math.exp(-i / 20));
  const codec = categorical(quantizeProbabilities(probs, 16), 16);
  const cum: number[] = [];
  probs.reduce((s, p, i) => (cum[i] = s + p), 0);
  const total = cum[255];
  const u = Key.fromSeed(1).uniforms(n);
  const symbols = Array.from(u, (v) => cum.findIndex((c) => v * total < c));
  let m = emptyMessage();
  const enc = seconds(() => { for (const s of symbols) m = codec.push(m, s); });
  let back = m;
  const dec = seconds(() => { for (let i = 0; i < n; i++) [back] = codec.pop(back); });
  const bits = messageBits(m);
  console.log(`rANS, 256 symbols, 16-bit precision, ${n} symbols: ${(bits / n).toFixed(3)} bits/symbol`);
  console.log(`  encode ${(n / enc / 1e6).toFixed(2)} M symbols/s (${(bits / enc / 1e6).toFixed(1)} Mbit/s), decode ${(n / dec / 1e6).toFixed(2)} M symbols/s (${(bits / dec / 1e6).toFixed(1)} Mbit/s)`);

  const { vae } = Vae.load(args.weights);
  const test = binarizedTestSet(loadMnist().test);
  const k = Math.min(Number(args.images), test.n);
  const images = Array.from({ length: k }, (_, i) => Array.from(test.pixels.subarray(i * 784, (i + 1) * 784), (p) => (p ? 1 : 0)));
  const bb = vaeCoder(vae).codec;
  const start = randomMessage(Key.fromSeed(2), 64);
  let s = start;
  const encB = seconds(() => { for (const x of images) s = bb.push(s, x); });
  let t = s;
  const decB = seconds(() => { for (let i = 0; i < k; i++) [t] = bb.pop(t); });
  const bbBits = messageBits(s) - messageBits(start);
  console.log(`BB-ANS with the VAE, ${k} MNIST test images: ${(bbBits / k / 784).toFixed(4)} bits/pixel`);
  console.log(`  encode ${(k / encB).toFixed(0)} images/s (${(bbBits / encB / 1e3).toFixed(1)} kbit/s), decode ${(k / decB).toFixed(0)} images/s (${(bbBits / decB / 1e3).toFixed(1)} kbit/s)`);
  vae.dispose();
}

main().catch((e) => { console.error(e); process.exit(1); });
