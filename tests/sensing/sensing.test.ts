import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { initBackend } from '../../lib/core/backend';
import { Key, normal } from '../../lib/core/random';
import { symmetricEigen } from '../../lib/linalg/symmetric-eigen';
import { ImageSet } from '../../lib/data';
import {
  Uae, checkMeasurements, dataStatistics, disposeStatistics, fastIca, gaussianMeasurement, lasso, lassoObjective, linearProbe, measure,
  optimalLinearDecoder, principalDirections, reconstructionError, recoverWithGenerator, trainUae, withEnergy, withFrozenMeasurement,
} from '../../lib/sensing';

beforeAll(async () => { await initBackend(); });

describe('measurements', () => {
  it('name impossible designs and shapes', () => {
    expect(() => checkMeasurements(0, 784)).toThrow(/m = 0/);
    expect(() => checkMeasurements(800, 784)).toThrow(/at most 784 measurements/);
    const w = gaussianMeasurement(Key.fromSeed(1), 5, 20);
    const x = tf.ones([3, 21]) as tf.Tensor2D;
    expect(() => measure(x, w, 0.1, Key.fromSeed(2))).toThrow(/\[3, 21\] cannot be measured by W of shape \[5, 20\]/);
    expect(() => measure(tf.ones([3, 20]) as tf.Tensor2D, w, -1, Key.fromSeed(2))).toThrow(/sigma = -1/);
    tf.dispose([w, x]);
  });
  it('a Gaussian W keeps ||Wx|| near ||x|| and has energy near n; withEnergy sets it exactly', () => {
    const w = gaussianMeasurement(Key.fromSeed(3), 400, 784);
    const x = tf.ones([1, 784]) as tf.Tensor2D;
    const y = measure(x, w, 0, Key.fromSeed(4));
    expect(y.square().sum().dataSync()[0] / 784).toBeGreaterThan(0.85);
    expect(y.square().sum().dataSync()[0] / 784).toBeLessThan(1.15);
    const scaled = withEnergy(w, 784);
    expect(scaled.square().sum().dataSync()[0]).toBeCloseTo(784, 1);
    tf.dispose([w, x, y, scaled]);
  });
});

describe('LASSO by FISTA', () => {
  it('solves a selection problem exactly: soft thresholding of the measured coordinates', () => {
    const n = 12;
    const picked = [1, 4, 7, 10];
    const w = tf.tensor2d(picked.map((j) => Array.from({ length: n }, (_, k) => (k === j ? 1 : 0))));
    const y = tf.tensor2d([[0.9, -0.05, 0.3, -1.2]]);
    const x = lasso(y, w, 0.1, 200);
    const expected = new Array(n).fill(0);
    [0.8, 0, 0.2, -1.1].forEach((v, i) => { expected[picked[i]] = v; });
    Array.from(x.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    tf.dispose([w, y, x]);
  });
  it('meets the optimality conditions on a random problem', () => {
    const w = gaussianMeasurement(Key.fromSeed(5), 20, 50);
    const truth = tf.tidy(() => normal(Key.fromSeed(6), [2, 50]).mul(tf.tensor1d(Array.from({ length: 50 }, (_, i) => (i % 7 === 0 ? 1 : 0)))) as tf.Tensor2D);
    const y = measure(truth, w, 0.01, Key.fromSeed(7));
    const lambda = 0.05;
    const x = lasso(y, w, lambda, 3000);
    // |W^T (y - W x)|_j <= lambda everywhere, = lambda sign(x_j) where x_j != 0
    const g = tf.tidy(() => tf.matMul(y.sub(tf.matMul(x, w, false, true)), w).arraySync() as number[][]);
    const xs = x.arraySync() as number[][];
    g.forEach((row, b) => row.forEach((v, j) => {
      if (Math.abs(xs[b][j]) > 1e-4) expect(v).toBeCloseTo(lambda * Math.sign(xs[b][j]), 3);
      else expect(Math.abs(v)).toBeLessThan(lambda * 1.01);
    }));
    const zero = tf.zerosLike(x) as tf.Tensor2D;
    lassoObjective(y, w, x, lambda).forEach((v, i) => expect(v).toBeLessThan(lassoObjective(y, w, zero, lambda)[i]));
    tf.dispose([w, truth, y, x, zero]);
  });
});

describe('linear algebra of sensing', () => {
  it('Jacobi eigenvectors diagonalise a symmetric matrix and refuse an asymmetric one', () => {
    const n = 6;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) { const v = Math.cos(i * 5 + j * 3); a[i * n + j] = v; a[j * n + i] = v; }
    const e = symmetricEigen(a, n);
    for (let r = 0; r < n; r++) for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k] * e.vectors[r * n + k];
      expect(s).toBeCloseTo(e.values[r] * e.vectors[r * n + i], 10);
    }
    for (let r = 1; r < n; r++) expect(e.values[r]).toBeLessThanOrEqual(e.values[r - 1]);
    const bad = Float64Array.from(a);
    bad[1] += 1;
    expect(() => symmetricEigen(bad, n)).toThrow(/not symmetric at \(1, 0\)/);
  });
  it('principal directions of a known covariance, and the optimal linear decoder beats a plain pseudo-inverse', () => {
    // covariance Q diag(9, 4, 1, 0.25, 0.0625) Q^T with Q a fixed rotation
    const d = 5;
    const variances = [9, 4, 1, 0.25, 0.0625];
    const q = tf.tidy(() => tf.linalg.qr(normal(Key.fromSeed(8), [d, d]))[0]) as tf.Tensor2D;
    const samples = tf.tidy(() => tf.matMul(normal(Key.fromSeed(9), [40000, d]).mul(tf.tensor1d(variances.map(Math.sqrt))), q, false, true)) as tf.Tensor2D;
    const stats = dataStatistics(samples);
    const pcs = principalDirections(stats, 2, Key.fromSeed(10));
    const dirs = pcs.directions.arraySync() as number[][];
    const cols = q.transpose().arraySync() as number[][];
    for (let k = 0; k < 2; k++) expect(Math.abs(dirs[k].reduce((s, v, j) => s + v * cols[k][j], 0))).toBeGreaterThan(0.999);
    expect(pcs.variances[0]).toBeCloseTo(9, 0);
    const w = gaussianMeasurement(Key.fromSeed(11), 2, d);
    const y = measure(samples, w, 0.1, Key.fromSeed(12));
    const decoder = optimalLinearDecoder(w, stats, 0.1);
    const best = reconstructionError(samples, decoder.decode(y)).squared;
    const pinv = tf.tidy(() => tf.matMul(tf.matMul(w, tf.tensor2d(invert2(tf.matMul(w, w, false, true).arraySync() as number[][])), true, false), y, false, true).transpose() as tf.Tensor2D);
    expect(best).toBeLessThan(reconstructionError(samples, pinv).squared);
    decoder.dispose();
    disposeStatistics(stats);
    tf.dispose([q, samples, pcs.directions, w, y, pinv]);
  });
  it('FastICA finds independent sources in a mixture', () => {
    const n = 8000;
    const u = Key.fromSeed(13).uniforms(2 * n);
    const sources = Array.from({ length: n }, (_, i) => [Math.sqrt(3) * (2 * u[i] - 1), Math.sign(u[n + i] - 0.5) * Math.log(1 / Math.abs(2 * u[n + i] - 1 + 1e-12)), Math.sin(i / 7) * Math.SQRT2]);
    const mixing = [[1, 0.5, -0.3], [0.2, 1, 0.6], [-0.7, 0.4, 1]];
    const x = tf.tensor2d(sources.map((s) => mixing.map((row) => row.reduce((a, v, j) => a + v * s[j], 0))));
    const stats = dataStatistics(x);
    const ica = fastIca(x, stats, 3, Key.fromSeed(14));
    expect(ica.converged).toBe(true);
    const found = tf.tidy(() => tf.matMul(x.sub(stats.mean), ica.unmixing, false, true).arraySync() as number[][]);
    const corr = (a: number[], b: number[]) => {
      const ma = a.reduce((s, v) => s + v, 0) / a.length;
      const mb = b.reduce((s, v) => s + v, 0) / b.length;
      let ab = 0; let aa = 0; let bb = 0;
      a.forEach((v, i) => { ab += (v - ma) * (b[i] - mb); aa += (v - ma) ** 2; bb += (b[i] - mb) ** 2; });
      return ab / Math.sqrt(aa * bb);
    };
    for (let s = 0; s < 3; s++) {
      const best = Math.max(...[0, 1, 2].map((c) => Math.abs(corr(sources.map((r) => r[s]), found.map((r) => r[c])))));
      expect(best).toBeGreaterThan(0.98);
    }
    disposeStatistics(stats);
    tf.dispose([x, ica.unmixing]);
  });
});

function invert2(a: number[][]): number[][] {
  const det = a[0][0] * a[1][1] - a[0][1] * a[1][0];
  return [[a[1][1] / det, -a[0][1] / det], [-a[1][0] / det, a[0][0] / det]];
}

/** 300 random 'images' of 16 pixels: two bright bars at random places. */
function toyImages(seed: number): ImageSet {
  const n = 300;
  const u = Key.fromSeed(seed).uniforms(n);
  const pixels = new Uint8Array(n * 16);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const k = Math.floor(u[i] * 4);
    labels[i] = k;
    for (let j = 0; j < 4; j++) { pixels[i * 16 + k * 4 + j] = 255; pixels[i * 16 + ((k + 1) % 4) * 4 + j] = 128; }
  }
  return { pixels, labels, n, rows: 4, cols: 4 };
}

describe('the uncertainty autoencoder', () => {
  it('learns: the bound rises, the energy of W stays n, a fixed W stays fixed, and no tensors leak', async () => {
    const images = toyImages(15);
    const learned = new Uae({ n: 16, m: 2, hidden: [16], sigma: 0.1, learnMeasurement: true }, Key.fromSeed(16));
    const fixed = new Uae({ n: 16, m: 2, hidden: [16], sigma: 0.1, learnMeasurement: false }, Key.fromSeed(16));
    const before = fixed.measurement().arraySync();
    await trainUae(learned, images, Key.fromSeed(17), { steps: 20, batchSize: 50, learningRate: 1e-2, progress: 'off' });
    const tensors = tf.memory().numTensors;
    const run = await trainUae(learned, images, Key.fromSeed(18), { steps: 300, batchSize: 50, learningRate: 1e-2, progress: 'off' });
    expect(tf.memory().numTensors).toBe(tensors);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(run.losses.slice(-50))).toBeLessThan(0.6 * mean(run.losses.slice(0, 20)));
    expect(learned.measurement().square().sum().dataSync()[0]).toBeCloseTo(16, 3);
    await trainUae(fixed, images, Key.fromSeed(18), { steps: 30, batchSize: 50, learningRate: 1e-2, progress: 'off' });
    expect(fixed.measurement().arraySync()).toEqual(before);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uae-'));
    learned.save(dir, { script: 'test' });
    const { uae } = Uae.load(dir);
    expect(uae.measurement().arraySync()).toEqual(learned.measurement().arraySync());
    [learned, fixed, uae].forEach((m) => m.dispose());
    expect(() => new Uae({ n: 16, m: 17 }, Key.fromSeed(0))).toThrow(/at most 16 measurements/);
  });
  it('transfers a learned W: the same measurement, frozen, with a new decoder that trains', async () => {
    const images = toyImages(15);
    const source = new Uae({ n: 16, m: 2, hidden: [16], sigma: 0.1, learnMeasurement: true }, Key.fromSeed(19));
    await trainUae(source, images, Key.fromSeed(20), { steps: 50, batchSize: 50, learningRate: 1e-2, progress: 'off' });
    const w = source.measurement().arraySync();
    const moved = withFrozenMeasurement(source, Key.fromSeed(21));
    expect(moved.config.learnMeasurement).toBe(false);
    moved.measurement().arraySync().forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(w[i][j], 5)));
    const decoderBefore = moved.decoder.variables[0].arraySync();
    expect(decoderBefore).not.toEqual(source.decoder.variables[0].arraySync());
    const run = await trainUae(moved, toyImages(22), Key.fromSeed(23), { steps: 100, batchSize: 50, learningRate: 1e-2, progress: 'off' });
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(run.losses.slice(-20))).toBeLessThan(0.7 * mean(run.losses.slice(0, 5)));
    moved.measurement().arraySync().forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(w[i][j], 5)));
    expect(moved.decoder.variables[0].arraySync()).not.toEqual(decoderBefore);
    [source, moved].forEach((m) => m.dispose());
  });
});

describe('recovery with a generator, and the linear probe', () => {
  it('a linear generator and enough measurements recover the signal', () => {
    const a = normal(Key.fromSeed(19), [3, 12]) as tf.Tensor2D;
    const generator = (z: tf.Tensor2D) => tf.matMul(z, a) as tf.Tensor2D;
    const x = tf.tidy(() => generator(normal(Key.fromSeed(20), [4, 3]) as tf.Tensor2D));
    const w = gaussianMeasurement(Key.fromSeed(21), 6, 12);
    const y = measure(x, w, 0, Key.fromSeed(22));
    const xHat = recoverWithGenerator(y, w, { generator, latentDim: 3, prior: 0, steps: 600, restarts: 2, learningRate: 0.05 }, Key.fromSeed(23));
    expect(reconstructionError(x, xHat).l2).toBeLessThan(0.02 * reconstructionError(x, tf.zerosLike(x) as tf.Tensor2D).l2);
    tf.dispose([a, x, w, y, xHat]);
  });
  it('a linear probe separates separable classes', () => {
    const n = 600;
    const labels = Uint8Array.from({ length: n }, (_, i) => i % 3);
    const codes = tf.tidy(() => normal(Key.fromSeed(24), [n, 2]).mul(0.3).add(tf.tensor2d(Array.from(labels, (l) => [Math.cos(2 * l), Math.sin(2 * l)]))) as tf.Tensor2D);
    const r = linearProbe(codes, labels, codes, labels, Key.fromSeed(25), 20, 50, 3);
    expect(r.accuracy).toBeGreaterThan(0.95);
    expect(() => linearProbe(codes, labels.slice(1), codes, labels, Key.fromSeed(25))).toThrow(/do not match/);
    codes.dispose();
  });
  it('states reconstruction error exactly', () => {
    const e = reconstructionError(tf.tensor2d([[0, 0], [3, 4]]), tf.tensor2d([[0, 0], [0, 0]]));
    expect(e.l2).toBe(2.5);
    expect(e.squared).toBe(12.5);
    expect(() => reconstructionError(tf.tensor2d([[0, 0]]), tf.tensor2d([[0, 0, 0]]))).toThrow(/do not match/);
  });
});
