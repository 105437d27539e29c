// Images read as sequences of rows, scored by Bernoulli sequence models: the rows in order, the
// streamed importance-weighted bound against the one-shot one, binary data checked where it enters,
// and training on freshly binarized batches that learns, leaks nothing and repeats itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key } from '../../lib/core/random';
import { DataError } from '../../lib/core/errors';
import { ImageSet } from '../../lib/data/images';
import {
  PredictiveCodingModel, SequenceLatentModel, Vrnn, evaluateSequenceBound, imagesAsRows, sequenceElbo, sequenceIwae, trainSequenceModel,
} from '../../lib/sequence';

// 40 images of 6×5 pixels: a bright bar whose row depends on the image, on a faint background
function barImages(n: number): ImageSet {
  const [rows, cols] = [6, 5];
  const pixels = new Uint8Array(n * rows * cols).fill(20);
  for (let i = 0; i < n; i++) for (let c = 0; c < cols; c++) pixels[i * rows * cols + (i % rows) * cols + c] = 235;
  return { pixels, labels: new Uint8Array(n), n, rows, cols };
}
const base = { data: 5, latent: 3, width: 12, hidden: [12], likelihood: 'bernoulli' as const };
const makers: [string, (k: Key) => SequenceLatentModel][] = [
  ['predictive coding', (k) => new PredictiveCodingModel({ ...base, gate: 'learned' }, k)],
  ['VRNN', (k) => new Vrnn(base, k)],
];

describe('images as sequences of rows', () => {
  it('step t is row t of the image, scaled to [0, 1]', () => {
    const set = barImages(8);
    const x = imagesAsRows(set, 2, 3);
    expect(x.shape).toEqual([3, 6, 5]);
    const v = x.arraySync();
    // image 2 has its bar on row 2, image 4 on row 4
    expect(v[0][2]).toEqual([235 / 255, 235 / 255, 235 / 255, 235 / 255, 235 / 255].map((p) => Math.fround(p)));
    expect(v[2][4][0]).toBeCloseTo(235 / 255, 6);
    expect(v[0][0][0]).toBeCloseTo(20 / 255, 6);
    x.dispose();
    expect(() => imagesAsRows(set, 6, 3)).toThrow(/run past the set's 8/);
  });
});

describe('Bernoulli sequence models on image rows', () => {
  // made once the test setup has chosen the backend, not while the file is collected
  let intensities: tf.Tensor3D;
  let binary: tf.Tensor3D;
  beforeAll(() => {
    intensities = imagesAsRows(barImages(40));
    binary = tf.tidy(() => tf.cast(tf.greater(intensities, 0.5), 'float32')) as tf.Tensor3D;
  });
  afterAll(() => tf.dispose([intensities, binary]));

  for (const [name, make] of makers) {
    it(`${name}: the streamed bound is the one-shot bound when one chunk holds every particle, and rises with k`, async () => {
      const model = make(Key.fromSeed(1));
      const key = Key.fromSeed(2);
      const x = binary.slice([0, 0, 0], [6, -1, -1]) as tf.Tensor3D;
      const before = tf.memory().numTensors;
      const streamed = await evaluateSequenceBound(model, x, key, { particles: 50, batch: 4, chunk: 50 });
      // batch b of the stream uses key.foldIn(b), its chunk j key.foldIn(b).foldIn(j)
      const first = tf.tidy(() => Array.from(sequenceIwae(model, x.slice([0, 0, 0], [4, -1, -1]) as tf.Tensor3D, 50, key.foldIn(0).foldIn(0)).dataSync()));
      first.forEach((v, i) => expect(streamed[i]).toBeCloseTo(v, 3));
      const elbo = await evaluateSequenceBound(model, x, key, { particles: 1, batch: 4 });
      const direct = tf.tidy(() => Array.from(sequenceElbo(model, x.slice([4, 0, 0], [2, -1, -1]) as tf.Tensor3D, key.foldIn(1)).dataSync()));
      direct.forEach((v, i) => expect(elbo[4 + i]).toBeCloseTo(v, 3));
      // chunked in 7s: the same estimator, more particles than one chunk, memory flat
      const many = await evaluateSequenceBound(model, x, key, { particles: 400, batch: 3, chunk: 7 });
      const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0);
      expect(sum(many)).toBeGreaterThan(sum(elbo));
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
      model.dispose();
    });
  }

  it('a Bernoulli emission refuses data that are not 0/1, and binarizing refuses data outside [0, 1]', async () => {
    const model = makers[1][1](Key.fromSeed(1));
    expect(() => sequenceElbo(model, intensities, Key.fromSeed(2))).toThrow(DataError);
    expect(() => sequenceIwae(model, intensities, 3, Key.fromSeed(2))).toThrow(/neither 0 nor 1/);
    await expect(evaluateSequenceBound(model, intensities, Key.fromSeed(2), { particles: 10 })).rejects.toThrow(/binarize/);
    await expect(trainSequenceModel(model, intensities, Key.fromSeed(3), { steps: 2, batchSize: 8, learningRate: 1e-2, progress: 'off' })).rejects.toThrow(DataError);
    const bytes = tf.mul(intensities, 255) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    await expect(trainSequenceModel(model, bytes, Key.fromSeed(3), { steps: 2, batchSize: 8, learningRate: 1e-2, binarize: true, progress: 'off' }))
      .rejects.toThrow(/not intensities in \[0, 1\].*\n?.*255/s);
    expect(tf.memory().numTensors, 'a refused run leaves nothing behind').toBe(before);
    bytes.dispose();
    model.dispose();
  });

  it('trains on freshly binarized batches: the bound rises, nothing leaks, and the same key repeats the run', async () => {
    const run = async () => {
      const model = makers[1][1](Key.fromSeed(4));
      const before = tf.memory().numTensors;
      const r = await trainSequenceModel(model, intensities, Key.fromSeed(5), { steps: 150, batchSize: 20, learningRate: 1e-2, binarize: true, progress: 'off' });
      expect(tf.memory().numTensors).toBe(before);
      const elbo = await evaluateSequenceBound(model, binary, Key.fromSeed(6), { particles: 1, batch: 40 });
      model.dispose();
      return { losses: r.losses, elbo: elbo.reduce((s, v) => s + v, 0) / elbo.length };
    };
    const [a, b] = [await run(), await run()];
    expect(b.losses).toEqual(a.losses);
    const head = a.losses.slice(0, 10).reduce((s, v) => s + v, 0) / 10;
    const tail = a.losses.slice(-10).reduce((s, v) => s + v, 0) / 10;
    // nats per step: a 5-pixel row starts near 5 ln 2 = 3.5
    expect(tail).toBeLessThan(0.6 * head);
    expect(a.elbo / 6).toBeGreaterThan(-tail - 1);
  });
});
