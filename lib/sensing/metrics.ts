// Reconstruction error stated exactly: per image, ||x - x_hat||_2 and its square, averaged over
// images (papers differ in which of the two they report, so both are given).
import * as tf from '../core/tf';
import { ShapeError, fmtShape } from '../core/errors';

export interface ReconstructionError {
  /** Mean over images of ||x - x_hat||_2. */
  l2: number;
  /** Mean over images of ||x - x_hat||_2^2. */
  squared: number;
  /** Standard error of the mean of ||x - x_hat||_2. */
  l2Stderr: number;
  images: number;
}

export function reconstructionError(x: tf.Tensor2D, xHat: tf.Tensor2D): ReconstructionError {
  if (x.rank !== 2 || xHat.rank !== 2 || x.shape[0] !== xHat.shape[0] || x.shape[1] !== xHat.shape[1]) {
    throw new ShapeError(`reconstructions of shape ${fmtShape(xHat.shape)} do not match signals of shape ${fmtShape(x.shape)}`, 'pass both as [images, n]');
  }
  const sq = tf.tidy(() => x.sub(xHat).square().sum(1));
  const s = sq.dataSync();
  sq.dispose();
  let l2 = 0;
  let squared = 0;
  let l2sq = 0;
  for (const v of s) { const r = Math.sqrt(v); l2 += r; l2sq += r * r; squared += v; }
  const n = s.length;
  const mean = l2 / n;
  const variance = n > 1 ? (l2sq - n * mean * mean) / (n - 1) : 0;
  return { l2: mean, squared: squared / n, l2Stderr: Math.sqrt(Math.max(variance, 0) / n), images: n };
}
