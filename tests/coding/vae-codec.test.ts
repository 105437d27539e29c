import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key } from '../../lib/core/random';
import { head, loadMnist, pixelRange } from '../../lib/data';
import { Vae, binarizedTestSet, trainVae } from '../../lib/vae';
import { deserializeMessage, messageBits, randomMessage, serializeMessage, vaeBbAnsCodec } from '../../lib/coding';
import { expectNoLeak } from '../helpers';

describe('BB-ANS with a VAE', () => {
  it('codes a chain of MNIST images losslessly, deterministically, near the negative ELBO, without leaks', async () => {
    const data = loadMnist();
    const vae = new Vae({ hidden: [64], latentDim: 4 }, Key.fromSeed(1));
    await trainVae(vae, data.train, Key.fromSeed(2), { steps: 200, batchSize: 64, learningRate: 3e-3, progress: 'off' });
    const test = head(binarizedTestSet(data.test), 12);
    const images = Array.from({ length: test.n }, (_, i) => Array.from(test.pixels.subarray(i * 784, (i + 1) * 784), (p) => (p ? 1 : 0)));
    const codec = vaeBbAnsCodec(vae, { latentBits: 10 });
    const start = randomMessage(Key.fromSeed(3), 32);
    const encode = () => images.reduce((m, x) => codec.push(m, x), start);
    const m = await expectNoLeak(encode);
    const bytes = serializeMessage(m, 16);
    expect(Buffer.from(serializeMessage(encode(), 16)).equals(Buffer.from(bytes))).toBe(true);
    // decode from bytes, last image first
    let back = deserializeMessage(bytes).message;
    for (let i = images.length - 1; i >= 0; i--) {
      const [next, x] = codec.pop(back);
      expect(x).toEqual(images[i]);
      back = next;
    }
    expect(messageBits(back)).toBe(messageBits(start));
    // net bits per image vs the negative ELBO in bits (a short chain: within 10%)
    const netBits = (messageBits(m) - messageBits(start)) / images.length;
    const x = pixelRange(test, 0, test.n);
    const elbo = tf.tidy(() => tf.mean(tf.stack(Array.from({ length: 50 }, (_, i) => vae.elbo(x, Key.fromSeed(100 + i))))).dataSync()[0]);
    x.dispose();
    const elboBits = -elbo / Math.LN2;
    expect(Math.abs(netBits - elboBits) / elboBits).toBeLessThan(0.1);
    expect(() => codec.push(start, images[0].slice(1))).toThrow(/784 values of 0 or 1/);
    vae.dispose();
  });
});
