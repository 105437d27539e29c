import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Key } from '../../lib/core/random';
import { head, loadMnist } from '../../lib/data';
import { Vae, binarizedTestSet, trainVae } from '../../lib/vae';
import { randomMessage } from '../../lib/coding';
import * as fs from 'fs';
import * as path from 'path';
import { OUTPUTS, exactDenseBinaryText } from '../../scripts/build-gemm-wasm';
import { CodingError, Message, bucketPosterior, deserializeMessage, popBucket, posteriorCdf, priorBuckets, messageBits, packLanes, randomLanes, serializeMessage, unpackLanes, vaeCoder, vaeLanes } from '../../lib/coding';

describe('BB-ANS on lanes (the speed twin of the one-lane codec)', () => {
  let vae: Vae;
  let images: number[][];
  beforeAll(async () => {
    const data = loadMnist();
    vae = new Vae({ hidden: [64], latentDim: 4 }, Key.fromSeed(1));
    await trainVae(vae, data.train, Key.fromSeed(2), { steps: 150, batchSize: 64, learningRate: 3e-3, progress: 'off' });
    const test = head(binarizedTestSet(data.test), 11);
    images = Array.from({ length: test.n }, (_, i) => Array.from(test.pixels.subarray(i * 784, (i + 1) * 784), (p) => (p ? 1 : 0)));
  });
  afterAll(() => vae.dispose());

  it('ships the binary that exact-dense-wat.ts assembles to', async () => {
    expect(fs.readFileSync(path.resolve(__dirname, '../../lib/coding/exact-dense-binary.ts'), 'utf8')).toBe(await exactDenseBinaryText());
    expect(OUTPUTS.exactDense.endsWith('lib/coding/exact-dense-binary.ts')).toBe(true);
  });

  it('batched networks give exactly the numbers of one image at a time', () => {
    const coder = vaeCoder(vae);
    const batch = coder.networks.encodeBatch(images);
    images.forEach((x, b) => {
      const one = coder.networks.encode(x);
      expect(Array.from(batch[b].mu)).toEqual(Array.from(one.mu));
      expect(Array.from(batch[b].sigma)).toEqual(Array.from(one.sigma));
    });
    const zs = [[0.3, -1, 2, 0], [0, 0, 0, 0], [-0.5, 0.1, 0.2, 1.5]];
    coder.networks.decodeLogitsBatch(zs).forEach((l, b) => expect(Array.from(l)).toEqual(Array.from(coder.networks.decodeLogits(zs[b]))));
    // a larger batch than before grows the kernel's memory
    const many = Array.from({ length: 40 }, (_, b) => images[b % images.length]);
    coder.networks.encodeBatch(many).forEach((q, b) => expect(Array.from(q.mu)).toEqual(Array.from(coder.networks.encode(many[b]).mu)));
    expect(coder.networks.decodeLogitsBatch([])).toEqual([]);
    // odd layer widths take the kernel's last single output
    const odd = new Vae({ hidden: [7], latentDim: 3 }, Key.fromSeed(9));
    const oddCoder = vaeCoder(odd);
    oddCoder.networks.encodeBatch(images).forEach((q, b) => expect(Array.from(q.sigma)).toEqual(Array.from(oddCoder.networks.encode(images[b]).sigma)));
    odd.dispose();
    expect(() => coder.networks.encoder.applyBatch([[1, 0]])).toThrow(/takes 784 inputs, got 2/);
  });

  it('each lane holds bit for bit what the one-lane codec makes of its images, and decodes them back', () => {
    const coder = vaeCoder(vae, { latentBits: 10 });
    const lanes = vaeLanes(coder, 3);
    const start = randomLanes(Key.fromSeed(3), 3, 32);
    const coded = lanes.encode(start, images); // 11 images: batches of 3, 3, 3, 2
    for (let b = 0; b < 3; b++) {
      const own = images.filter((_, i) => i % 3 === b).reduce((m, x) => coder.codec.push(m, x), start[b]);
      expect(coded[b]).toEqual(own);
    }
    const [back, decoded] = lanes.decode(coded, images.length);
    expect(decoded).toEqual(images);
    expect(back).toEqual(start);
  });

  it('packs the lanes into one stream that serializes, and unpacks them exactly; the stream names its lane count', () => {
    const coder = vaeCoder(vae, { latentBits: 10 });
    const lanes = vaeLanes(coder, 4);
    const coded = lanes.encode(randomLanes(Key.fromSeed(4), 4, 32), images);
    const bytes = serializeMessage(packLanes(coded), lanes.descriptor);
    const { message } = deserializeMessage(bytes, lanes.descriptor);
    expect(unpackLanes(message, 4)).toEqual(coded);
    const [, decoded] = lanes.decode(unpackLanes(message, 4), images.length);
    expect(decoded).toEqual(images);
    // the packed stream costs each extra lane its head and a word count: 48 + 32 bits, and 16 for the count
    const separate = coded.reduce((n, m) => n + messageBits(m), 0);
    expect(messageBits(packLanes(coded))).toBe(separate + 3 * 32 + 16);
    expect(() => deserializeMessage(bytes, vaeLanes(coder, 5).descriptor)).toThrow(/lanes: stream 4, decoder 5/);
    expect(() => unpackLanes(message, 5)).toThrow(/holds 4 lanes, the decoder has 5/);
    const cut: Message = { head: message.head, tail: message.tail!.next!.next };
    expect(() => unpackLanes(cut, 4)).toThrow(CodingError);
  });

  it('pops the same bucket as the posterior codec, for narrow, wide and far-off posteriors', () => {
    const key = Key.fromSeed(11);
    for (const [bits, precision] of [[10, 14], [12, 24]]) {
      const buckets = priorBuckets(bits);
      const u = key.foldIn(bits).uniforms(3 * 400);
      for (let n = 0; n < 400; n++) {
        const mu = 16 * u[3 * n] - 8;
        const sigma = Math.exp(12 * u[3 * n + 1] - 10); // from 4.5e-5 to 7
        const m = randomMessage(key.foldIn(1000 + n), 8);
        const [expected, i] = bucketPosterior(mu, sigma, buckets, precision).pop(m);
        const [got, j] = popBucket(m, posteriorCdf(mu, sigma, buckets, precision), mu, sigma, buckets, precision);
        expect(j).toBe(i);
        expect(got.head).toBe(expected.head);
      }
    }
  });

  it('refuses wrong lane counts, oversized batches and images that are not binary', () => {
    const coder = vaeCoder(vae);
    const lanes = vaeLanes(coder, 2);
    const start = randomLanes(Key.fromSeed(5), 2, 32);
    expect(() => lanes.push(start.slice(0, 1), [images[0]])).toThrow(/2 lanes, got 1 messages/);
    expect(() => lanes.push(start, images.slice(0, 3))).toThrow(/a batch holds 1 to 2 images, got 3/);
    expect(() => lanes.push(start, [images[0].map((v) => v * 0.5)])).toThrow(/784 values of 0 or 1/);
    expect(() => vaeLanes(coder, 0)).toThrow(/lanes/);
    expect(() => vaeLanes(coder, 70000)).toThrow(/16-bit lane count/);
  });
});
