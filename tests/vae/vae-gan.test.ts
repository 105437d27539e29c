import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key } from '../../lib/core/random';
import { ImageSet } from '../../lib/data';
import { Discriminator, Vae, laplacianEnergy, trainVaeGan } from '../../lib/vae';
import { expectClose, expectNoLeak, values } from '../helpers';

function images(n: number, seed: number): ImageSet {
  // bright squares at random places on 8x8: real images with sharp edges
  const u = Key.fromSeed(seed).uniforms(n);
  const pixels = new Uint8Array(n * 64);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(u[i] * 5);
    for (let r = at; r < at + 3; r++) for (let c = at; c < at + 3; c++) pixels[i * 64 + r * 8 + c] = 255;
  }
  return { pixels, labels: new Uint8Array(n), n, rows: 8, cols: 8 };
}

const small = () => ({ vae: new Vae({ dataDim: 64, hidden: [16], latentDim: 2 }, Key.fromSeed(1)), disc: new Discriminator(64, [16], Key.fromSeed(2)) });

describe('VAE-GAN', () => {
  it('is reproducible and leak-free, and the discriminator learns to tell data from decoder means', async () => {
    const run = async () => {
      const { vae, disc } = small();
      const h = await expectNoLeak(() => trainVaeGan(vae, disc, images(64, 3), Key.fromSeed(4), { steps: 40, batchSize: 16, learningRate: 1e-3, discriminatorLearningRate: 3e-3, adversarialWeight: 1, progress: 'off' }));
      const w = values(vae.decoder.variables[0]);
      vae.dispose(); disc.dispose();
      return { h, w };
    };
    const a = await run();
    const b = await run();
    expect(a.h.losses).toEqual(b.h.losses);
    expect(a.w).toEqual(b.w);
    const first = a.h.discriminatorLosses[0];
    const last = a.h.discriminatorLosses.slice(-5).reduce((x, y) => x + y) / 5;
    expect(first).toBeGreaterThan(1); // about 2 log 2 = 1.39 for a discriminator that cannot tell yet
    expect(last).toBeLessThan(first - 0.3);
  });

  it('the adversarial term moves the decoder only: one step with and without it leaves the same encoder', async () => {
    const step = async (w: number) => {
      const { vae, disc } = small();
      await trainVaeGan(vae, disc, images(32, 5), Key.fromSeed(6), { steps: 1, batchSize: 8, adversarialWeight: w, progress: 'off' });
      const out = { encoder: vae.encoder.variables.map(values), decoder: vae.decoder.variables.map(values) };
      vae.dispose(); disc.dispose();
      return out;
    };
    const plain = await step(0);
    const gan = await step(10);
    expect(gan.encoder).toEqual(plain.encoder);
    expect(gan.decoder).not.toEqual(plain.decoder);
  });

  it('refuses a negative weight and a discriminator for other images', async () => {
    const { vae, disc } = small();
    await expect(trainVaeGan(vae, disc, images(8, 7), Key.fromSeed(8), { adversarialWeight: -1, progress: 'off' })).rejects.toThrow(/weight >= 0/);
    const wrong = new Discriminator(32, [4], Key.fromSeed(9));
    await expect(trainVaeGan(vae, wrong, images(8, 7), Key.fromSeed(8), { progress: 'off' })).rejects.toThrow(/reads 32 pixels/);
    vae.dispose(); disc.dispose(); wrong.dispose();
  });
});

describe('laplacianEnergy', () => {
  it('is 0 for a flat image and 16 for a 0/1 checkerboard', () => {
    const flat = tf.fill([1, 25], 0.7) as tf.Tensor2D;
    const board = tf.tensor2d([Array.from({ length: 25 }, (_, i) => (Math.floor(i / 5) + (i % 5)) % 2)]);
    expectClose([...laplacianEnergy(flat, 5), ...laplacianEnergy(board, 5)], [0, 16], 1e-5);
    expect(() => laplacianEnergy(board, 4)).toThrow();
    tf.dispose([flat, board]);
  });
});
