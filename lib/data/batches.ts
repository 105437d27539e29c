// Keyed shuffling, batching and binarization of image sets.
import * as tf from '../core/tf';
import { DataError, ShapeError, checkInt } from '../core/errors';
import { Key, permutation, uniform } from '../core/random';
import { tensorFrom } from '../engine/tensor-io';
import { heapKernels, heapOffset } from '../engine/heap-kernels';
import { countOurCall } from '../engine/wasm-kernels';
import { fillUniform } from '../core/alea';
import type { ImageSet } from './images';

/**
 * Indices of the batch taken at `step` when epochs are shuffled by `key`: epoch e uses the
 * permutation of key.foldIn(e); the last incomplete batch of each epoch is dropped.
 */
export function batchIndices(key: Key, n: number, batchSize: number, step: number): Int32Array {
  checkInt('batchSize', batchSize, 1);
  checkInt('n', n, batchSize);
  checkInt('step', step, 0);
  const perEpoch = Math.floor(n / batchSize);
  const epoch = Math.floor(step / perEpoch);
  const start = (step % perEpoch) * batchSize;
  const epochKey = key.foldIn(epoch);
  const id = `${epochKey}|${n}`;
  if (cachedPermutation.id !== id) cachedPermutation = { id, perm: permutation(epochKey, n) };
  return cachedPermutation.perm.slice(start, start + batchSize);
}

// An epoch's permutation is reused by all of its batches.
let cachedPermutation: { id: string; perm: Int32Array } = { id: '', perm: new Int32Array(0) };

/** p / 255 as float32 for every byte p. */
const BYTE_TO_UNIT = Float32Array.from({ length: 256 }, (_, p) => p / 255);

/** Writes the chosen images' pixels, scaled to [0, 1], row after row into `out`. */
function writePixels(set: ImageSet, indices: ArrayLike<number>, out: Float32Array): void {
  const d = set.rows * set.cols;
  for (let i = 0; i < indices.length; i++) {
    const src = set.pixels.subarray(indices[i] * d, (indices[i] + 1) * d);
    for (let j = 0; j < d; j++) out[i * d + j] = BYTE_TO_UNIT[src[j]];
  }
}

/** Pixels of the chosen images scaled to [0, 1], row after row (for work on the JavaScript side). */
export function pixelValues(set: ImageSet, indices: ArrayLike<number>): Float32Array {
  const out = new Float32Array(indices.length * set.rows * set.cols);
  writePixels(set, indices, out);
  return out;
}

/** Pixels of the chosen images scaled to [0, 1]: a [indices.length, rows*cols] tensor, written where the backend keeps it (tensor-io.ts). */
export function gatherPixels(set: ImageSet, indices: ArrayLike<number>): tf.Tensor2D {
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i];
    if (!Number.isInteger(k) || k < 0 || k >= set.n) {
      throw new ShapeError(`image index ${k} is not an integer in [0, ${set.n})`, `pass indices of images in this set of ${set.n}`);
    }
  }
  return tensorFrom<tf.Rank.R2>([indices.length, set.rows * set.cols], (out) => writePixels(set, indices, out));
}

/** Consecutive images start..start+count (cut at the end of the set) as a [count, rows*cols] tensor in [0, 1]. */
export function pixelRange(set: ImageSet, start: number, count: number): tf.Tensor2D {
  checkInt('start', start, 0);
  checkInt('count', count, 1);
  if (start >= set.n) throw new ShapeError(`start = ${start} is past the last of ${set.n} images`, `pass a start below ${set.n}`);
  const idx = Array.from({ length: Math.min(count, set.n - start) }, (_, i) => start + i);
  return gatherPixels(set, idx);
}

/**
 * Throws DataError unless every entry of x is 0 or 1: what a Bernoulli likelihood can score. On the
 * wasm backend a kernel of ours counts the values in place; reading a batch back to check it took
 * about 0.4 ms a step, a twentieth of a VAE's (the values are read only to name a bad one).
 */
export function checkBinary(name: string, x: tf.Tensor): void {
  const kernels = heapKernels();
  if (kernels && x.dtype === 'float32' && x.size > 0) {
    countOurCall('countNonBinary');
    if (kernels.countNonBinary(heapOffset(kernels.backend, x), x.size) === 0) return;
  }
  const v = x.dataSync();
  let bad = 0;
  let first = -1;
  for (let i = 0; i < v.length; i++) {
    if (v[i] !== 0 && v[i] !== 1) {
      bad++;
      if (first < 0) first = i;
    }
  }
  if (bad > 0) {
    throw new DataError(`${name} holds ${bad} values that are neither 0 nor 1 (entry ${first} is ${v[first]}); a Bernoulli likelihood scores binary pixels`,
      'binarize the images first (binarizedTestSet, or binarizeDynamic for a fresh draw)');
  }
}

/** Dynamic binarization: each pixel is 1 with probability equal to its intensity, freshly drawn per call. */
export function binarizeDynamic(key: Key, x: tf.Tensor): tf.Tensor {
  if (x.dtype !== 'float32') return tf.tidy(() => tf.cast(tf.less(uniform(key, x.shape), x), 'float32'));
  // in place: the uniforms of uniform(key, x.shape) (the same draws), then u < x
  const seed = key.seed();
  return tensorFrom(x.shape, (out, p) => {
    fillUniform(out, seed);
    for (let i = 0; i < out.length; i++) out[i] = out[i] < p[i] ? 1 : 0;
  }, x);
}

/** Static binarization: one fixed stochastic draw per image set (keyed), or a 0.5 threshold without a key. */
export function binarizeStatic(set: ImageSet, key?: Key): ImageSet {
  const out = new Uint8Array(set.pixels.length);
  const u = key ? key.uniforms(set.pixels.length) : null;
  for (let i = 0; i < out.length; i++) {
    const p = set.pixels[i] / 255;
    out[i] = (u ? u[i] < p : p >= 0.5) ? 255 : 0;
  }
  return { ...set, pixels: out };
}
