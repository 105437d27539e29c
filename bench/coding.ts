// Benchmark: encode and decode throughput of plain rANS on a long symbol stream, and of BB-ANS on
// MNIST test images: the teaching codec (one lane, one image per network call) against its laned
// speed twin (lib/coding/vae-lanes.ts) at several lane counts, with the lecture VAE and with a VAE of
// craystack's example size (784-100-40, trained here for --small-steps steps).
// Usage: node dist/bench/coding.js [--symbols 1000000] [--images 1000] [--lanes 1,10,20] [--small-steps 3000]
import { initBackend } from '../lib/core/backend';
import { Key } from '../lib/core/random';
import { ImageSet, loadMnist } from '../lib/data';
import { Vae, binarizedTestSet, trainVae } from '../lib/vae';
import { VaeCodecOptions, categorical, emptyMessage, lanesBits, messageBits, quantizeProbabilities, randomLanes, randomMessage, rateReference, vaeCoder, vaeLanes } from '../lib/coding';
import { parseArgs } from '../scripts/args';
import { ResultRow, saveResults } from './results';

function seconds(f: () => void): number {
  const t = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

async function main() {
  const args = parseArgs({ symbols: '1000000', images: '1000', weights: 'data/vae-mnist', lanes: '1,10,20', 'small-steps': '3000' });
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

  const test = binarizedTestSet(loadMnist().test);
  const k = Math.min(Number(args.images), test.n);
  const images = Array.from({ length: k }, (_, i) => Array.from(test.pixels.subarray(i * 784, (i + 1) * 784), (p) => (p ? 1 : 0)));
  const laneCounts = args.lanes.split(',').map(Number);
  const { vae } = Vae.load(args.weights);
  const rows = codeImages('the lecture VAE 784-512,256-32', vae, {}, test, images, laneCounts);
  vae.dispose();
  // craystack's own example's size: a 784-100-40 VAE (ReLU); coded at our precisions, and at craystack's
  // (10-bit latent buckets, posterior 14 bits, pixels 16 bits), which cost rate for speed
  const small = new Vae({ dataDim: 784, hidden: [100], latentDim: 40, activation: 'relu' }, Key.fromSeed(3));
  await trainVae(small, loadMnist().train, Key.fromSeed(4), { steps: Number(args['small-steps']), batchSize: 128, learningRate: 1e-3, progress: 'off' });
  const smallLabel = `784-100-40 (craystack's size, ${args['small-steps']} training steps)`;
  rows.push(...codeImages(smallLabel, small, {}, test, images, laneCounts));
  rows.push(...codeImages(`${smallLabel}, craystack's precisions`, small, { latentBits: 10, posteriorPrecision: 14, pixelPrecision: 16 }, test, images, laneCounts));
  saveResults({ bench: 'coding', title: `BB-ANS on ${k} MNIST test images, seconds per image to encode and to decode: the teaching codec (one lane) and the laned speed twin`, backend: 'float64 in JavaScript and WebAssembly', rounds: 1, settings: 'none', rows },
    `craystack's MNIST example (784-100-40, 10 images per network call) encoded about ${CRAYSTACK_IMAGES_PER_SECOND} images/s on this machine, measured separately`);
  console.log(`(craystack's MNIST example, 784-100-40 with 10 images per network call, encoded about ${CRAYSTACK_IMAGES_PER_SECOND} images/s on this machine)`);
  small.dispose();
}

/** Draws of z per image for the negative ELBO the rates are compared with. */
const ELBO_DRAWS = 8;

/** craystack's MNIST example (torch_vae, 10 images per network call), measured on this machine on the same test images; from the issue that asked for lanes. */
const CRAYSTACK_IMAGES_PER_SECOND = 9000;

/**
 * BB-ANS on the images with the teaching codec (one lane, one image per network call) and with the
 * laned speed twin at each lane count: images per second both ways, bits per pixel net of the initial
 * bits, the laned rate against the one-lane rate, and the rate against the negative ELBO of the same
 * images (ELBO_DRAWS draws each) with the Monte Carlo error of that paired comparison.
 */
function codeImages(label: string, vae: Vae, options: Partial<VaeCodecOptions>, test: ImageSet, images: number[][], laneCounts: number[]): ResultRow[] {
  const k = images.length;
  const coder = vaeCoder(vae, options);
  const pixels = k * 784;
  const reference = rateReference(vae, test, { elbo: Key.fromSeed(9), coder: Key.fromSeed(10) }, ELBO_DRAWS, k);
  const negElbo = -reference.elbo.mean / Math.LN2 / 784;
  console.log(`\nBB-ANS with ${label}, ${k} MNIST test images; negative ELBO ${negElbo.toFixed(5)} bits/pixel (${ELBO_DRAWS} draws per image); a rate's Monte Carlo error against it ± ${(100 * reference.error).toFixed(3)} %`);
  const start = randomMessage(Key.fromSeed(2), 64);
  let s = start;
  const encB = seconds(() => { for (const img of images) s = coder.codec.push(s, img); });
  let t = s;
  const decB = seconds(() => { for (let i = 0; i < k; i++) [t] = coder.codec.pop(t); });
  const oneLane = messageBits(s) - messageBits(start);
  console.log(`${'codec'.padEnd(34)}${'encode img/s'.padStart(14)}${'decode img/s'.padStart(14)}${'bits/pixel'.padStart(12)}${'vs one lane'.padStart(14)}${'vs -ELBO'.padStart(12)}`);
  const percent = (ratio: number, width: number) => `${(100 * (ratio - 1)).toFixed(3)} %`.padStart(width);
  const row = (name: string, enc: number, dec: number, bits: number) =>
    console.log(`${name.padEnd(34)}${(k / enc).toFixed(0).padStart(14)}${(k / dec).toFixed(0).padStart(14)}${(bits / pixels).toFixed(5).padStart(12)}${percent(bits / oneLane, 14)}${percent(bits / pixels / negElbo, 12)}`);
  row('teaching codec, one lane', encB, decB, oneLane);
  const saved: ResultRow[] = [];
  const save = (name: string, enc: number, dec: number) => saved.push(
    { model: `BB-ANS encode, ${label}, ${name}`, unit: 'ms', compared: { ours: enc / k } },
    { model: `BB-ANS decode, ${label}, ${name}`, unit: 'ms', compared: { ours: dec / k } });
  save('one lane (teaching codec)', encB, decB);
  for (const n of laneCounts) {
    const lanes = vaeLanes(coder, n);
    const first = randomLanes(Key.fromSeed(2), n, 64);
    let coded = first;
    const enc = seconds(() => { coded = lanes.encode(first, images); });
    let decoded: number[][] = [];
    const dec = seconds(() => { [, decoded] = lanes.decode(coded, k); });
    if (decoded.some((img, i) => img.some((v, j) => v !== images[i][j]))) throw new Error(`${n} lanes did not decode the images they coded`);
    row(`${n} lane${n === 1 ? '' : 's'}, batched networks`, enc, dec, lanesBits(coded) - lanesBits(first));
    save(`${n} lane${n === 1 ? '' : 's'}`, enc, dec);
  }
  console.log('(bits: the packed stream less its initial random words; each lane beyond the first adds its 48-bit head and a 32-bit word count)');
  return saved;
}

main().catch((e) => { console.error(e); process.exit(1); });
