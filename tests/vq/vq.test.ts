import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key } from '../../lib/core/random';
import { CodePrior, VectorQuantizer, VqVae, deadCodes, perplexity, trainVqVae } from '../../lib/vq';
import { expectClose, expectNoLeak, values } from '../helpers';

describe('VectorQuantizer', () => {
  it('picks the nearest code, as a brute-force search does', () => {
    const q = new VectorQuantizer({ codebookSize: 7, codeDim: 3 }, Key.fromSeed(1));
    const ze = tf.randomNormal([50, 3], 0, 0.3, 'float32', 2) as tf.Tensor2D;
    const codes = q.codebook.arraySync();
    const rows = ze.arraySync();
    const brute = rows.map((z) => codes.map((e) => e.reduce((a, v, j) => a + (v - z[j]) ** 2, 0)))
      .map((d) => d.indexOf(d.reduce((a, b) => Math.min(a, b))));
    expect(Array.from(q.nearest(ze))).toEqual(brute);
  });

  it('straight-through: the value is the code, the gradient with respect to z_e is the gradient at the code', () => {
    const q = new VectorQuantizer({ codebookSize: 3, codeDim: 2 }, Key.fromSeed(3));
    q.setCodebook([[1, 0], [0, 1], [-1, -1]]);
    const ze = tf.tensor2d([[0.8, 0.1], [0.2, 0.7], [-0.6, -0.9]]);
    const w = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
    const f = (zq: tf.Tensor) => tf.sum(tf.mul(w, tf.square(zq))); // gradient 2 w zq
    let value: number[] = [];
    const g = tf.grad((z: tf.Tensor) => {
      const out = q.quantize(z as tf.Tensor2D);
      value = values(out.straightThrough);
      return f(out.straightThrough);
    })(ze);
    expectClose(value, [1, 0, 0, 1, -1, -1], 1e-7);
    expectClose(values(g), values(tf.grad(f)(tf.tensor2d([[1, 0], [0, 1], [-1, -1]]))), 1e-6);
  });

  it('the codebook and commitment losses are mean squared distances, each with gradient to one side only', () => {
    const q = new VectorQuantizer({ codebookSize: 2, codeDim: 1 }, Key.fromSeed(4));
    q.setCodebook([[0], [2]]);
    const ze = tf.tensor2d([[0.5], [3]]); // codes 0 and 1; squared distances 0.25 and 1
    const out = q.quantize(ze);
    expect(out.codebookLoss.dataSync()[0]).toBeCloseTo(0.625, 6);
    expect(out.commitmentLoss.dataSync()[0]).toBeCloseTo(0.625, 6);
    // the codebook loss does not move the encoder: nothing leads back from it to the encoder's output
    expect(() => tf.grad((z: tf.Tensor) => q.quantize(z as tf.Tensor2D).codebookLoss)(ze)).toThrow(/Cannot compute gradient/);
    // the commitment loss does not move the codes: no variable leads to it
    expect(() => tf.variableGrads(() => q.quantize(ze).commitmentLoss, [q.codebook])).toThrow(/Cannot find a connection/);
  });

  it('the EMA update matches hand-computed counts, sums and codes', () => {
    const q = new VectorQuantizer({ codebookSize: 2, codeDim: 1, ema: { decay: 0.5, epsilon: 0.1 } }, Key.fromSeed(5));
    q.setCodebook([[0], [10]]);
    // three vectors to code 0 (sum 3), none to code 1
    q.emaUpdate(tf.tensor2d([[0.5], [1], [1.5]]), Int32Array.from([0, 0, 0]));
    // N = [0.5*1 + 0.5*3, 0.5*1 + 0] = [2, 0.5]; m = [0.5*0 + 0.5*3, 0.5*10 + 0] = [1.5, 5]
    const { counts, sums } = q.emaState();
    expectClose(counts, [2, 0.5], 1e-12);
    expectClose(sums, [1.5, 5], 1e-12);
    // Laplace smoothing: N~_k = (N_k + 0.1) / (2.5 + 0.2) * 2.5
    const smooth = [2.1 / 2.7 * 2.5, 0.6 / 2.7 * 2.5];
    expectClose(values(q.codebook), [1.5 / smooth[0], 5 / smooth[1]], 1e-5);
    expect(() => new VectorQuantizer({ codebookSize: 2, codeDim: 1 }, Key.fromSeed(5)).emaUpdate(tf.zeros([1, 1]) as tf.Tensor2D, Int32Array.from([0]))).toThrow(/ema option/);
  });

  it('dead codes restart on encoder outputs; perplexity and dead-code counts are exact on known usage', () => {
    const q = new VectorQuantizer({ codebookSize: 4, codeDim: 2 }, Key.fromSeed(6));
    q.setCodebook([[0, 0], [100, 100], [200, 200], [0.1, 0]]);
    const ze = tf.tensor2d([[0.01, 0], [0.02, 0], [5, 5]]);
    q.quantize(ze);
    const used = Array.from(q.usage);
    expect(used).toEqual([2, 0, 0, 1]);
    expect(q.restartDeadCodes(ze, Key.fromSeed(7))).toBe(2);
    const rows = ze.arraySync().map((r) => r.join());
    q.codebook.arraySync().slice(1, 3).forEach((code) => expect(rows).toContain(code.map((v) => Math.fround(v)).join()));
    expect(Array.from(q.usage)).toEqual([0, 0, 0, 0]);
    expect(perplexity([5, 5, 5, 5])).toBeCloseTo(4, 12);
    expect(perplexity([9, 0, 0])).toBeCloseTo(1, 12);
    expect(perplexity([1, 3])).toBeCloseTo(Math.exp(-(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75))), 12);
    expect(deadCodes([1, 0, 2, 0])).toBe(2);
    expect(() => perplexity([0, 0])).toThrow(/all code counts are zero/);
  });

  it('names bad configurations', () => {
    expect(() => new VectorQuantizer({ codebookSize: 0, codeDim: 2 }, Key.fromSeed(1))).toThrow(/codebookSize/);
    expect(() => new VectorQuantizer({ codebookSize: 4, codeDim: 2, ema: { decay: 1, epsilon: 1e-5 } }, Key.fromSeed(1))).toThrow(/decay/);
    expect(() => new VectorQuantizer({ codebookSize: 4, codeDim: 2, initScale: 0 }, Key.fromSeed(1))).toThrow(/initScale/);
    // a wide initialisation draws N(0, s^2) codes
    const wide = new VectorQuantizer({ codebookSize: 400, codeDim: 5, initScale: 3 }, Key.fromSeed(2));
    const sd = Math.sqrt(values(wide.codebook).reduce((a, v) => a + v * v, 0) / 2000);
    expect(Math.abs(sd - 3)).toBeLessThan(0.15);
    const q = new VectorQuantizer({ codebookSize: 4, codeDim: 2 }, Key.fromSeed(1));
    expect(() => q.quantize(tf.zeros([3, 5]) as tf.Tensor2D)).toThrow(/z_e/);
    expect(() => new VqVae({ dataDim: 16, positions: 0 }, Key.fromSeed(1))).toThrow(/positions/);
    expect(() => new CodePrior(3, 4, [8], Key.fromSeed(1)).logProb(Int32Array.from([0, 1]))).toThrow(/rows of 3/);
    expect(() => new CodePrior(2, 4, [8], Key.fromSeed(1)).logProb(Int32Array.from([0, 4]))).toThrow(/outside 0..3/);
  });
});

describe('CodePrior', () => {
  it('is a normalised autoregressive distribution, and a fit learns a deterministic dependence', async () => {
    const prior = new CodePrior(2, 3, [16], Key.fromSeed(8));
    prior.variables.forEach((v, i) => v.assign(tf.randomNormal(v.shape, 0, 0.5, 'float32', 30 + i)));
    const all = Int32Array.from([0, 1, 2].flatMap((a) => [0, 1, 2].flatMap((b) => [a, b])));
    expect(tf.sum(tf.exp(prior.logProb(all))).dataSync()[0]).toBeCloseTo(1, 5);
    // data: the second code equals the first; the first is uniform
    const data = Int32Array.from(Array.from({ length: 300 }, (_, i) => [i % 3, i % 3]).flat());
    const fitted = new CodePrior(2, 3, [16], Key.fromSeed(9));
    await expectNoLeak(() => fitted.fit(data, Key.fromSeed(10), { steps: 300, batchSize: 64, learningRate: 1e-2, progress: 'off' }));
    const s = fitted.sample(Key.fromSeed(11), 500);
    let same = 0;
    for (let i = 0; i < 500; i++) if (s[2 * i] === s[2 * i + 1]) same++;
    expect(same / 500).toBeGreaterThan(0.95);
    const firstCounts = [0, 1, 2].map((c) => Array.from({ length: 500 }, (_, i) => s[2 * i]).filter((v) => v === c).length);
    firstCounts.forEach((n) => expect(Math.abs(n / 500 - 1 / 3)).toBeLessThan(0.08));
  });
});

describe('VqVae', () => {
  it('trains without leaking tensors, reproducibly, with EMA and restarts, and lowers its loss', async () => {
    const images = { pixels: new Uint8Array(128 * 16).map((_, i) => (((i >> 4) % 4 === i % 4) ? 255 : 0)), labels: new Uint8Array(128), n: 128, rows: 4, cols: 4 };
    const run = async () => {
      const model = new VqVae({ dataDim: 16, hidden: [16], positions: 2, codebookSize: 8, codeDim: 3, ema: { decay: 0.9, epsilon: 1e-5 } }, Key.fromSeed(12));
      const h = await trainVqVae(model, images, Key.fromSeed(13), { steps: 60, batchSize: 32, learningRate: 1e-2, restartEvery: 20, progress: 'off' });
      return { model, h };
    };
    const a = await expectNoLeak(run, 9); // the model: two dense layers each way (4 + 4) and the codebook
    const b = await run();
    expect(b.h.losses).toEqual(a.h.losses);
    expect(a.h.restarts.length).toBe(3);
    const first = a.h.losses.slice(0, 10).reduce((x, y) => x + y) / 10;
    const last = a.h.losses.slice(-10).reduce((x, y) => x + y) / 10;
    expect(last).toBeLessThan(first);
    expect(a.model.uniformPriorKl()).toBeCloseTo(2 * Math.log(8), 12);
  });
});
