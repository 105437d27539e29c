// Maximum-likelihood fitting shared by the priors over codes: rows of codes (one image each) are
// drawn at random with the step's key, and the prior's mean log-probability of them is maximised.
import * as tf from '../core/tf';
import { checkInt } from '../core/errors';
import { Key } from '../core/random';
import { train, TrainResult } from '../core/train';
import { adam } from '../core/adam';

export interface PriorFitOptions {
  steps: number;
  batchSize: number;
  learningRate: number;
  progress?: 'auto' | 'lines' | 'off';
  label?: string;
}

/**
 * Adam on -mean log p(rows) for `rows` rows; step i draws its batch of row numbers from
 * key.foldIn(i) and `logProbOf(rowNumbers)` returns their log-probabilities [batch].
 */
export async function fitCodeRows(rows: number, logProbOf: (rowNumbers: Int32Array) => tf.Tensor1D, variables: tf.Variable[],
  key: Key, options: PriorFitOptions): Promise<TrainResult> {
  checkInt('batchSize', options.batchSize, 1);
  checkInt('rows', rows, 1);
  const optimizer = adam(options.learningRate);
  try {
    return await train(key, (k) => {
      const u = k.uniforms(options.batchSize);
      const picked = Int32Array.from(u, (v) => Math.floor(v * rows));
      return tf.tidy(() => tf.neg(tf.mean(logProbOf(picked))) as tf.Scalar);
    }, { steps: options.steps, optimizer, variables, label: options.label ?? 'code prior', progress: options.progress ?? 'auto' });
  } finally {
    optimizer.dispose();
  }
}

/** The rows `picked` of row-major codes with `width` codes per row. */
export function pickRows(codes: Int32Array, width: number, picked: Int32Array): Int32Array {
  const out = new Int32Array(picked.length * width);
  picked.forEach((r, b) => out.set(codes.subarray(r * width, (r + 1) * width), b * width));
  return out;
}
