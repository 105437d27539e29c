import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '../../lib/core/tf';
import { crc32 } from '../../lib/core/crc32';
import { onBackend } from '../../lib/core/backend';
import { Key } from '../../lib/core/random';
import { head, loadMnist, pixelRange } from '../../lib/data';
import { Vae, binarizedTestSet, trainVae } from '../../lib/vae';
import { CodingError, Message, deserializeMessage, messageBits, randomMessage, serializeMessage, vaeCoder } from '../../lib/coding';
import { expectClose, expectNoLeak } from '../helpers';

describe('BB-ANS with a VAE', () => {
  let vae: Vae;
  let images: number[][];
  let test: ReturnType<typeof binarizedTestSet>;
  beforeAll(async () => {
    const data = loadMnist();
    vae = new Vae({ hidden: [64], latentDim: 4 }, Key.fromSeed(1));
    await trainVae(vae, data.train, Key.fromSeed(2), { steps: 200, batchSize: 64, learningRate: 3e-3, progress: 'off' });
    test = head(binarizedTestSet(data.test), 12);
    images = Array.from({ length: test.n }, (_, i) => Array.from(test.pixels.subarray(i * 784, (i + 1) * 784), (p) => (p ? 1 : 0)));
  });
  afterAll(() => vae.dispose());
  const start = () => randomMessage(Key.fromSeed(3), 32);
  const encodeAll = (codec: { push(m: Message, x: number[]): Message }) => images.reduce((m, x) => codec.push(m, x), start());
  /** Decodes every image from the stored stream, last first, checking each; returns what is left. */
  const decodeAll = (coder: ReturnType<typeof vaeCoder>, bytes: Uint8Array): Message => {
    let back = deserializeMessage(bytes, coder.descriptor).message;
    for (let i = images.length - 1; i >= 0; i--) {
      const [next, x] = coder.codec.pop(back);
      expect(x).toEqual(images[i]);
      back = next;
    }
    return back;
  };

  it('codes a chain of MNIST images losslessly, deterministically, near the negative ELBO, without leaks', async () => {
    const coder = await expectNoLeak(() => vaeCoder(vae, { latentBits: 10 }));
    const m = await expectNoLeak(() => encodeAll(coder.codec));
    const bytes = serializeMessage(m, coder.descriptor);
    expect(Buffer.from(serializeMessage(encodeAll(coder.codec), coder.descriptor)).equals(Buffer.from(bytes))).toBe(true);
    // decode from bytes, last image first
    expect(messageBits(decodeAll(coder, bytes))).toBe(messageBits(start()));
    // net bits per image vs the negative ELBO in bits (a short chain: within 10%)
    const netBits = (messageBits(m) - messageBits(start())) / images.length;
    const x = pixelRange(test, 0, test.n);
    const elbo = tf.tidy(() => tf.mean(tf.stack(Array.from({ length: 50 }, (_, i) => vae.elbo(x, Key.fromSeed(100 + i))))).dataSync()[0]);
    x.dispose();
    const elboBits = -elbo / Math.LN2;
    expect(Math.abs(netBits - elboBits) / elboBits).toBeLessThan(0.1);
    expect(() => coder.codec.push(start(), images[0].slice(1))).toThrow(/784 values of 0 or 1/);
    expect(() => coder.codec.push(start(), images[0].map((v) => v * 255))).toThrow(/784 values of 0 or 1/);
  });

  it("evaluates the networks in float64 within float32 rounding of tfjs's own forward pass", () => {
    const { networks } = vaeCoder(vae);
    const x = pixelRange(test, 0, 4);
    const q = vae.encode(x);
    const [mu, sigma] = [q.loc.arraySync() as number[][], q.scale.arraySync() as number[][]];
    const logits = tf.tidy(() => vae.decoder.apply(q.loc as tf.Tensor2D).arraySync());
    tf.dispose([x, q.loc, q.scale]);
    for (let i = 0; i < 4; i++) {
      const exact = networks.encode(images[i]);
      expectClose(exact.mu, mu[i], 1e-5, 1e-4);
      expectClose(exact.sigma, sigma[i], 1e-6, 1e-4);
      expectClose(networks.decodeLogits(mu[i]), logits[i], 1e-4, 1e-4);
    }
  });

  it('a stream encoded on one backend decodes bit for bit on another', async () => {
    const home = tf.getBackend();
    const other = home === 'cpu' ? 'wasm' : 'cpu';
    const coder = vaeCoder(vae);
    const bytes = serializeMessage(encodeAll(coder.codec), coder.descriptor);
    await onBackend(other, () => {
      expect(tf.getBackend()).toBe(other);
      const there = vaeCoder(vae);
      expect(there.descriptor).toBe(coder.descriptor);
      expect(Buffer.from(serializeMessage(encodeAll(there.codec), there.descriptor)).equals(Buffer.from(bytes))).toBe(true);
      expect(messageBits(decodeAll(there, bytes))).toBe(messageBits(start()));
    });
    expect(tf.getBackend()).toBe(home);
  });

  it('a decoder with other options or other weights refuses the stream by name', () => {
    const coder = vaeCoder(vae);
    const bytes = serializeMessage(encodeAll(coder.codec), coder.descriptor);
    expect(() => deserializeMessage(bytes, vaeCoder(vae, { latentBits: 12 }).descriptor)).toThrow(/latentBits: stream 10, decoder 12/);
    expect(() => deserializeMessage(bytes, vaeCoder(vae, { pixelPrecision: 14 }).descriptor)).toThrow(/pixelPrecision: stream 16, decoder 14/);
    const stranger = new Vae({ hidden: [64], latentDim: 4 }, Key.fromSeed(9));
    expect(() => deserializeMessage(bytes, vaeCoder(stranger).descriptor)).toThrow(/weights: stream [0-9a-f]{8}, decoder [0-9a-f]{8}/);
    stranger.dispose();
    expect(() => vaeCoder(vae, { latentbits: 10 } as never)).toThrow(/'latentbits' is not a codec option/);
    expect(() => vaeCoder(vae, { posteriorPrecision: 10 })).toThrow(/posteriorPrecision/);
    expect(() => vaeCoder(vae, { pixelPrecision: 30 })).toThrow(/pixelPrecision 30 exceeds 24/);
  });

  it('fuzz: streams with mutated words and a repaired CRC decode to images or a CodingError, never hang', () => {
    const coder = vaeCoder(vae, { latentBits: 8 });
    const bytes = serializeMessage(encodeAll(coder.codec), coder.descriptor);
    const words = bytes.length - 4;
    fc.assert(fc.property(fc.integer({ min: 16 + coder.descriptor.length, max: words - 1 }), fc.integer({ min: 1, max: 255 }), (pos, mask) => {
      const mutated = Buffer.from(bytes);
      mutated[pos] ^= mask;
      mutated.writeUInt32BE(crc32(mutated.subarray(0, words)), words);
      const t0 = Date.now();
      try {
        let m = deserializeMessage(mutated, coder.descriptor).message;
        for (let i = 0; i < images.length; i++) {
          const [next, x] = coder.codec.pop(m);
          expect(x.every((v) => v === 0 || v === 1)).toBe(true);
          m = next;
        }
      } catch (e) {
        if (!(e instanceof CodingError)) throw e;
      }
      expect(Date.now() - t0).toBeLessThan(5000);
    }), { numRuns: 60, seed: 25 });
  });
});
