import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key } from '../../lib/core/random';
import { LectureError } from '../../lib/core/errors';
import { downsample } from '../../lib/data';
import {
  AutoregressiveDecoder, FactorizedDecoder, LatentVae, activeUnits, committedRate, diagnose, freeBitsKl, fullCovarianceKl,
  klPerDimension, klWeight, mutualInformation, posteriorScaleForRate, randomRotation, rotatedElbo, trainLatentVae, vaeLoss,
} from '../../lib/vae';
import { expectClose, expectNoLeak, values } from '../helpers';

/** All 2^n binary vectors as rows. */
function allBinary(n: number): tf.Tensor2D {
  const rows = Array.from({ length: 2 ** n }, (_, k) => Array.from({ length: n }, (_, i) => (k >> i) & 1));
  return tf.tensor2d(rows);
}

describe('KL schedules and free bits', () => {
  it('linear warm-up is exact at its edges and in between; constant beta is constant', () => {
    const s = { kind: 'linear' as const, warmup: 100 };
    expect(klWeight(s, 0)).toBe(0);
    expect(klWeight(s, 50)).toBe(0.5);
    expect(klWeight(s, 99)).toBeCloseTo(0.99, 12);
    expect(klWeight(s, 100)).toBe(1);
    expect(klWeight(s, 10_000)).toBe(1);
    expect(klWeight({ kind: 'linear', warmup: 10, from: 0.2, to: 4 }, 5)).toBeCloseTo(2.1, 12);
    expect(klWeight({ kind: 'constant', beta: 3 }, 7)).toBe(3);
  });

  it('names a negative or non-finite beta and a zero warm-up', () => {
    expect(() => klWeight({ kind: 'constant', beta: -1 }, 0)).toThrow(/beta.*>= 0/);
    expect(() => klWeight({ kind: 'constant', beta: NaN }, 0)).toThrow(LectureError);
    expect(() => klWeight({ kind: 'linear', warmup: 0 }, 0)).toThrow(/warmup/);
    expect(() => vaeLoss({ reconstruction: tf.zeros([1]) as tf.Tensor1D, klPerDim: tf.zeros([1, 2]) as tf.Tensor2D }, { beta: -0.5 })).toThrow(/beta/);
  });

  it('free bits: each group costs max(lambda, its batch-mean KL), with no gradient below the floor', () => {
    // batch of 2, four dims; batch means per dim: 0.1, 0.3, 1.0, 2.0
    const kl = tf.tensor2d([[0.0, 0.2, 1.0, 1.5], [0.2, 0.4, 1.0, 2.5]]);
    expect(freeBitsKl(kl, 0.5).dataSync()[0]).toBeCloseTo(0.5 + 0.5 + 1.0 + 2.0, 5);
    expect(freeBitsKl(kl, 0).dataSync()[0]).toBeCloseTo(3.4, 5);
    // groups of two: 0.4 and 3.0
    expect(freeBitsKl(kl, 0.5, 2).dataSync()[0]).toBeCloseTo(0.5 + 3.0, 5);
    expect(freeBitsKl(kl, 3.5, 2).dataSync()[0]).toBeCloseTo(7, 5);
    const g = tf.grad((k: tf.Tensor) => freeBitsKl(k as tf.Tensor2D, 0.5))(kl);
    expectClose(values(g), [0, 0, 0.5, 0.5, 0, 0, 0.5, 0.5], 1e-7);
    expect(() => freeBitsKl(kl, 0.5, 3)).toThrow(/groupSize 3 does not divide/);
    expect(() => freeBitsKl(kl, -1)).toThrow(/lambda/);
  });

  it('the committed rate of a fixed posterior scale is its KL floor, and the inverse finds the scale', () => {
    expect(committedRate(1)).toBe(0);
    expect(committedRate(0.5)).toBeCloseTo(0.5 * (0.25 - 1 - Math.log(0.25)), 14);
    for (const delta of [0.01, 0.1, 1, 5]) expect(committedRate(posteriorScaleForRate(delta))).toBeCloseTo(delta, 10);
    expect(() => posteriorScaleForRate(0)).toThrow(/delta/);
  });
});

describe('decoders', () => {
  it('both decoders are normalised distributions over binary vectors, for any z', () => {
    const n = 5;
    const x = allBinary(n);
    const z = tf.tile(tf.tensor2d([[0.3, -1.2]]), [2 ** n, 1]) as tf.Tensor2D;
    for (const dec of [new FactorizedDecoder(2, n, [8], Key.fromSeed(1)), new AutoregressiveDecoder(2, n, [8, 8], Key.fromSeed(2))]) {
      // give the direct and context weights non-zero values so every path is exercised
      dec.variables.forEach((v, i) => v.assign(tf.randomNormal(v.shape, 0, 0.7, 'float32', 10 + i)));
      const total = tf.tidy(() => tf.sum(tf.exp(dec.logProb(x, z))).dataSync()[0]);
      expect(total).toBeCloseTo(1, 5);
    }
  });

  it('the autoregressive decoder: logit i depends only on pixels before i, and sampling follows its conditionals', () => {
    const n = 6;
    const dec = new AutoregressiveDecoder(2, n, [12], Key.fromSeed(3));
    dec.variables.forEach((v, i) => v.assign(tf.randomNormal(v.shape, 0, 0.7, 'float32', 20 + i)));
    const x0 = tf.tensor2d([[1, 0, 1, 1, 0, 1]]);
    const z = tf.tensor2d([[0.5, -0.5]]);
    for (let i = 0; i < n; i++) {
      const g = tf.grad((x: tf.Tensor) => tf.sum(tf.slice(dec.logits(x as tf.Tensor2D, z), [0, i], [1, 1])))(x0);
      const dep = values(g);
      for (let j = i; j < n; j++) expect(dep[j]).toBe(0);
      if (i > 0) expect(dep.slice(0, i).some((v) => v !== 0)).toBe(true);
    }
    // empirical frequency of the first pixel against its probability, over 4000 draws
    const zs = tf.tile(z, [4000, 1]) as tf.Tensor2D;
    const draws = dec.sample(Key.fromSeed(4), zs);
    const p0 = tf.tidy(() => tf.sigmoid(tf.slice(dec.logits(tf.zeros([1, n]) as tf.Tensor2D, z), [0, 0], [1, 1])).dataSync()[0]);
    const freq = tf.tidy(() => tf.mean(tf.slice(draws, [0, 0], [-1, 1])).dataSync()[0]);
    expect(Math.abs(freq - p0)).toBeLessThan(4 * Math.sqrt(p0 * (1 - p0) / 4000));
  });
});

describe('diagnostics', () => {
  it('a collapsed encoder (q = prior for every x) has zero KL, zero active units and zero information', () => {
    const dec = new FactorizedDecoder(3, 6, [8], Key.fromSeed(5));
    const model = new LatentVae(dec, [8], Key.fromSeed(6));
    const last = model.encoder.layers[model.encoder.layers.length - 1];
    const raw = Math.log(Math.expm1(1 - 1e-4)); // softplus(raw) + 1e-4 = 1
    last.assign(tf.zeros(last.weight.shape), tf.concat([tf.zeros([3]), tf.fill([3], raw)]));
    const x = tf.tensor2d(Array.from({ length: 300 }, (_, i) => Array.from({ length: 6 }, (_, j) => ((i * 7 + j * 3) % 5 === 0 ? 1 : 0))));
    const r = diagnose(model, x, Key.fromSeed(7));
    expect(r.rate).toBeLessThan(1e-6);
    expect(r.activeUnits).toBe(0);
    expect(Math.abs(r.mutualInformation)).toBeLessThan(1e-6);
    expectClose(r.klPerDim, [0, 0, 0], 1e-6);
  });

  it('active units, per-dimension KL and the information estimate agree with hand-computed cases', () => {
    // dimension 0 varies (variance 1), dimension 1 barely (variance 0.0025)
    const n = 400;
    const loc = new Float32Array(2 * n);
    const scale = new Float32Array(2 * n);
    for (let k = 0; k < n; k++) {
      loc[2 * k] = k % 2 === 0 ? 1 : -1;
      loc[2 * k + 1] = k % 2 === 0 ? 0.05 : -0.05;
      scale[2 * k] = 0.5;
      scale[2 * k + 1] = 1;
    }
    const au = activeUnits(loc, 2);
    expect(au.count).toBe(1);
    expectClose(au.variances, [1, 0.0025], 1e-6);
    const kl = klPerDimension(loc, scale, 2);
    expectClose(kl, [0.5 * (1 + 0.25 - 1 - Math.log(0.25)), 0.5 * 0.0025], 1e-6);
    // N well-separated narrow posteriors carry log N nats about x
    const m = 200;
    const far = Float32Array.from({ length: m }, (_, k) => 10 * k);
    const narrow = new Float32Array(m).fill(0.01);
    expect(mutualInformation(far, narrow, 1, Key.fromSeed(8))).toBeCloseTo(Math.log(m), 3);
  });
});

describe('LatentVae', () => {
  it('a delta-VAE posterior never has less KL per dimension than the committed rate', () => {
    const s = posteriorScaleForRate(0.2);
    const model = new LatentVae(new FactorizedDecoder(4, 6, [8], Key.fromSeed(9)), [8], Key.fromSeed(10), s);
    const t = model.terms(tf.randomUniform([50, 6], 0, 1, 'float32', 3).round() as tf.Tensor2D, Key.fromSeed(11));
    expect(Math.min(...values(t.klPerDim))).toBeGreaterThanOrEqual(0.2 - 1e-6);
    expect(() => new LatentVae(new FactorizedDecoder(4, 6, [8], Key.fromSeed(9)), [8], Key.fromSeed(10), 1.5)).toThrow(/posteriorScale/);
    // a latent of the wrong size is named, for both decoders and for the encoder's input
    const x = tf.zeros([3, 6]) as tf.Tensor2D;
    expect(() => model.decoder.logProb(x, tf.zeros([3, 5]) as tf.Tensor2D)).toThrow(/z/);
    expect(() => new AutoregressiveDecoder(4, 6, [8], Key.fromSeed(1)).logProb(x, tf.zeros([3, 2]) as tf.Tensor2D)).toThrow(/^z /);
    expect(() => model.terms(tf.zeros([3, 7]) as tf.Tensor2D, Key.fromSeed(2))).toThrow(/x/);
  });

  it('rotating the latent space leaves the ELBO unchanged, with the rotated posterior\'s full-covariance KL', () => {
    const d = 4;
    const model = new LatentVae(new AutoregressiveDecoder(d, 6, [10], Key.fromSeed(12)), [8], Key.fromSeed(13));
    const x = tf.randomUniform([20, 6], 0, 1, 'float32', 5).round() as tf.Tensor2D;
    const rotation = randomRotation(Key.fromSeed(14), d);
    const rrt = rotation.map((ri) => rotation.map((rj) => ri.reduce((a, v, k) => a + v * rj[k], 0)));
    expectClose(rrt.flat(), [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], 1e-12);
    const key = Key.fromSeed(15);
    expectClose(rotatedElbo(model, x, key, rotation), values(model.elbo(x, key)), 2e-4, 1e-5);
    // the KL formula itself: a diagonal case and a correlated one against the closed form
    expect(fullCovarianceKl([1, 0], [[1, 0], [0, 1]])).toBeCloseTo(0.5, 12);
    expect(fullCovarianceKl([0, 0], [[2, 1], [1, 2]])).toBeCloseTo(0.5 * (4 - 2 - Math.log(3)), 12);
    expect(() => fullCovarianceKl([0, 0], [[1, 2], [2, 1]])).toThrow(/positive definite/);
  });

  it('the IWAE bound lies above the mean ELBO; training is reproducible and keeps the tensor count flat', async () => {
    const small = { pixels: new Uint8Array(64 * 16).map((_, i) => ((i * 37) % 11 < 4 ? 255 : 0)), labels: new Uint8Array(64), n: 64, rows: 4, cols: 4 };
    const make = () => new LatentVae(new AutoregressiveDecoder(2, 16, [16], Key.fromSeed(16)), [8], Key.fromSeed(17));
    const a = make();
    const ha = await expectNoLeak(() => trainLatentVae(a, small, Key.fromSeed(18), { steps: 30, batchSize: 16, progress: 'off', freeBits: 0.1 }));
    const b = make();
    const hb = await trainLatentVae(b, small, Key.fromSeed(18), { steps: 30, batchSize: 16, progress: 'off', freeBits: 0.1 });
    expect(hb.losses).toEqual(ha.losses);
    expect(ha.kl.length).toBe(30);
    const x = tf.tensor2d(Array.from(small.pixels.subarray(0, 20 * 16), (v) => v / 255), [20, 16]);
    const elbo = tf.mean(a.elbo(x, Key.fromSeed(19))).dataSync()[0];
    const iwae = await expectNoLeak(() => tf.tidy(() => tf.mean(a.iwae(x, Key.fromSeed(20), 200)).dataSync()[0]));
    expect(iwae).toBeGreaterThan(elbo);
  });
});

describe('downsample', () => {
  it('averages blocks and names a factor that does not divide the image', () => {
    const set = { pixels: Uint8Array.from([0, 255, 10, 20, 255, 255, 30, 40]), labels: new Uint8Array(1), n: 1, rows: 2, cols: 4 };
    expect(Array.from(downsample(set, 2).pixels)).toEqual([191, 25]);
    expect(() => downsample(set, 3)).toThrow(/factor of 3/);
  });
});
