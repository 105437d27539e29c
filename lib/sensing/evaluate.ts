// Recovery of whole test sets in chunks (so memory stays bounded), and the choice of the LASSO's
// lambda on held-out training images.
import * as tf from '../core/tf';
import { checkInt } from '../core/errors';
import { Key } from '../core/random';
import { lasso } from './fista';
import { measure } from './measurement';
import { reconstructionError } from './metrics';
import type { Uae } from './uae';

/** f applied to consecutive row chunks of x, results stacked; f's outputs are disposed here. */
export function inChunks(x: tf.Tensor2D, size: number, f: (chunk: tf.Tensor2D, index: number) => tf.Tensor2D): tf.Tensor2D {
  checkInt('size', size, 1);
  const parts: tf.Tensor2D[] = [];
  for (let start = 0, i = 0; start < x.shape[0]; start += size, i++) {
    const chunk = tf.slice(x, [start, 0], [Math.min(size, x.shape[0] - start), -1]) as tf.Tensor2D;
    parts.push(f(chunk, i));
    chunk.dispose();
  }
  const out = tf.concat(parts, 0) as tf.Tensor2D;
  tf.dispose(parts);
  return out;
}

/** The UAE's reconstructions f(W x + sigma eps) of every row of x; chunk i draws noise from key.foldIn(i). */
export function uaeReconstructions(uae: Uae, x: tf.Tensor2D, key: Key, chunk = 1000): tf.Tensor2D {
  return inChunks(x, chunk, (c, i) => tf.tidy(() => uae.decode(uae.measure(c, key.foldIn(i)))));
}

/** LASSO reconstructions of every row of x from y = W x + sigma eps. */
export function lassoReconstructions(x: tf.Tensor2D, w: tf.Tensor2D, sigma: number, lambda: number, key: Key, iterations = 300, chunk = 2000): tf.Tensor2D {
  return inChunks(x, chunk, (c, i) => {
    const y = measure(c, w, sigma, key.foldIn(i));
    const out = lasso(y, w, lambda, iterations);
    y.dispose();
    return out;
  });
}

/** The lambda of `candidates` with the smallest mean ||x - x_hat||^2 on the validation images. */
export function tuneLasso(validation: tf.Tensor2D, w: tf.Tensor2D, sigma: number, candidates: number[], key: Key, iterations = 300): { lambda: number; errors: number[] } {
  const errors = candidates.map((lambda) => {
    const xHat = lassoReconstructions(validation, w, sigma, lambda, key, iterations);
    const e = reconstructionError(validation, xHat).squared;
    xHat.dispose();
    return e;
  });
  return { lambda: candidates[errors.indexOf(Math.min(...errors))], errors };
}
