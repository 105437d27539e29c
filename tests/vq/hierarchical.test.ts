import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key } from '../../lib/core/random';
import { ImageSet } from '../../lib/data';
import {
  HierarchicalVqVae, LocalCodePrior, TransformerCodePrior, causalOffsets, codeCounts, encodeSet, extractPatches,
  hierarchicalBound, loadHvqModel, loadHvqRun, normalizedError, patchIndices, pixelVariance, saveHvqModel, trainQuantized,
} from '../../lib/vq';
import { expectClose, expectNoLeak, expectThrowsWithoutLeak, values } from '../helpers';

// a small two-level model on 8x8 images: a 4x4 bottom grid and 2 top codes
const SMALL = { side: 8, bottomGrid: 4, bottomWindow: 4, bottomCodebook: 6, topCodebook: 5, topCodes: 2, codeDim: 3,
  cellHidden: 8, topHidden: 8, decoderHidden: [16], topMessage: 2 };

function randomImages(n: number, side: number, seed: number): ImageSet {
  const u = Key.fromSeed(seed).uniforms(n * side * side);
  return { pixels: Uint8Array.from(u, (v) => Math.floor(v * 256)), labels: new Uint8Array(n), n, rows: side, cols: side };
}

function allRows(positions: number, k: number): Int32Array {
  const rows = k ** positions;
  const out = new Int32Array(rows * positions);
  for (let r = 0; r < rows; r++) for (let p = 0, v = r; p < positions; p++, v = Math.floor(v / k)) out[r * positions + p] = v % k;
  return out;
}

describe('patch windows', () => {
  it('cells without margin tile the image: every pixel read exactly once', () => {
    const idx = patchIndices({ side: 28, grid: 7, window: 4 });
    expect(Array.from(idx).sort((a, b) => a - b)).toEqual(Array.from({ length: 784 }, (_, i) => i));
  });

  it('a window with margin is centred on its cell and reads zeros outside the image', () => {
    const image = tf.tensor2d([Array.from({ length: 36 }, (_, i) => i + 1)]); // 6x6, pixel (r, c) = 6r + c + 1
    const w = extractPatches(image as tf.Tensor2D, { side: 6, grid: 3, window: 4 });
    expect(w.shape).toEqual([9, 16]);
    const rows = w.arraySync();
    // cell (0, 0) covers rows and columns -1..2: the first row and column are padding
    expect(rows[0].slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(rows[0].slice(4, 8)).toEqual([0, 1, 2, 3]);
    // cell (1, 1) covers rows and columns 1..4
    expect(rows[4].slice(0, 4)).toEqual([8, 9, 10, 11]);
    tf.dispose([image, w]);
  });

  it('refuses grids that do not divide the image and windows that do not centre', () => {
    expect(() => patchIndices({ side: 28, grid: 5, window: 8 })).toThrow(/does not divide an image of side 28/);
    expect(() => patchIndices({ side: 28, grid: 7, window: 5 })).toThrow(/does not centre/);
    expectThrowsWithoutLeak(() => new HierarchicalVqVae({ bottomGrid: 6 }, Key.fromSeed(1)), /does not divide/);
  });
});

describe('HierarchicalVqVae', () => {
  it('codes have one top row and one bottom grid per image; a one-level model has no top codes', async () => {
    const m = new HierarchicalVqVae(SMALL, Key.fromSeed(2));
    const one = new HierarchicalVqVae({ ...SMALL, topCodes: 0 }, Key.fromSeed(2));
    const x = tf.randomUniform([5, 64], 0, 1, 'float32', 3) as tf.Tensor2D;
    await expectNoLeak(() => {
      const c = m.codes(x);
      expect([c.top.length, c.bottom.length]).toEqual([10, 80]);
      const logits = m.decodeCodes(c);
      expect(logits.shape).toEqual([5, 64]);
      logits.dispose();
      expect(one.codes(x).top.length).toBe(0);
    });
    expect(m.bits).toBeCloseTo(16 * Math.log2(6) + 2 * Math.log2(5), 10);
    expect(one.bits).toBeCloseTo(16 * Math.log2(6), 10);
    expectThrowsWithoutLeak(() => m.decodeCodes({ top: new Int32Array(2), bottom: new Int32Array(15) }), /not whole images of 16 cells/);
    expectThrowsWithoutLeak(() => m.decodeCodes({ top: new Int32Array(1), bottom: new Int32Array(16) }), /1 top codes for 1 images/);
    expectThrowsWithoutLeak(() => m.decodeCodes({ top: new Int32Array(2), bottom: new Int32Array(16).fill(6) }), /outside 0..5/);
    tf.dispose(x); m.dispose(); one.dispose();
  });

  it('the bottom encoder reads the top codes: other top codebook vectors change the bottom codes', () => {
    const m = new HierarchicalVqVae({ ...SMALL, topMessage: 8 }, Key.fromSeed(4));
    const x = tf.randomUniform([20, 64], 0, 1, 'float32', 5) as tf.Tensor2D;
    const before = m.codes(x);
    (m.top as NonNullable<typeof m.top>).setCodebook(Array.from({ length: 5 }, (_, k) => [3 * k, -2 * k, k]));
    const after = m.codes(x);
    expect(Array.from(after.bottom)).not.toEqual(Array.from(before.bottom));
    tf.dispose(x); m.dispose();
  });

  it('training is reproducible, leak-free, and counts every code of a full pass', async () => {
    const set = randomImages(40, 8, 6);
    const run = async () => {
      const m = new HierarchicalVqVae(SMALL, Key.fromSeed(7));
      const h = await expectNoLeak(() => trainQuantized(m, set, Key.fromSeed(8), { steps: 6, batchSize: 8, learningRate: 1e-2, restartEvery: 3, progress: 'off' }));
      const codes = encodeSet(m, set, 16);
      const counts = [codeCounts(codes.bottom, 6), codeCounts(codes.top, 5)].map((c) => c.reduce((a, b) => a + b));
      m.dispose();
      return { losses: h.losses, restarts: h.restarts, counts, codes: Array.from(codes.bottom) };
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    expect(a.counts).toEqual([40 * 16, 40 * 2]);
    expect(a.losses.every(Number.isFinite)).toBe(true);
  });

  it('trains on the grey images when asked: the first loss is then the cross-entropy of the grey set', async () => {
    const set = randomImages(16, 8, 11);
    const firstLoss = async (inputs: 'grey' | 'binarized') => {
      const m = new HierarchicalVqVae(SMALL, Key.fromSeed(12));
      const h = await expectNoLeak(() => trainQuantized(m, set, Key.fromSeed(13), { steps: 1, batchSize: 16, inputs, progress: 'off' }));
      m.dispose();
      return h.losses[0];
    };
    // one batch of the whole set: the loss does not depend on the order the batch takes
    const m = new HierarchicalVqVae(SMALL, Key.fromSeed(12));
    const grey = tf.tensor2d(Array.from(set.pixels, (p) => p / 255), [16, 64]);
    const byHand = tf.tidy(() => m.lossAndAssignments(grey).loss.dataSync()[0]);
    expect(await firstLoss('grey')).toBeCloseTo(byHand, 3);
    expect(Math.abs((await firstLoss('binarized')) - byHand)).toBeGreaterThan(0.1);
    await expect(trainQuantized(m, set, Key.fromSeed(13), { inputs: 'colour' as 'grey', progress: 'off' })).rejects.toThrow(/use 'binarized' or 'grey'/);
    tf.dispose(grey); m.dispose();
  });

  it('a run saved without priors loads as an autoencoder, and loading it with priors names the fix', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hvq-'));
    const m = new HierarchicalVqVae(SMALL, Key.fromSeed(14));
    const x = tf.tensor2d(Array.from(randomImages(5, 8, 15).pixels, (p) => p / 255), [5, 64]);
    saveHvqModel(dir, m, { inputs: 'grey' });
    const loaded = loadHvqModel(dir);
    expect(loaded.record.inputs).toBe('grey');
    expect(loaded.model.codes(x)).toEqual(m.codes(x));
    expectThrowsWithoutLeak(() => loadHvqRun(dir), /without priors.*loadHvqModel/s);
    tf.dispose(x); m.dispose(); loaded.model.dispose();
    fs.rmSync(dir, { recursive: true });
  });

  it('the normalised error is the mean squared error of the decoder means over the pixel variance', () => {
    const set = randomImages(12, 8, 9);
    const m = new HierarchicalVqVae(SMALL, Key.fromSeed(10));
    const variance = pixelVariance(set);
    const all = Array.from(set.pixels, (p) => p / 255);
    const mean = all.reduce((a, b) => a + b) / all.length;
    expect(variance).toBeCloseTo(all.reduce((a, v) => a + (v - mean) ** 2, 0) / all.length, 10);
    const x = tf.tensor2d(all, [12, 64]);
    const p = tf.tidy(() => tf.sigmoid(m.decodeCodes(m.codes(x))));
    const byHand = values(p).reduce((a, v, i) => a + (v - all[i]) ** 2, 0) / all.length / variance;
    expect(normalizedError(m, set, variance, 5)).toBeCloseTo(byHand, 5);
    expect(() => normalizedError(m, set, 0)).toThrow(/positive pixel variance/);
    tf.dispose([x, p]); m.dispose();
  });
});

describe('priors over codes', () => {
  const bottomBook = { vectors: Float32Array.from({ length: 3 * 2 }, (_, i) => Math.sin(i + 1)), size: 3, dim: 2 };
  const topBook = { vectors: Float32Array.from([1, 0, 0, 1]), size: 2, dim: 2 };
  let local: LocalCodePrior;
  let top: TransformerCodePrior;
  beforeAll(() => {
    local = new LocalCodePrior({ grid: 2, radius: 1, hidden: [12] }, bottomBook, Key.fromSeed(11), { codebook: topBook, positions: 1 });
    top = new TransformerCodePrior(3, 4, { width: 8, heads: 2, hidden: 16, layers: 1, positions: 'learned', norm: 'pre', residual: true }, Key.fromSeed(12));
  });

  it('a causal neighbourhood of radius r holds r(2r+1) cells above and r to the left', () => {
    expect(causalOffsets(2).length).toBe(12);
    expect(causalOffsets(1)).toEqual([[-1, -1], [-1, 0], [-1, 1], [0, -1]]);
  });

  it('the neighbourhood prior sums to 1 over every grid, for each context, and the context matters', async () => {
    const grids = allRows(4, 3); // all 81 grids of 2x2 cells with 3 codes
    const sums = await expectNoLeak(() => [0, 1].map((t) => {
      const lp = local.logProb(grids, new Int32Array(81).fill(t));
      const p = values(lp).map(Math.exp);
      lp.dispose();
      return { total: p.reduce((a, b) => a + b), first: p[0] };
    }));
    expectClose(sums.map((s) => s.total), [1, 1], 1e-5);
    expect(Math.abs(sums[0].first - sums[1].first)).toBeGreaterThan(1e-4);
  });

  it('the Transformer prior sums to 1 over every row of codes (it would not if a code could see later ones)', async () => {
    const lp = await expectNoLeak(() => top.logProb(allRows(3, 4)), 1);
    expect(values(lp).map(Math.exp).reduce((a, b) => a + b)).toBeCloseTo(1, 5);
    lp.dispose();
  });

  it('refuses codes outside the codebook, missing context, and rows of the wrong length, without leaking', () => {
    expectThrowsWithoutLeak(() => local.logProb(new Int32Array(4), undefined), /conditioned on context codes/);
    expectThrowsWithoutLeak(() => local.logProb(Int32Array.from([0, 1, 2, 3]), new Int32Array(1)), /outside 0..2/);
    expectThrowsWithoutLeak(() => local.logProb(new Int32Array(5), new Int32Array(1)), /not whole grids of 4/);
    expectThrowsWithoutLeak(() => top.logProb(new Int32Array(4)), /not whole rows of 3/);
    expectThrowsWithoutLeak(() => top.logProb(Int32Array.from([0, 4, 0])), /outside 0..3/);
  });

  it('samples are reproducible, follow the raster order, and the bound adds its three parts', async () => {
    const a = local.sample(Key.fromSeed(13), 6, new Int32Array(6));
    expect(Array.from(local.sample(Key.fromSeed(13), 6, new Int32Array(6)))).toEqual(Array.from(a));
    expect(a.every((k) => k >= 0 && k < 3)).toBe(true);
    const t = top.sample(Key.fromSeed(14), 5);
    expect(t.length).toBe(15);
    // the bound of a tiny two-level model with priors fitted to nothing: parts finite and positive
    const m = new HierarchicalVqVae({ ...SMALL, bottomCodebook: 3, topCodebook: 2, topCodes: 1, bottomGrid: 2, bottomWindow: 4 }, Key.fromSeed(15));
    const binary = randomImages(7, 8, 16);
    binary.pixels = binary.pixels.map((v) => (v > 127 ? 255 : 0));
    const bottomPrior = new LocalCodePrior({ grid: 2, radius: 1, hidden: [12] }, bottomBook, Key.fromSeed(11), { codebook: topBook, positions: 1 });
    const topPrior = new TransformerCodePrior(1, 2, { width: 8, heads: 2, hidden: 16, layers: 1, positions: 'learned', norm: 'pre', residual: true }, Key.fromSeed(12));
    const parts = await expectNoLeak(() => hierarchicalBound(m, bottomPrior, topPrior, binary, 3));
    for (const part of [parts.reconstruction, parts.top, parts.bottom]) expect(part.every((v) => v > 0 && Number.isFinite(v))).toBe(true);
    expect(() => hierarchicalBound(m, bottomPrior, null, binary)).toThrow(/needs a top prior/);
    m.dispose(); bottomPrior.dispose(); topPrior.dispose();
  });
});
